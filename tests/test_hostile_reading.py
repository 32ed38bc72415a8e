"""Hostile PDFs and sheets: every one is refused with one line naming the file, within bounds.

The hostile files are built here, in tmp_path: a report PDF whose attachment inflates without
limit, or is encoded with another filter, or is encrypted; workbooks with XML entity bombs,
lying zip headers, stale dimensions, no sheets, or rows past Excel's limit; CSV files that are
empty, huge, or have a cell or a line too long.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pikepdf
import pytest
from typer.testing import CliRunner

from esj_review.batch import readers
from esj_review.batch.readers import NO_HEADER, NO_PROPOSALS, read_rows
from esj_review.cli import app
from esj_review.core import files
from esj_review.core.errors import InputFileError
from esj_review.report.extract import extract_review

ROOT = Path(__file__).resolve().parent.parent
REVIEW_TEXT = (ROOT / "examples" / "reduced-fare-transit.yaml").read_bytes()
MB = 1024 * 1024


def refusal(path: Path, read: Callable[[Path], object] | None = None) -> str:
    """The message of the InputFileError that reading `path` raises, without the file name."""
    with pytest.raises(InputFileError) as caught:
        (read or (lambda p: list(read_rows(p))))(path)
    message = caught.value.message
    assert message.startswith(f"{path}: ") and "\n" not in message, message
    return message.removeprefix(f"{path}: ")


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


# --- PDFs -----------------------------------------------------------------------------------


def pdf_with(path: Path, attachments: dict[str, bytes], **save: object) -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    for name, data in attachments.items():
        pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data)
    pdf.save(path, **save)  # type: ignore[arg-type]
    return path


def pdf_with_raw(path: Path, raw: bytes, **write: object) -> Path:
    """A PDF whose review.yaml stream holds `raw` as its encoded bytes, with the filter given."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["review.yaml"] = pikepdf.AttachedFileSpec(pdf, b"placeholder")
    stream = pdf.attachments["review.yaml"].obj.EF.F
    stream.write(raw, **write)  # type: ignore[arg-type]
    pdf.save(path, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    return path


def zeros_deflated(size: int) -> bytes:
    """`size` zero bytes, deflated, without ever holding them all."""
    packer = zlib.compressobj(9)
    chunk = bytes(MB)
    return b"".join(packer.compress(chunk) for _ in range(size // MB)) + packer.flush()


def test_extract_reads_a_flate_and_a_plain_attachment(tmp_path: Path) -> None:
    flate = pdf_with_raw(
        tmp_path / "f.pdf", zlib.compress(REVIEW_TEXT), filter=pikepdf.Name.FlateDecode
    )
    plain = pdf_with_raw(tmp_path / "p.pdf", REVIEW_TEXT)
    for path in (flate, plain):
        review, text = extract_review(path)
        assert text.encode() == REVIEW_TEXT and review.proposal.id == "EX-TRANSIT-2027-01"


def test_extract_stops_inflating_a_bomb_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 64 MB of zeros in about 64 KB: the limit is made 1 MB so the test stays cheap; memory
    # must stay near the limit, not near what the stream would inflate to.
    bomb = pdf_with_raw(
        tmp_path / "bomb.pdf", zeros_deflated(64 * MB), filter=pikepdf.Name.FlateDecode
    )
    monkeypatch.setattr(files, "MAX_FILE_BYTES", MB)
    tracemalloc.start()
    try:
        message = refusal(bomb, extract_review)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == "the attached review is larger than the 1 MB limit"
    assert peak < 4 * MB, f"{peak / MB:.1f} MB held while refusing"
    code, err = cli("extract", str(bomb))
    assert code == 1 and err == f"error: {bomb}: {message}\n"


@pytest.mark.parametrize("lie", [False, True])
def test_extract_checks_the_raw_size_before_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lie: bool
) -> None:
    # 2 MB that do not compress, behind a /Length that is true, or that says 10 bytes.
    path = pdf_with_raw(tmp_path / "big.pdf", os.urandom(2 * MB), filter=pikepdf.Name.FlateDecode)
    if lie:
        path.write_bytes(path.read_bytes().replace(b"/Length 2097152", b"/Length 10     "))
    monkeypatch.setattr(files, "MAX_FILE_BYTES", MB)
    inflated: list[object] = []
    monkeypatch.setattr(zlib, "decompressobj", lambda *a: inflated.append(a))
    read = pikepdf.Object.read_raw_bytes
    raw_reads: list[int] = []

    def counted(self: pikepdf.Object) -> bytes:
        raw_reads.append(1)
        return read(self)

    monkeypatch.setattr(pikepdf.Object, "read_raw_bytes", counted)
    assert refusal(path, extract_review) == "the attached review is larger than the 1 MB limit"
    assert not inflated
    assert raw_reads == ([1] if lie else []), "a true /Length is enough to refuse unread"


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (
            {"filter": pikepdf.Name.ASCIIHexDecode},
            "encoded with /ASCIIHexDecode; only /FlateDecode",
        ),
        (
            {"filter": pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.FlateDecode])},
            "encoded with /FlateDecode /FlateDecode; only /FlateDecode",
        ),
        (
            {
                "filter": pikepdf.Name.FlateDecode,
                "decode_parms": pikepdf.Dictionary(Predictor=12, Columns=4),
            },
            "uses a FlateDecode predictor",
        ),
    ],
)
def test_extract_refuses_other_filters(
    tmp_path: Path, write: dict[str, object], expected: str
) -> None:
    path = pdf_with_raw(tmp_path / "f.pdf", zlib.compress(REVIEW_TEXT), **write)
    assert expected in refusal(path, extract_review)


