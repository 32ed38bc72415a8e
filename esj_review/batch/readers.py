"""Reading batch sheets row by row, one reader per file suffix (CSV, XLSX).

The registry says which files are sheets: the batch's search of folders, its messages and its
help all read it. Rows come one at a time, never the whole sheet in memory; openpyxl loads only
when an XLSX is read.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esj_review.core.errors import InputFileError

Row = tuple[int, dict[str, Any]]  # (row number, {column: cell}); row 1 is the header


@dataclass(frozen=True)
class SheetReader:
    """How to read one kind of sheet: its suffix, its name for people, and its rows."""

    suffix: str
    label: str
    rows: Callable[[Path], Iterator[Row]]


def _csv_rows(path: Path) -> Iterator[Row]:
    try:
        handle = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from None
    with handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return
            names = [h.strip() for h in header]
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                yield number, dict(zip(names, cells, strict=False))
        except UnicodeDecodeError:
            raise InputFileError(path, "not UTF-8 text; save the sheet as CSV UTF-8") from None
        except csv.Error as exc:
            raise InputFileError(path, f"malformed CSV: {exc}") from None


def _xlsx_rows(path: Path) -> Iterator[Row]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputFileError(path, f"not a readable XLSX workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = [str(h).strip() if h is not None else "" for h in header]
        for number, cells in enumerate(rows, start=2):
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            yield number, dict(zip(names, cells, strict=False))
    finally:
        book.close()


SHEET_READERS: dict[str, SheetReader] = {
    r.suffix: r
    for r in (SheetReader(".csv", "CSV", _csv_rows), SheetReader(".xlsx", "XLSX", _xlsx_rows))
}


def sheet_reader(path: Path) -> SheetReader | None:
    """The reader for a file, by its suffix; None when it is not a sheet."""
    return SHEET_READERS.get(path.suffix.lower())


def sheet_kinds(sep: str = "/") -> str:
    """The kinds of sheet for messages: `CSV/XLSX`."""
    return sep.join(r.label for r in SHEET_READERS.values())


def read_rows(path: Path) -> Iterator[Row]:
    """Yield (row number, {column: cell}) for each non-blank row; row 1 is the header."""
    reader = sheet_reader(path)
    if reader is None:
        suffixes = ", ".join(SHEET_READERS)
        raise InputFileError(path, f"not a sheet ({suffixes})")
    yield from reader.rows(path)
