"""Fuzzing `validate` and `batch` through the real CLI with random bytes, random YAML and JSON
structures (alone or spliced into a valid review) and random CSV and XLSX sheets.

For every input: the exit code is 0, 1 or 2 (for `batch`, 1 exactly when errors.csv has an
error); nothing is printed as a traceback, and no terminal escape reaches the output; nothing
is written outside `--out`; every input file, and every non-blank row of a sheet, is in
summary.csv or errors.csv; and no cell of either could run as a formula in a spreadsheet or
act on a terminal.

Also here, through the CLI: `rubric doc` never writes over its rubric, and a file name (or a
key in a file) holding a line break or a terminal escape cannot fake a line of output.

`FUZZ_EXAMPLES=500 pytest tests/test_fuzz_inputs.py` fuzzes longer than the 40 examples a
test (20 for XLSX) that keep this file under a minute.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from typer.testing import CliRunner, Result

from bench.make_sheet import rows as example_rows
from esj_review.cli import app
from esj_review.core.rubrics import load_rubric
from esj_review.core.templates import csv_template
from esj_review.core.text import is_hidden
from tests.conftest import EXAMPLES, RUBRICS

runner = CliRunner()
TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
TRANSIT_DATA: dict[str, Any] = yaml.safe_load(TRANSIT.read_text(encoding="utf-8"))
HEADER = next(csv.reader(io.StringIO(csv_template(load_rubric("king-county-esj")))))
VALID_ROWS = example_rows(len(list(EXAMPLES.glob("*.yaml"))))
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")
READER_ERROR_TAIL = re.compile(r'  in "<unicode string>", position \d+')
ACTING = ("\x1b", "\x07", "\u202e")  # an escape, a bell, a right-to-left override


# --- running the CLI and checking what it did ---------------------------------------------


def cli(*args: str) -> Result:
    """The command's result, once it is known to have ended as a command should."""
    result = runner.invoke(app, list(args), color=True)  # color: click strips no escape
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError("".join(traceback.format_exception(*result.exc_info)))  # type: ignore[misc]
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown, shown
    assert result.exit_code in {0, 1, 2}, (result.exit_code, shown)
    assert not any(ch in shown for ch in ACTING), shown
    return result


def tree(root: Path, skip: Path | None = None) -> dict[str, bytes | None]:
    """Every folder and file under `root` (but `skip`), with each file's bytes."""
    found: dict[str, bytes | None] = {}
    for here, folders, files in os.walk(root):
        base = Path(here)
        folders[:] = [f for f in folders if base / f != skip]
        for name in folders:
            found[str((base / name).relative_to(root))] = None
        for name in files:
            found[str((base / name).relative_to(root))] = (base / name).read_bytes()
    return found


