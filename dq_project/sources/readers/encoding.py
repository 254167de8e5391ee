"""Text encodings: detect a file's encoding and stream it into clean UTF-8, line by undecodable line.

Whole chunks are decoded in C; only a chunk that fails is walked error by error (never line by line),
and each line holding undecodable bytes is cut out of the UTF-8 stream and reported as a BadLine with
its physical line number. DuckDB then reads the clean copy; `line_shifts` lets SQL map the copy's line
numbers back to the original file's.
"""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK_BYTES = 1 << 24
SAMPLE_BYTES = 1 << 20
UTF8 = ("utf-8", "utf-8-sig")


@dataclass(frozen=True)
class BadLine:
    """One physical line that could not be read (1-based line number, reason, text with \\xNN escapes
    for bytes that are not text, and then the line's exact bytes)."""

    line: int
    reason: str
    raw_text: str
    raw_bytes: bytes | None = None


def detect_encoding(path: Path, sample_bytes: int = SAMPLE_BYTES) -> str:
    """'utf-8-sig' for a UTF-8 BOM, 'utf-8' when the sample is UTF-8, else 'gb18030' (a GBK superset).

    A sample that is UTF-8 but for a few stray bytes (at least 20 well-formed non-ASCII characters
    per malformed sequence) still counts as UTF-8: its bad lines are then quarantined, where reading
    it as GB18030 would silently turn every Chinese character into mojibake.
    """
    with path.open("rb") as handle:
        sample = handle.read(sample_bytes)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # An incremental decoder lets a multi-byte character cut at the sample's end pass.
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(sample, final=False)
    malformed = text.count("\ufffd")
    if malformed == 0:
        return "utf-8"
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return "utf-8" if non_ascii - malformed >= 20 * malformed else "gb18030"


def resolve_encoding(configured: str, path: Path) -> str:
    """The configured encoding, or the detected one for 'auto'."""
    return detect_encoding(path) if configured == "auto" else configured


def transcode(src: BinaryIO, dst: BinaryIO | None, encoding: str) -> list[BadLine]:
    """Stream `src` (in `encoding`) to `dst` as UTF-8 without its undecodable lines; return those.

    With `dst=None` it only validates. A UTF-8 BOM is dropped.
    """
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    bad: list[BadLine] = []
    line_base, offset_base, carry = 1, 0, b""
    head = src.read(len(codecs.BOM_UTF8))
    if head == codecs.BOM_UTF8 and codec == "utf-8":
        offset_base, head = len(head), b""
    carry = head
    while True:
        block = src.read(CHUNK_BYTES)
        data = carry + block
        cut = data.rfind(b"\n") + 1 if block else len(data)
        chunk, carry = data[:cut], data[cut:]
        if chunk:
            text = _decode_chunk(chunk, codec, line_base, offset_base, bad)
            if dst is not None:
                dst.write(text.encode("utf-8"))
            line_base += chunk.count(b"\n")
            offset_base += len(chunk)
        if not block:
            return bad


def _decode_chunk(chunk: bytes, codec: str, line_base: int, offset_base: int, bad: list[BadLine]) -> str:
    """Decode whole lines; cut out each line with an undecodable byte (newline is never a trail byte
    in UTF-8, GBK or GB18030, so splitting at newlines never splits a character)."""
    pieces: list[str] = []
    pos, counted, line = 0, 0, line_base
    while True:
        try:
            pieces.append(chunk[pos:].decode(codec) if pos else chunk.decode(codec))
            return "".join(pieces)
        except UnicodeDecodeError as err:
            at = pos + err.start
            start = chunk.rfind(b"\n", 0, at) + 1
            end = chunk.find(b"\n", at)
            end = len(chunk) if end < 0 else end + 1
            pieces.append(chunk[pos:start].decode(codec))
            line += chunk.count(b"\n", counted, start)
            counted = start
            exact = chunk[start:end].rstrip(b"\r\n")
            raw = exact.decode(codec, "backslashreplace")
            reason = (
                f"undecodable bytes for {codec} at byte {at - start + 1} of the line "
                f"(file offset {offset_base + at})"
            )
            bad.append(BadLine(line, reason, raw, exact))
            pos = end
            if pos >= len(chunk):
                return "".join(pieces)


def line_shifts(removed: list[BadLine]) -> list[int]:
    """For removed lines r_1 < r_2 < ..., the values r_k - k: line t of the cleaned copy is line
    t + #{k : r_k - k < t} of the original (what the quarantine SQL computes)."""
    return [bad.line - k for k, bad in enumerate(sorted(removed, key=lambda b: b.line), start=1)]


@contextmanager
def utf8_copy(path: Path, encoding: str, workdir: Path | None) -> Iterator[tuple[Path, list[BadLine]]]:
    """(a clean UTF-8 file with the same lines, the lines cut out of it).

    A clean UTF-8 file is yielded as itself (validated, not copied); anything else is transcoded to
    a temporary file in `workdir` (default: the system temp dir), deleted on exit.
    """
    if encoding in UTF8:
        with path.open("rb") as src:
            bad = transcode(src, None, encoding)
        if not bad:
            yield path, []
            return
    with tempfile.NamedTemporaryFile(suffix=".utf8", dir=workdir, delete=False) as dst:
        temp = Path(dst.name)
        try:
            with path.open("rb") as src:
                bad = transcode(src, dst, encoding)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    try:
        yield temp, bad
    finally:
        temp.unlink(missing_ok=True)
