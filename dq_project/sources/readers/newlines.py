"""Line endings: DuckDB's CSV reader follows one line terminator per file. CRLF and LF mixed is fine,
but a bare CR (old Mac exports, a line pasted from another file) beside LF or CRLF stopped the whole
load ("state machine reached an invalid state"). Such a file is read from a copy whose bare CRs
outside quoted fields are LFs: the same lines, the same line numbers, quoted values byte-exact.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHUNK_BYTES = 1 << 24
_BARE_CR = re.compile(rb"\r(?!\n)")


def has_mixed_endings(path: Path) -> bool:
    """True when the file has a bare CR and also an LF (alone or in CRLF): two regex scans in C."""
    bare = lf = False
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            if block.endswith(b"\r"):  # keep a CRLF split across blocks together
                block += handle.read(1)
            bare = bare or _BARE_CR.search(block) is not None
            lf = lf or b"\n" in block
            if bare and lf:
                return True
    return False


def even_endings(data: bytes, quote: str) -> bytes:
    """`data` with every bare CR outside quoted fields turned into LF (quoted fields untouched)."""
    q = re.escape(quote.encode())
    pattern = re.compile(rb"(" + q + rb"(?:[^" + q + rb"]|" + q + q + rb")*" + q + rb")|\r(?!\n)")
    return pattern.sub(lambda m: m.group(1) or b"\n", data)


@contextmanager
def readable_endings(path: Path, quote: str, workdir: Path | None) -> Iterator[Path]:
    """`path` itself, or (for mixed endings with bare CRs) a temporary copy with even endings in
    `workdir`, deleted on exit. The copy is made in memory: only files that need it pay for it."""
    if not has_mixed_endings(path):
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".lf", dir=workdir, delete=False) as dst:
        temp = Path(dst.name)
        dst.write(even_endings(path.read_bytes(), quote))
    try:
        yield temp
    finally:
        temp.unlink(missing_ok=True)
