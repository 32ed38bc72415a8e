"""Reading batch sheets row by row, one reader per file suffix (CSV, XLSX).

The registry says which files are sheets: the batch's search of folders, its messages and its
help all read it. Rows come one at a time, never the whole sheet in memory; openpyxl loads only
when an XLSX is read.

A sheet can come from anyone, so it is read with limits, and anything wrong with it becomes an
`InputFileError` naming the file (and the row, when there is one), never a traceback:

- `MAX_SHEET_BYTES` (256 MB): the largest CSV file, checked before reading; and the most the
  parts of an XLSX may hold once inflated. A budget office's sheet of 20,000 proposals is a few
  MB as CSV and some tens of MB as XLSX XML.
- `MAX_XLSX_BYTES` (64 MB): the largest XLSX file, and `MAX_XLSX_PARTS` (10,000) the most parts
  (zip entries) in it. Before openpyxl opens a workbook, every part is inflated here with a
  counter that stops at the limit; the sizes the zip declares are checked but not trusted.
- `MAX_CELL_CHARS` (131,072, the csv module's default): the longest cell, CSV or XLSX; a review
  file is the place for longer text. `MAX_LINE_CHARS` (8 Mi characters): the longest line of a
  CSV, which bounds how many cells one row can have.
- `MAX_XLSX_ROWS` (1,048,576, Excel's own limit): the most rows an XLSX sheet may claim.
- XML entities and DTDs are refused: openpyxl parses with defusedxml when it is importable, and
  an XLSX is not read when it is not. Rows past a stale `<dimension>` are still read.
- A sheet with no header row, or with a header and no proposals, is an error, not 0 rows.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from esj_review.core.errors import InputFileError
from esj_review.core.files import reading
from esj_review.core.text import one_line

Row = tuple[int, dict[str, Any]]  # (row number, {column: cell}); row 1 is the header

MAX_SHEET_BYTES = 256 * 1024 * 1024
MAX_XLSX_BYTES = 64 * 1024 * 1024
MAX_XLSX_PARTS = 10_000
MAX_XLSX_ROWS = 1_048_576
MAX_CELL_CHARS = 131_072
MAX_LINE_CHARS = 8 * 1024 * 1024
_CHUNK = 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how Excel stores .xls and encrypted .xlsx

NO_HEADER = "the sheet is empty: no header row"
NO_PROPOSALS = "the sheet has a header but no proposals"


@dataclass(frozen=True)
class SheetReader:
    """How to read one kind of sheet: its suffix, its name for people, and its rows."""

    suffix: str
    label: str
    rows: Callable[[Path], Iterator[Row]]


def _mb(size: int) -> str:
    return f"{size // 2**20} MB"


def _blank(cell: Any) -> bool:
    return cell is None or str(cell).strip() == ""


def _open_regular(path: Path, limit: int) -> IO[bytes]:
    """The file opened for reading, once it is known to be a regular file within `limit`.
    Opened without blocking, so that a FIFO named .csv is refused instead of waited on."""
    with reading(path, "a sheet"):
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    info = os.fstat(fd)
    refusal = None
    if stat.S_ISDIR(info.st_mode):
        refusal = "is a folder, not a sheet"
    elif not stat.S_ISREG(info.st_mode):
        refusal = "not a regular file"
    elif info.st_size > limit:
        refusal = f"file is {info.st_size / 2**20:.1f} MB; the limit for a sheet is {_mb(limit)}"
    if refusal:
        os.close(fd)
        raise InputFileError(path, refusal)
    return os.fdopen(fd, "rb")


def _table(
    path: Path, header: Sequence[Any] | None, body: Iterable[Sequence[Any]]
) -> Iterator[Row]:
    """Rows as {column: cell} from a header and the rows under it (row 2 on), blank rows
    skipped; no header, or no proposal under it, is an error."""
    if header is None:
        raise InputFileError(path, NO_HEADER)
    names = [str(h).strip() if h is not None else "" for h in header]
    _check_cells(path, 1, names)
    if not any(names):
        rest = any(not all(_blank(c) for c in cells) for cells in body)
        raise InputFileError(path, "no header row: row 1 is blank" if rest else NO_HEADER)
    found = False
    for number, cells in enumerate(body, start=2):
        if all(_blank(c) for c in cells):
            continue
        _check_cells(path, number, cells)
        found = True
        yield number, dict(zip(names, cells, strict=False))
    if not found:
        raise InputFileError(path, NO_PROPOSALS)


def _check_cells(path: Path, number: int, cells: Sequence[Any]) -> None:
    for cell in cells:
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise InputFileError(
                path, f"row {number}: a cell is longer than {MAX_CELL_CHARS:,} characters"
            )


def _csv_lines(path: Path, text: IO[str]) -> Iterator[str]:
    """The lines of a CSV, refusing one longer than MAX_LINE_CHARS before csv splits it."""
    while line := text.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise InputFileError(path, f"a line is longer than {MAX_LINE_CHARS:,} characters")
        yield line


def _csv_rows(path: Path) -> Iterator[Row]:
    raw = _open_regular(path, MAX_SHEET_BYTES)
    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        csv.field_size_limit(MAX_CELL_CHARS)  # process-wide; the same as csv's default
        records = _CsvRecords(path, csv.reader(_csv_lines(path, text)))
        yield from _table(path, next(records, None), records)


class _CsvRecords:
    """csv.reader's records, with its errors turned into messages naming the row."""

    def __init__(self, path: Path, reader: Iterator[list[str]]) -> None:
        self.path, self.reader, self.number = path, reader, 0

    def __iter__(self) -> _CsvRecords:
        return self

    def __next__(self) -> list[str]:
        self.number += 1
        try:
            return next(self.reader)
        except UnicodeDecodeError:  # found a chunk ahead of the row being read: no row
            raise InputFileError(self.path, "not UTF-8 text; save the sheet as CSV UTF-8") from None
        except csv.Error as exc:
            message = str(exc)
            if "field larger than field limit" in message:
                message = f"a cell is longer than {MAX_CELL_CHARS:,} characters"
            message = f"malformed CSV: {one_line(message, 120)}"
        except InputFileError as exc:
            message = exc.problems[0].message
        except OSError as exc:
            message = f"cannot read: {exc.strerror or exc}"
        raise InputFileError(self.path, f"row {self.number}: {message}")