@contextlib.contextmanager
def sandbox() -> Iterator[Path]:
    """A fresh folder, also the working folder, for one example."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder, contextlib.chdir(folder):
        yield Path(folder)


def validate(folder: Path, inputs: list[Path]) -> Result:
    before = tree(folder)
    result = cli("validate", *map(str, inputs))
    assert tree(folder) == before, "validate wrote a file"
    for line in result.stdout.splitlines():  # each line is one problem of one file
        if not READER_ERROR_TAIL.fullmatch(line):  # known: see test_a_yaml_reader_error_...
            assert any(line.startswith(f"{path}: ") for path in inputs), line
    return result


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows:
        for cell in row:
            head = cell.lstrip(" \u00a0\u3000")
            assert not head.startswith(FORMULA) or PLAIN_NUMBER.fullmatch(cell), (path, cell)
            assert not [ch for ch in cell if is_hidden(ch) and ch != "\n"], (path, cell)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def batch(folder: Path, inputs: list[Path], formats: str = "none") -> set[str]:
    """Run `batch` and check the invariants; return the sources named in summary.csv and
    errors.csv (for `rows_seen`)."""
    out = folder / "out"
    before = tree(folder, out)
    result = cli("batch", *map(str, inputs), "--out", str(out), "-j", "1", "-f", formats)
    assert tree(folder, out) == before, "batch wrote outside --out"
    summary, errors = read_csv(out / "summary.csv"), read_csv(out / "errors.csv")
    sources = {r["source"] for r in summary} | {r["source"] for r in errors}
    for path in inputs:
        assert any(s == str(path) or s.startswith(f"{path} row ") for s in sources), (
            path,
            sources,
        )
    for r in errors:  # the boundaries that catch a crash must not have been needed
        assert "could not be processed" not in r["message"], r
        assert "could not be read after row" not in r["message"], r
    failed = any(r["severity"] == "error" for r in errors)
    assert result.exit_code == (1 if failed else 0), (result.exit_code, errors)
    return sources


def rows_seen(sources: set[str], path: Path, rows: list[list[Any]]) -> None:
    """Unless the whole sheet was refused, each non-blank row under the header is accounted
    for by its row number. `rows` is the sheet as it reads back, header first."""
    if str(path) in sources or not any(str(h or "").strip() for h in rows[0]):
        return
    for number, cells in enumerate(rows[1:], start=2):
        if any(c is not None and str(c).strip() for c in cells):
            assert f"{path} row {number}" in sources, (number, cells, sources)


# --- strategies -----------------------------------------------------------------------------

ODD_CHARS = list("\x00\x07\x08\x1b\x7f\x85\u200e\u202e\u2066\u2028\ufeff\r\n\t\ue000=+-@")
TEXTS = st.one_of(
    st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(ODD_CHARS)), max_size=30),
    st.sampled_from(
        [
            "\x1b[31mred\x1b[0m",
            '=HYPERLINK("http://example.invalid","x")',
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\r\nx",
            " =1",
            "TBD",
            "n/a",
            "yes",
            "null",
            "~",
            "1e400",
            "2027-02-30",
            "../../x",
            "summary",
            "\u202etxt.exe",
        ]
    ),
    st.integers(1000, 140_000).map(lambda n: "x" * n),
)
RAW = {  # what a Python value cannot be dumped as: written into the text afterwards
    "RAWHUGEINT": "9" * 5000,
    "RAWINFINITE": "1.0e+999",
    "RAWDEEP": "[" * 3000 + "]" * 3000,
}
NUMBERS = st.one_of(
    st.integers(),
    st.sampled_from([2**63, -(2**64), 10**40, 10**1000]),
    st.floats(allow_nan=True, allow_infinity=True),
)
LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, TEXTS, st.sampled_from(list(RAW)))
KEYS = st.one_of(TEXTS.filter(lambda t: len(t) < 100), st.integers(), st.booleans(), st.none())
STRUCTURES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


def dumped(data: Any, as_json: bool, ascii_only: bool) -> str:
    """YAML or JSON text of `data`, with the RAW markers replaced by their text."""
    if as_json:
        text = json.dumps(data, ensure_ascii=ascii_only, default=str)
        for marker, raw in RAW.items():
            text = text.replace(f'"{marker}"', raw)
    else:
        text = yaml.safe_dump(data, allow_unicode=not ascii_only, sort_keys=False, width=10**6)
        for marker, raw in RAW.items():
            text = text.replace(marker, raw)
    return text


@st.composite
def spliced(draw: st.DrawFn) -> dict[str, Any]:
    """The transit example with one value, at a random path, replaced (or a key added)."""
    data = copy.deepcopy(TRANSIT_DATA)
    node: Any = data
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if isinstance(node, dict) and (not keys or draw(st.integers(0, 5)) == 0):
            node[draw(KEYS)] = draw(STRUCTURES)
            return data
        key = draw(st.sampled_from(keys))
        if isinstance(node[key], dict | list) and node[key] and draw(st.booleans()):
            node = node[key]
            continue
        node[key] = draw(STRUCTURES)
        return data


CHUNKS = st.one_of(
    st.binary(max_size=64),
    st.sampled_from(
        [
            b"\xef\xbb\xbf",  # the BOMs of UTF-8, UTF-16 and UTF-32
            b"\xff\xfe",
            b"\xfe\xff",
            b"\xff\xfe\x00\x00",
            b"\x00",
            b"\xc3\x28",  # invalid UTF-8: a bad continuation, a surrogate, an overlong form
            b"\xed\xa0\x80",
            b"\xc0\xaf",
            b"\r\n",
            b"\n",
            b"---\n",
            b"format: esj-review/1\n",
            b'{"proposal": ',
            b"[",
            b"&a [*a, *a]\n",
            b"!!python/object/apply:os.system ['true']\n",
            b",,,\n",
            b'"',
            b"PK\x03\x04",
            b"9" * 5000,
            b"NaN",
        ]
    ),
    st.integers(100_000, 300_000).map(lambda n: b"x" * n),  # a huge line
)
SUFFIXES = st.sampled_from([".yaml", ".yml", ".json", ".csv", ".xlsx"])
REPORTS = st.sampled_from(["none"] * 5 + ["json,html"])


# --- the fuzz tests -------------------------------------------------------------------------


@FUZZ
@given(files=st.lists(st.tuples(SUFFIXES, st.lists(CHUNKS, max_size=6)), min_size=1, max_size=3))
@example(files=[(".json", [b"9" * 5000])])
@example(files=[(".csv", [b"\xef\xbb\xbfproposal.id\n", b"x" * 140_000])])
@example(files=[(".yaml", [b"\xff\xfe", "a: b".encode("utf-16-le")])])
def test_random_bytes(files: list[tuple[str, list[bytes]]]) -> None:
    with sandbox() as folder:
        inputs = []
        for n, (suffix, chunks) in enumerate(files):
            path = folder / f"in{n}{suffix}"
            path.write_bytes(b"".join(chunks))
            inputs.append(path)
        validate(folder, inputs)
        batch(folder, inputs)


@FUZZ
@given(data=STRUCTURES, as_json=st.booleans(), ascii_only=st.booleans())
@example(data="RAWDEEP", as_json=True, ascii_only=True)
@example(data={"proposal": {"id": "RAWHUGEINT"}, "answers": []}, as_json=False, ascii_only=True)
def test_random_structures(data: Any, as_json: bool, ascii_only: bool) -> None:
    with sandbox() as folder:
        path = folder / ("review.json" if as_json else "review.yaml")
        path.write_text(dumped(data, as_json, ascii_only), encoding="utf-8")
        validate(folder, [path])
        batch(folder, [path])


@FUZZ
@given(data=spliced(), as_json=st.booleans(), ascii_only=st.booleans(), formats=REPORTS)
@example(
    data=dict(TRANSIT_DATA, proposal=dict(TRANSIT_DATA["proposal"], id="=1+2\x1b[31m")),
    as_json=False,
    ascii_only=False,
    formats="json,html",
)
@example(  # found: an unknown key printed raw in its field path (core/errors.py, fixed)
    data=dict(
        TRANSIT_DATA, rubric=dict(TRANSIT_DATA["rubric"], **{"\x1bX\u202e\x07\nerror: x": 1})
    ),
    as_json=False,
    ascii_only=False,
    formats="none",
)
@example(
    data=dict(TRANSIT_DATA, answers=dict(TRANSIT_DATA["answers"], amount="RAWINFINITE")),
    as_json=True,
    ascii_only=True,
    formats="none",
)
def test_random_values_in_a_valid_review(
    data: dict[str, Any], as_json: bool, ascii_only: bool, formats: str
) -> None:
    with sandbox() as folder:
        path = folder / ("review.json" if as_json else "review.yaml")
        path.write_text(dumped(data, as_json, ascii_only), encoding="utf-8")
        validate(folder, [path])
        batch(folder, [path, Path(shutil.copy(TRANSIT, folder))], formats)


def row_strategy(cells: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A valid example row with some of its cells (or extra columns) replaced."""
    columns = st.one_of(st.sampled_from(HEADER), st.sampled_from(["colour", "", "proposal.id "]))
    return st.builds(
        lambda base, changes: {**base, **changes},
        st.sampled_from(VALID_ROWS),
        st.dictionaries(columns, cells, max_size=6),
    )


