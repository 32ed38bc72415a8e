"""The format registry: every registered format is a choice of `report` and `batch`, and
renders; the commands take their choices and messages from the registry, not a list of
their own."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.review import load_review
from esj_review.report.formats import FORMATS, format_names
from tests.conftest import EXAMPLES, ROOT

TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
TITLE = load_review(TRANSIT).proposal.title


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def looks_like(media_type: str, data: bytes, title: str) -> bool:
    """The bytes are a document of the media type that shows the review's title."""
    if media_type == "application/pdf":
        return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = data.decode("utf-8")
    if media_type == "application/json":
        return bool(json.loads(text)["review"]["proposal"]["title"] == title)
    if media_type == "text/html":
        return text.lstrip().lower().startswith("<!doctype html") and title in text
    return title in text  # text/markdown, and any text format added later


def test_the_registry_is_well_formed() -> None:
    assert format_names()[0] == "pdf"  # the default of both commands
    for name, fmt in FORMATS.items():
        assert fmt.name == name and fmt.suffix.startswith(".") and "/" in fmt.media_type
    assert len({f.suffix for f in FORMATS.values()}) == len(FORMATS)  # no output overwrites another


def test_both_commands_list_every_format_in_help_and_errors(tmp_path: Path) -> None:
    _, report_help, _ = run("report", "--help")
    batch_help = " ".join(run("batch", "--help")[1].split())  # the help wraps lines
    assert f"<{'|'.join(format_names())}>" in report_help
    assert f"{','.join(format_names())} or none" in batch_help
    code, _, err = run("report", str(TRANSIT), "--format", "nope")
    assert code == 2 and all(repr(name) in err for name in format_names())
    code, _, err = run("batch", str(TRANSIT), "--out", str(tmp_path), "--format", "json,nope")
    assert code == 2 and f"use {', '.join(format_names())} or none" in err


@pytest.mark.parametrize("name", format_names())
def test_report_accepts_and_renders_every_format(tmp_path: Path, name: str) -> None:
    review = tmp_path / "transit.yaml"
    shutil.copy(TRANSIT, review)
    code, _, err = run("report", str(review), "--format", name)
    fmt = FORMATS[name]
    target = review.with_suffix(fmt.suffix)  # the default output: beside the review
    assert code == 0 and f"wrote {target}" in err
    assert looks_like(fmt.media_type, target.read_bytes(), TITLE)


def test_batch_accepts_and_renders_every_format(tmp_path: Path) -> None:
    out = tmp_path / "out"
    every = ",".join(format_names())
    code, _, err = run("batch", str(TRANSIT), "--out", str(out), "--format", every, "-j", "1")
    assert code == 0, err
    for fmt in FORMATS.values():
        data = (out / f"EX-TRANSIT-2027-01{fmt.suffix}").read_bytes()
        assert looks_like(fmt.media_type, data, TITLE), fmt.name
    outputs = json.loads((out / "summary.json").read_text())["proposals"][0]["outputs"]
    assert outputs == [f"EX-TRANSIT-2027-01{f.suffix}" for f in FORMATS.values()]


def test_a_format_added_to_the_registry_reaches_both_commands(tmp_path: Path) -> None:
    """Register one more format before the command line loads: both commands take it."""
    script = (
        "import sys\n"
        "from esj_review.report import formats\n"
        "formats.FORMATS['txt'] = formats.Format('txt', '.txt', 'text/plain',\n"
        "    lambda ctx, variant, validate: ctx.review.proposal.title.encode())\n"
        "from esj_review.cli import main\n"
        "sys.argv = ['esj-review', *sys.argv[1:]]\n"
        "main()\n"
    )
    out = tmp_path / "out"
    for args in (
        ["report", str(TRANSIT), "--format", "txt", "-o", str(tmp_path / "r.txt")],
        ["batch", str(TRANSIT), "--out", str(out), "--format", "txt", "-j", "1"],
    ):
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.txt").read_text() == TITLE
    assert (out / "EX-TRANSIT-2027-01.txt").read_text() == TITLE