def _check_zip(path: Path, handle: IO[bytes]) -> None:
    """Refuse a workbook whose parts are too many or inflate past MAX_SHEET_BYTES, counting
    the bytes as they inflate rather than trusting the sizes the zip declares."""
    if handle.read(len(_OLE2)) == _OLE2:
        raise InputFileError(
            path, "a password-protected workbook or an old .xls file; save it as .xlsx, no password"
        )
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            parts = [info for info in archive.infolist() if not info.is_dir()]
            if len(parts) > MAX_XLSX_PARTS:
                raise InputFileError(path, f"more than {MAX_XLSX_PARTS:,} parts in the workbook")
            too_large = f"the workbook inflates to more than {_mb(MAX_SHEET_BYTES)}"
            if sum(info.file_size for info in parts) > MAX_SHEET_BYTES:
                raise InputFileError(path, too_large)
            total = 0
            for info in parts:
                with archive.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_SHEET_BYTES:
                            raise InputFileError(path, too_large)
    except InputFileError:
        raise
    except Exception as exc:  # zipfile, zlib, bz2, lzma on hostile bytes: one line
        raise InputFileError(path, f"not a readable XLSX workbook: {_reason(exc)}") from exc
    handle.seek(0)


def _reason(exc: BaseException) -> str:
    """An exception from a parser, as a short line; never the raw text of a hostile file."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    for _ in range(8):  # openpyxl wraps what the XML parser raised
        if isinstance(cause, DefusedXmlException):
            return "XML entities and DTDs are not allowed in a workbook"
        cause = cause and (cause.__cause__ or cause.__context__)
    if isinstance(exc, zipfile.BadZipFile):
        return f"damaged or not a zip file ({one_line(exc, 80)})"
    return one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, 120)


def _xlsx_rows(path: Path) -> Iterator[Row]:
    from openpyxl import xml as openpyxl_xml

    if not openpyxl_xml.DEFUSEDXML:
        raise InputFileError(
            path,
            "XLSX is not read without defusedxml: install it; OPENPYXL_DEFUSEDXML=False"
            " turns it off",
        )
    with _open_regular(path, MAX_XLSX_BYTES) as handle:
        _check_zip(path, handle)
        yield from _workbook_rows(path, handle)


def _workbook_rows(path: Path, handle: IO[bytes]) -> Iterator[Row]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # whatever openpyxl raises on hostile bytes: one line
        raise InputFileError(path, f"not a readable XLSX workbook: {_reason(exc)}") from exc
    try:
        if not book.worksheets:
            raise InputFileError(path, "the workbook has no sheets")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # read-only mode stops at <dimension>, which may be stale
        records = _XlsxRecords(path, sheet.iter_rows(values_only=True))
        yield from _table(path, next(records, None), records)
    finally:
        book.close()


class _XlsxRecords:
    """openpyxl's rows, with its errors turned into messages naming the row."""

    def __init__(self, path: Path, rows: Iterator[Sequence[Any]]) -> None:
        self.path, self.rows, self.number = path, rows, 0

    def __iter__(self) -> _XlsxRecords:
        return self

    def __next__(self) -> Sequence[Any]:
        self.number += 1
        if self.number > MAX_XLSX_ROWS:
            raise InputFileError(self.path, f"more than {MAX_XLSX_ROWS:,} rows")
        try:
            return next(self.rows)
        except StopIteration:
            raise
        except Exception as exc:  # whatever openpyxl raises mid-sheet: one line with the row
            reason = _reason(exc)
        raise InputFileError(self.path, f"row {self.number}: cannot read the sheet: {reason}")


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
    """Yield (row number, {column: cell}) for each non-blank row; row 1 is the header. A sheet
    with no header, or no proposal, raises InputFileError, as does anything hostile."""
    reader = sheet_reader(path)
    if reader is None:
        suffixes = ", ".join(SHEET_READERS)
        raise InputFileError(path, f"not a sheet ({suffixes})")
    yield from reader.rows(path)
