"""The command line, as a user runs it: output, files written and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.errors import ExitCode
from esj_review.core.rubric import TAXONOMIES
from tests.conftest import EXAMPLES, ROOT

runner = CliRunner()
TRANSIT = str(EXAMPLES / "reduced-fare-transit.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def all_commands() -> list[tuple[str, object]]:
    root = typer.main.get_command(app)
    found = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        if subs:
            found += [(f"{name} {sub}", subcmd) for sub, subcmd in subs.items()]
        else:
            found.append((name, cmd))
    return found


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = all_commands()
    assert len(commands) >= 9
    for name, cmd in commands:
        assert (getattr(cmd, "help", None) or "").strip(), f"{name} has no help text"
        assert f"esj-review {name}" in readme, f"`esj-review {name}` is missing from the README"
        code, out, _ = run(*name.split(), "--help")
        assert code == 0 and "Usage:" in out


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("esj-review ")


def test_demo_prints_a_scorecard_and_writes_the_pdf(tmp_path: Path) -> None:
    target = tmp_path / "demo.pdf"
    code, out, err = run("demo", "--output", str(target))
    assert code == 0
    assert "Expand reduced-fare transit" in out
    assert "Advances equity" in out and "Confidence High" in out and "Impact: benefits" in out
    assert target.read_bytes().startswith(b"%PDF-") and f"wrote {target}" in err


def test_validate_reports_every_file() -> None:
    code, out, err = run("validate", *sorted(str(p) for p in EXAMPLES.glob("*.yaml")))
    assert code == ExitCode.OK
    assert out == ""
    assert "language-access-expansion.yaml: valid but incomplete" in err
    code, _, _ = run("validate", "--strict", str(EXAMPLES / "language-access-expansion.yaml"))
    assert code == ExitCode.PROBLEMS


def test_validate_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(TRANSIT).read_text().replace("geography: countywide", "geography: moon"))
    code, out, err = run("validate", str(bad), TRANSIT)
    assert code == ExitCode.PROBLEMS
    assert out.startswith(f"{bad}: answers.geography: 'moon' is not a choice")
    assert f"{TRANSIT}: ok" in err
    assert "Traceback" not in out + err


def test_score_json_has_the_whole_scorecard() -> None:
    code, out, _ = run("score", TRANSIT, "--format", "json")
    assert code == 0
    card = json.loads(out)
    for key in ("score", "band", "completeness", "gaps", "components", "flags", "ledger"):
        assert key in card
    assert card["rubric"]["id"] == "king-county-esj" and card["rubric"]["version"] == "3.1.0"
    assert len(card["rubric"]["hash"]) == 64
    assert card["band"]["id"] == "advances"


def test_score_of_incomplete_review_is_null() -> None:
    code, out, _ = run("score", str(EXAMPLES / "language-access-expansion.yaml"), "-f", "json")
    card = json.loads(out)
    assert code == 0 and card["score"] is None and card["band"] is None and card["gaps"]
    code, out, _ = run("score", str(EXAMPLES / "language-access-expansion.yaml"))
    assert "Incomplete" in out and "alternatives" in out


def test_score_table_with_ledger_and_output_file(tmp_path: Path) -> None:
    target = tmp_path / "card.txt"
    code, _, err = run("score", TRANSIT, "--ledger", "-o", str(target))
    assert code == 0 and f"wrote {target}" in err
    text = target.read_text()
    assert "Ledger" in text and "engagement_level" in text


def test_score_of_invalid_review_fails_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: esj-review/1\nrubric: [")
    code, out, err = run("score", str(bad))
    assert code == ExitCode.PROBLEMS
    assert err.startswith(f"error: {bad}: malformed YAML")
    assert out == ""


def test_missing_file_and_usage_errors() -> None:
    code, _, err = run("score", "no-such-file.yaml")
    assert code == ExitCode.PROBLEMS and "no-such-file.yaml: file not found" in err
    code, _, _ = run("score")
    assert code == ExitCode.USAGE
    code, _, _ = run("score", TRANSIT, "--format", "pdf")
    assert code == ExitCode.USAGE


def test_yaml_template_is_a_valid_incomplete_review(tmp_path: Path) -> None:
    target = tmp_path / "blank.yaml"
    code, _, _ = run("template", "-o", str(target))
    assert code == 0
    text = target.read_text()
    assert "# determinant_impacts:" in text and "# engagement_level:" in text
    assert "choices: none, inform, consult, involve, collaborate, defer" in text
    code, _, err = run("validate", str(target))
    assert code == 0 and "valid but incomplete" in err


def test_csv_template_has_one_column_per_question() -> None:
    code, out, _ = run("template", "--format", "csv")
    header = next(csv.reader(io.StringIO(out)))
    assert code == 0
    assert header[:4] == ["proposal.id", "proposal.title", "proposal.kind", "proposal.department"]
    assert "engagement_level" in header
    assert "determinant_impacts.housing.direction" in header
    assert len(header) == len(set(header))


def test_gare_template_and_rubric_show() -> None:
    code, out, _ = run("template", "--rubric", "gare-racial-equity")
    assert code == 0 and "id: gare-racial-equity" in out
    code, out, _ = run("rubric", "show", "king-county-esj", "--format", "json")
    data = json.loads(out)
    for key in (
        "determinants",
        "goal_areas",
        "strategies",
        "policy_areas",
        "populations",
        "sections",
    ):
        assert isinstance(data[key], list) and data[key]
    code, out, _ = run("rubric", "show", "king-county-esj")
    assert "Determinants (15)" in out and "optional, off by default" in out


def test_rubric_list_validate_schema() -> None:
    code, out, _ = run("rubric", "list")
    assert code == 0 and "king-county-esj" in out and "gare-racial-equity" in out
    code, out, err = run("rubric", "validate", str(ROOT / "rubrics" / "king-county-esj.yaml"))
    assert code == 0 and "ok (king-county-esj 3.1.0)" in err
    assert re.search(r"Process and community engagement\s*│\s*40\s*│\s*12\b", out)
    archived = ROOT / "rubrics" / "archive" / "king-county-esj-1.0.0.yaml"
    code, out, _ = run("rubric", "validate", str(archived))
    assert code == 0 and "12 per determinant_impacts item" in out
    code, out, _ = run("rubric", "schema")
    schema = json.loads(out)
    assert schema["title"] == "Rubric" and "sections" in schema["properties"]


def test_rubric_validate_reports_a_bad_rubric(tmp_path: Path) -> None:
    text = (ROOT / "rubrics" / "king-county-esj.yaml").read_text()
    bad = tmp_path / "bad-rubric.yaml"
    bad.write_text(text.replace("question: geography, values", "question: geografy, values"))
    code, _out, err = run("rubric", "validate", str(bad))
    assert code == ExitCode.PROBLEMS
    assert err == (
        f"error: {bad}: questions.geography_detail.when: names unknown question 'geografy' "
        "(or one that is asked later)\n"
    )


def test_rubric_doc_is_a_checkable_catalogue() -> None:
    code, out, _ = run("rubric", "doc", "king-county-esj")
    assert code == 0
    assert "assigns no number" in out or "does not produce a number" in out
    for needle in (
        "## How the score is computed",
        "| Advances equity | `advances` | 75 | 100 |",
        "`unmitigated_burden`",
        "Access to safe and efficient transportation",
        "##### `determinant_impacts.<item>.mitigation_status` (select, required)",
        "Shown when `direction` is one of 'burden', 'mixed'.",
        "| Fully funded and committed | `full` |",
        "phase wording as commonly cited, not verified",
        "## Sources",
    ):
        assert needle in out, needle


@pytest.mark.parametrize("rubric_id", ["king-county-esj", "gare-racial-equity"])
def test_rubric_doc_names_each_source_and_whose_words_each_description_is(
    rubric_id: str,
) -> None:
    from esj_review.core.rubrics import load_rubric

    rubric = load_rubric(rubric_id)
    code, out, _ = run("rubric", "doc", rubric_id)
    assert code == 0
    lines = out.splitlines()
    for source in rubric.sources:
        line = next(x for x in lines if x.startswith(f"- `{source.id}`: *{source.title}*"))
        assert source.publisher in line and (str(source.year) in line or not source.year)
        assert source.url is None or f"<{source.url}>" in line
    described = [i for name in TAXONOMIES for i in rubric.taxonomy(name) if i.description]
    for item in described:
        row = next(x for x in lines if f"| `{item.id}` |" in x)
        whose = f"(quoted from `{item.quoted_from}`)" if item.quoted_from else "(this tool's words)"
        assert whose in row, row


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
def test_the_built_wheel_carries_the_rubrics(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheel_dir),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next(wheel_dir.glob("esj_review-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "esj_review/_data/rubrics/king-county-esj.yaml" in names
    assert "esj_review/_data/examples/reduced-fare-transit.yaml" in names
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import esj_review.cli as c, sys; print(c.__file__); "
            "sys.argv = ['esj-review', 'rubric', 'list']; c.main()",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(target))
    assert "king-county-esj" in result.stdout and "gare-racial-equity" in result.stdout


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['esj-review', '--help']\n"
        "from esj_review.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('weasyprint', 'questionary', 'openpyxl') if m in sys.modules],"
        " file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stderr.strip() == "[]"
