"""What a text source's file really is, from its first bytes: a compressed or archive file under a
.csv/.jsonl name is refused whole instead of being decoded as text.

Decision: such a file is quarantined, not decompressed transparently. A gzip named .csv means the
export step was misconfigured, and reading it anyway would hide that; it would also load an
unbounded amount of text from a small file (a decompression bomb passes any size check on the
landed file), and raw's file name, size and SHA-256 would describe bytes that are not the rows.
"""

from __future__ import annotations

from pathlib import Path

from dq_project.sources.file_quarantine import FileProblem

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip (or an .xlsx workbook)"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"PAR1", "Parquet"),
    (b"\xd0\xcf\x11\xe0", "legacy Office (.xls)"),
)


def container_of(path: Path) -> str | None:
    """The compression or binary container the file starts with, or None for (possibly) text."""
    with path.open("rb") as handle:
        head = handle.read(8)
    return next((name for magic, name in SIGNATURES if head.startswith(magic)), None)


def refuse_containers(path: Path, expected: str) -> None:
    """Raise FileProblem when a text source's file is a compressed or binary container."""
    found = container_of(path)
    if found:
        raise FileProblem(
            f"{path.name}: the file is {found} data, not {expected} text (compressed or binary files "
            "are not read under a text name)",
            f"decompress or convert it to plain {expected} and land that file (a new SHA-256 loads "
            "normally); dq does not decompress landed files",
        )