CSV_CELLS = st.one_of(
    TEXTS,
    st.sampled_from(["$1,200,000", "(1,300,000)", "2027-01-05", "1/2/2027", "45000", "x", ""]),
    st.sampled_from(["=", "+", "-", "@", "\t"]).flatmap(lambda lead: TEXTS.map(lead.__add__)),
)


@FUZZ
@given(
    rows=st.lists(st.one_of(row_strategy(CSV_CELLS), st.just({})), min_size=1, max_size=4),
    bom=st.booleans(),
    crlf=st.booleans(),
    formats=REPORTS,
)
@example(
    rows=[{"proposal.id": "-2+3", "proposal.title": "@cmd"}], bom=True, crlf=True, formats="none"
)
def test_random_csv_sheets(rows: list[dict[str, Any]], bom: bool, crlf: bool, formats: str) -> None:
    header = list(dict.fromkeys([*HEADER, *(k for r in rows for k in r)]))
    with sandbox() as folder:
        path = folder / "sheet.csv"
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n" if crlf else "\n")
            writer.writerow(header)
            writer.writerows([[r.get(c, "") for c in header] for r in rows])
        limit = csv.field_size_limit(2**31 - 1)  # read back whatever was written
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                written = list(csv.reader(handle))
        finally:
            csv.field_size_limit(limit)
        rows_seen(batch(folder, [path], formats), path, written)