def test_extract_refuses_damaged_and_cut_short_streams(tmp_path: Path) -> None:
    packed = zlib.compress(REVIEW_TEXT)
    cut = pdf_with_raw(
        tmp_path / "cut.pdf", packed[: len(packed) // 2], filter=pikepdf.Name.FlateDecode
    )
    assert refusal(cut, extract_review) == "the attached review's compressed data is cut short"
    bad = pdf_with_raw(tmp_path / "bad.pdf", b"\x00not zlib" * 10, filter=pikepdf.Name.FlateDecode)
    assert refusal(bad, extract_review) == "the attached review's compressed data is damaged"


def test_extract_of_an_encrypted_pdf_is_one_line(tmp_path: Path) -> None:
    locked = pdf_with(
        tmp_path / "locked.pdf",
        {"review.yaml": REVIEW_TEXT},
        encryption=pikepdf.Encryption(owner="o", user="secret"),
    )
    message = refusal(locked, extract_review)
    assert message == "the PDF is encrypted with a password; esj-review reports never are"
    code, err = cli("extract", str(locked))
    assert code == 1 and err == f"error: {locked}: {message}\n"


def test_extract_of_a_folder_a_non_pdf_and_a_missing_file(tmp_path: Path) -> None:
    folder = tmp_path / "report.pdf"
    folder.mkdir()
    assert refusal(folder, extract_review) == "is a folder, not a PDF"
    text = tmp_path / "notes.pdf"
    text.write_text("not a pdf\nerror: fake\n")
    message = refusal(text, extract_review)
    assert message.startswith("not a readable PDF: ") and str(text) not in message
    assert refusal(tmp_path / "gone.pdf", extract_review) == "file not found"
    for path in (folder, text):
        code, err = cli("extract", str(path))
        assert code == 1 and err.count("\n") == 1 and "Traceback" not in err


def test_extract_of_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = pdf_with(tmp_path / "r.pdf", {"review.yaml": REVIEW_TEXT})

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(pikepdf, "open", denied)  # root reads any file, so chmod cannot show it
    assert refusal(path, extract_review) == "cannot read: Permission denied"
    code, err = cli("extract", str(path))
    assert code == 1 and err == f"error: {path}: cannot read: Permission denied\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_extract_of_a_file_without_read_permission(tmp_path: Path) -> None:
    path = pdf_with(tmp_path / "r.pdf", {"review.yaml": REVIEW_TEXT})
    path.chmod(0)
    assert refusal(path, extract_review) == "cannot read: Permission denied"


def test_attachment_names_cannot_write_to_the_terminal(tmp_path: Path) -> None:
    names = {
        "evil\x1b[31mred\x1b[0m": b"x",
        "notes.txt\nerror: the review is valid, score 100": b"x",
        "fdp\u202eexe.yaml": b"x",
    }
    path = pdf_with(tmp_path / "evil.pdf", names)
    code, err = cli("extract", str(path))
    assert code == 1 and err.count("\n") == 1 and err.startswith(f"error: {path}: no review.yaml")
    assert "\x1b" not in err and "\u202e" not in err
    assert "evil[U+001B][31mred" in err and "fdp[U+202E]exe.yaml" in err
    assert "notes.txt error: the review is valid" in err


def test_many_attachment_names_are_cut_short(tmp_path: Path) -> None:
    path = pdf_with(tmp_path / "many.pdf", {f"file-{n:02}.txt": b"x" for n in range(40)})
    message = refusal(path, extract_review)
    assert "file-09.txt" in message and "file-10.txt" not in message and ", ..." in message


# --- XLSX -----------------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, shared: bool = True) -> Path:
    """A workbook written by openpyxl; with `shared`, its text moved into xl/sharedStrings.xml
    as Excel writes it (openpyxl writes inline strings)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    if not shared:
        return path
    strings: list[bytes] = []

    def pointer(match: re.Match[bytes]) -> bytes:
        strings.append(match[2])
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match[1], len(strings) - 1)

    inline = rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>(.*?)</t></is></c>'
    rewrite(path, {SHEET: lambda d: re.sub(inline, pointer, d)})
    table = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    return rewrite(
        path,
        {"[Content_Types].xml": lambda d: d.replace(b"</Types>", override)},
        {STRINGS: b'<sst xmlns="%s">%s</sst>' % (MAIN_NS, table)},
    )


def rewrite(
    path: Path, change: dict[str, Callable[[bytes], bytes]], add: dict[str, bytes] | None = None
) -> Path:
    """The zip at `path` with some parts rewritten and some added."""
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            out.writestr(name, change[name](data) if name in change else data)
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return path


ROWS = [["proposal.id", "proposal.title", "proposal.kind"]] + [
    [f"P-{n}", f"Title {n}", "program"] for n in range(1, 6)
]


def test_openpyxl_parses_sheets_with_defusedxml() -> None:
    from openpyxl import xml as openpyxl_xml
    from openpyxl.reader import strings
    from openpyxl.worksheet import _reader

    assert openpyxl_xml.DEFUSEDXML is True
    assert _reader.iterparse.__module__.startswith("defusedxml")
    assert strings.iterparse.__module__.startswith("defusedxml")


def test_xlsx_is_not_read_without_defusedxml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import xml as openpyxl_xml

    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    monkeypatch.setattr(openpyxl_xml, "DEFUSEDXML", False)
    assert "not read without defusedxml" in refusal(path)


@pytest.mark.parametrize("part", [SHEET, STRINGS])
def test_xlsx_entity_bomb_is_refused(tmp_path: Path, part: str) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    path = rewrite(
        path,
        {part: lambda d: BOMB.encode() + d.replace(b"Title 3", b"&lol9;")},
    )
    message = refusal(path)
    assert "XML entities and DTDs are not allowed in a workbook" in message


def test_xlsx_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'.encode()
    path = rewrite(
        path,
        {SHEET: lambda d: doctype + d.replace(b"<v>2</v>", b"<v>&xxe;</v>")},
    )
    message = refusal(path)
    assert "XML entities and DTDs are not allowed" in message and "TOP-SECRET" not in message


def test_xlsx_malformed_xml_mid_sheet_names_the_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    path = rewrite(path, {SHEET: lambda d: d[: d.index(b'<row r="4"')] + b'<row r="4"><c r="A4"'})
    message = refusal(path)
    assert message.startswith("row 4: cannot read the sheet: ParseError"), message


def test_xlsx_shared_string_out_of_range_names_the_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    path = rewrite(
        path, {SHEET: lambda d: re.sub(rb'(<c r="B3"[^>]*t="s"[^>]*><v>)\d+', rb"\g<1>99999", d)}
    )
    assert refusal(path).startswith("row 3: cannot read the sheet: IndexError")


def test_xlsx_with_no_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    rewrite(path, {"xl/workbook.xml": lambda d: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d)})
    assert refusal(path) == "the workbook has no sheets"


def test_xlsx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    path.write_text("proposal.id\nP-1\n")
    assert refusal(path).startswith("not a readable XLSX workbook: damaged or not a zip file")
    # Excel saves a workbook with a password (and an old .xls) as an OLE2 compound file.
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert refusal(path).startswith("a password-protected workbook or an old .xls file")


def test_xlsx_part_that_inflates_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    padding = b"<!-- " + b" " * (8 * MB) + b" -->"
    rewrite(path, {STRINGS: lambda d: d.replace(b"</sst>", padding + b"</sst>")})
    monkeypatch.setattr(readers, "MAX_SHEET_BYTES", 4 * MB)
    loaded: list[object] = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: loaded.append(a))
    assert refusal(path) == "the workbook inflates to more than 4 MB"
    assert not loaded, "openpyxl was given the workbook"


def test_xlsx_zip_that_lies_about_its_sizes(tmp_path: Path) -> None:
    # The central directory says sheet1.xml is 100 bytes; it inflates to 32 MB.
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    rewrite(
        path,
        {
            SHEET: lambda d: d.replace(
                b"</worksheet>", b"<!--" + b" " * (32 * MB) + b"--></worksheet>"
            )
        },
    )
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(SHEET).header_offset
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(SHEET)] != SHEET.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    small = (100).to_bytes(4, "little")
    data[central + 24 : central + 28] = small  # the central directory lies
    data[local + 22 : local + 26] = small  # and so does the local header
    path.write_bytes(bytes(data))
    tracemalloc.start()
    try:
        message = refusal(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message.startswith("not a readable XLSX workbook: damaged"), message
    assert peak < 8 * MB


def test_xlsx_with_too_many_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    monkeypatch.setattr(readers, "MAX_XLSX_PARTS", 3)
    assert refusal(path) == "more than 3 parts in the workbook"


def test_xlsx_file_over_the_limit_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:  # sparse: no disk used
        handle.truncate(readers.MAX_XLSX_BYTES + 1)
    assert refusal(path) == "file is 64.0 MB; the limit for a sheet is 64 MB"


def test_xlsx_rows_past_a_stale_dimension_are_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    rewrite(
        path, {SHEET: lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', d)}
    )
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:B2"' in archive.read(SHEET)
    rows = list(read_rows(path))
    assert [n for n, _ in rows] == [2, 3, 4, 5, 6]
    assert rows[-1][1] == {
        "proposal.id": "P-5",
        "proposal.title": "Title 5",
        "proposal.kind": "program",
    }


def test_xlsx_past_excel_row_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A row numbered 1,000,000,000 would make openpyxl yield a billion empty rows first.
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    rewrite(path, {SHEET: lambda d: re.sub(rb'r="([A-Z]*)6"', rb'r="\g<1>500"', d)})
    monkeypatch.setattr(readers, "MAX_XLSX_ROWS", 100)
    assert refusal(path) == "more than 100 rows"


def test_xlsx_cell_too_long_names_the_row(tmp_path: Path) -> None:
    # openpyxl cuts what it writes to Excel's 32,767 characters; a hostile file need not.
    path = write_xlsx(tmp_path / "s.xlsx", ROWS)
    long = b"x" * (readers.MAX_CELL_CHARS + 1)
    rewrite(path, {STRINGS: lambda d: d.replace(b"Title 5", long)})
    assert refusal(path) == "row 6: a cell is longer than 131,072 characters"


def test_xlsx_empty_and_header_only_sheets(tmp_path: Path) -> None:
    assert refusal(write_xlsx(tmp_path / "empty.xlsx", [])) == NO_HEADER
    assert refusal(write_xlsx(tmp_path / "header.xlsx", ROWS[:1])) == NO_PROPOSALS
    assert (
        refusal(write_xlsx(tmp_path / "blanks.xlsx", [*ROWS[:1], [None], ["", " "]]))
        == NO_PROPOSALS
    )


# --- CSV ------------------------------------------------------------------------------------


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_empty_csv_has_no_header(tmp_path: Path) -> None:
    assert refusal(write_csv(tmp_path / "zero.csv", "")) == NO_HEADER
    assert refusal(write_csv(tmp_path / "bom.csv", "\ufeff")) == NO_HEADER
    assert refusal(write_csv(tmp_path / "commas.csv", ",,,\r\n")) == NO_HEADER
    assert (
        refusal(write_csv(tmp_path / "late.csv", "\r\nproposal.id\r\nP-1\r\n"))
        == "no header row: row 1 is blank"
    )


def test_header_only_csv_has_no_proposals(tmp_path: Path) -> None:
    assert refusal(write_csv(tmp_path / "h.csv", "proposal.id,proposal.title\r\n")) == NO_PROPOSALS
    assert (
        refusal(write_csv(tmp_path / "hb.csv", "proposal.id,proposal.title\r\n,\r\n\r\n"))
        == NO_PROPOSALS
    )


def test_batch_reports_an_empty_sheet_as_an_error(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "empty.csv", "")
    out = tmp_path / "out"
    code, err = cli("batch", str(sheet), "--out", str(out), "--format", "none")
    assert code == 1 and "0 proposals reviewed" in err and "1 input with errors" in err
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        errors = list(csv.DictReader(handle))
    assert [(e["source"], e["message"]) for e in errors] == [(str(sheet), NO_HEADER)]


def test_csv_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: no disk used, and nothing to read if it were read
        handle.truncate(readers.MAX_SHEET_BYTES + 1)
    assert refusal(path) == "file is 256.0 MB; the limit for a sheet is 256 MB"


def test_csv_cell_too_long_names_the_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "s.csv", f"proposal.id,proposal.title\r\nP-1,ok\r\nP-2,{'x' * 200_000}\r\n"
    )
    before = csv.field_size_limit(1_000_000_000)  # someone else raised it: the limit still holds
    try:
        message = refusal(path)
    finally:
        csv.field_size_limit(before)
    assert message == "row 3: malformed CSV: a cell is longer than 131,072 characters"


def test_csv_line_too_long_names_the_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_LINE_CHARS", 1000)
    path = write_csv(tmp_path / "s.csv", "proposal.id\r\nP-1\r\n" + "," * 5000 + "\r\n")
    assert refusal(path) == "row 3: a line is longer than 1,000 characters"


def test_csv_folder_fifo_and_bad_encoding(tmp_path: Path) -> None:
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    assert refusal(folder) == "is a folder, not a sheet"
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)

    def waited(*args: object) -> None:
        raise AssertionError("the reader waited for a writer on the FIFO")

    previous = signal.signal(signal.SIGALRM, waited)
    signal.alarm(5)
    try:
        assert refusal(fifo) == "not a regular file"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("proposal.id,proposal.title\r\nP-1,Caf\u00e9\r\n".encode("latin-1"))
    assert refusal(latin) == "not UTF-8 text; save the sheet as CSV UTF-8"


def test_csv_rows_are_streamed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "s.csv", "proposal.id\r\n" + "".join(f"P-{n}\r\n" for n in range(1, 50_001))
    )
    rows = read_rows(path)
    assert next(rows) == (2, {"proposal.id": "P-1"})
    tracemalloc.start()
    try:
        for _ in range(10_000):
            next(rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MB