XLSX_CELLS = st.one_of(
    st.none(),
    st.booleans(),
    NUMBERS.filter(lambda n: not isinstance(n, int) or abs(n) < 10**15),
    st.dates(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
    TEXTS.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)),
)


@settings(FUZZ, max_examples=FUZZ.max_examples // 2)
@given(rows=st.lists(row_strategy(XLSX_CELLS), min_size=1, max_size=3))
def test_random_xlsx_sheets(rows: list[dict[str, Any]]) -> None:
    header = list(dict.fromkeys([*HEADER, *(k for r in rows for k in r)]))
    with sandbox() as folder:
        path = folder / "sheet.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        for r in rows:
            sheet.append([r.get(c) for c in header])
        book.save(path)
        written = openpyxl.load_workbook(path, read_only=True, data_only=True)
        back = [list(cells) for cells in written.worksheets[0].iter_rows(values_only=True)]
        written.close()
        rows_seen(batch(folder, [path]), path, back)


# --- crashes the fuzzing found --------------------------------------------------------------


@pytest.mark.parametrize("proposal", [True, "x", [1], 7])
def test_a_proposal_that_is_not_a_mapping_is_a_clean_error(proposal: object) -> None:
    with sandbox() as folder:
        path = folder / "review.yaml"
        path.write_text(dumped(dict(TRANSIT_DATA, proposal=proposal), False, False), "utf-8")
        batch(folder, [path])  # errors.csv: proposal is not a mapping, at "proposal"


@pytest.mark.parametrize("content", [b"\x00", b'a: "\x07"\n'])
def test_a_yaml_reader_error_is_one_line(content: bytes) -> None:
    with sandbox() as folder:
        path = folder / "review.yaml"
        path.write_bytes(content)
        result = cli("validate", str(path))
        assert result.exit_code == 1
        assert len(result.stdout.splitlines()) == 1, result.stdout


# --- `rubric doc` never writes over its rubric ----------------------------------------------


def test_rubric_doc_refuses_to_write_over_its_rubric(tmp_path: Path) -> None:
    rubric = tmp_path / "my.yaml"
    shutil.copyfile(RUBRICS / "king-county-esj.yaml", rubric)
    original = rubric.read_bytes()
    (tmp_path / "link.yaml").symlink_to(rubric)
    for target in (rubric, tmp_path / "link.yaml"):  # by its own name, or another name
        result = cli("rubric", "doc", str(rubric), "-o", str(target))
        assert result.exit_code == 2, result.stderr
        assert "refusing to write over it" in result.stderr
        assert rubric.read_bytes() == original
    result = cli("rubric", "doc", str(rubric), "-o", str(tmp_path / "my.md"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "my.md").read_text(encoding="utf-8").startswith("#")


def test_rubric_validate_shows_the_file_name_harmlessly(tmp_path: Path) -> None:
    rubric = tmp_path / "r\nerror: fake\x1b[31m.yaml"
    shutil.copyfile(RUBRICS / "king-county-esj.yaml", rubric)
    result = cli("rubric", "validate", str(rubric))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path}/r[U+000A]error: fake[U+001B][31m.yaml: ok (")


# --- file names in messages -----------------------------------------------------------------

HOSTILE_NAME = "r\nerror: fake\x1b[31m.yaml"
SHOWN_NAME = "r[U+000A]error: fake[U+001B][31m.yaml"


def two_problems() -> str:
    """A review with two wrong answers, so its message has two lines."""
    answers = dict(TRANSIT_DATA["answers"], geography="moon", engagement_level="loud")
    return dumped(dict(TRANSIT_DATA, answers=answers), False, False)


def test_a_file_name_cannot_fake_a_line_of_an_error(tmp_path: Path) -> None:
    path = tmp_path / HOSTILE_NAME
    path.write_text(two_problems(), encoding="utf-8")
    result = cli("score", str(path))  # printed by the CLI's error handler
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2  # the message's own lines are kept, one per problem
    assert all(line.startswith(f"error: {tmp_path}/{SHOWN_NAME}: answers.") for line in lines)
    result = cli("validate", str(path))  # printed by validate itself
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{tmp_path}/{SHOWN_NAME}: ") for line in lines)
    path.write_text("a: [\n", encoding="utf-8")  # a file that does not parse
    result = cli("score", str(path))
    assert result.stderr.startswith(f"error: {tmp_path}/{SHOWN_NAME}: malformed YAML")
    assert len(result.stderr.splitlines()) == 1


def test_a_folder_name_in_the_way_of_an_output_is_shown_harmlessly(tmp_path: Path) -> None:
    folder = tmp_path / "d\nerror: fake\u202e.json"
    folder.mkdir()
    result = cli("score", str(TRANSIT), "-f", "json", "-o", str(folder))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {tmp_path}/d[U+000A]error: fake[U+202E].json: is a folder, not a file"
    ]


def test_control_characters_in_any_error_are_shown_not_acted_on(tmp_path: Path) -> None:
    missing = tmp_path / "nope\x1b[2J\x07\u202e\r.yaml"  # batch names it as it was given
    result = cli("batch", str(missing), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path}/nope[U+001B][2J[U+0007][U+202E][U+000D].yaml: no such file or folder\n"
    )


def test_a_real_terminal_gets_no_escape_and_no_fake_line(tmp_path: Path) -> None:
    path = tmp_path / HOSTILE_NAME
    path.write_text(two_problems(), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "esj_review", "score", HOSTILE_NAME],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert run.returncode == 1
    assert b"\x1b" not in run.stderr
    lines = run.stderr.decode().splitlines()
    assert len(lines) == 2 and all(line.startswith(f"error: {SHOWN_NAME}: ") for line in lines)


def test_keys_and_ids_in_field_paths_are_shown_harmlessly(tmp_path: Path) -> None:
    review = tmp_path / "review.yaml"
    key = "k\x1b\u202e\x07\nerror: fake"  # (a key with "[" is left out of the path)
    meta = dict(TRANSIT_DATA["meta"], **{key: 1})
    review.write_text(dumped(dict(TRANSIT_DATA, meta=meta), False, False), encoding="utf-8")
    result = cli("validate", str(review))
    assert result.stdout == f"{review}: meta.k[U+001B][U+202E][U+0007] error: fake: unknown field\n"
    rubric = tmp_path / "rubric.yaml"
    data = yaml.safe_load((RUBRICS / "king-county-esj.yaml").read_text(encoding="utf-8"))
    data["sections"][0].update(id="s\x1b[31m\nerror: fake", bogus=1)
    rubric.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = cli("rubric", "validate", str(rubric))
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines  # the bad id, and the unknown field
    assert all(
        line.startswith(f"error: {rubric}: sections[s[U+001B][31m error: fake].") for line in lines
    )


def test_validate_shows_a_valid_file_name_harmlessly(tmp_path: Path) -> None:
    path = tmp_path / HOSTILE_NAME
    shutil.copyfile(TRANSIT, path)
    result = cli("validate", str(path))
    assert result.stderr == f"{tmp_path}/{SHOWN_NAME}: ok\n"


def test_batch_shows_a_missing_file_name_on_one_line(tmp_path: Path) -> None:
    result = cli("batch", str(tmp_path / HOSTILE_NAME), "--out", str(tmp_path / "out"))
    assert result.stderr == f"error: {tmp_path}/{SHOWN_NAME}: no such file or folder\n"
