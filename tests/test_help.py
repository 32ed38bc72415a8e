"""The help a user reads: commands in the order they are used, usage lines as the README writes
them, no typer placeholders; what happens to an existing output; the spinner while a PDF is
written."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import typer.main
from rich.console import Console
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.cli.common import COMMAND_ORDER
from esj_review.cli.review_cmds import TemplateFormat
from esj_review.interview.session import write_report
from tests.conftest import EXAMPLES, ROOT
from tests.scripted import Scripted

TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
README = (ROOT / "README.md").read_text(encoding="utf-8")
HEADINGS = re.findall(r"^### `esj-review ([^`]*)`", README, re.M)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), prog_name="esj-review")
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def command_names() -> list[str]:
    group = typer.main.get_group(app)
    names = []
    for name, command in group.commands.items():
        subs = getattr(command, "commands", None)
        names += [f"{name} {sub}" for sub in subs] if subs else [name]
    return names


def flat_help(*command: str) -> str:
    code, out, _ = run(*command, "--help")
    assert code == 0
    return " ".join(out.split())


def option_help(help_text: str, option: str, next_option: str) -> str:
    """One option's entry in a flattened --help: from its name to the next option's."""
    return help_text.split(option, 1)[1].split(next_option, 1)[0]


def test_commands_are_listed_in_the_order_an_analyst_uses_them() -> None:
    _, out, _ = run("--help")
    listed = re.findall(r"^  ([a-z]+)  ", out.split("Commands:", 1)[1], re.M)
    assert listed == list(COMMAND_ORDER)
    assert listed[0] == "new"


@pytest.mark.parametrize("name", command_names())
def test_no_typer_placeholders_in_help(name: str) -> None:
    code, out, _ = run(*name.split(), "--help")
    assert code == 0
    for placeholder in ("<list[", "<int range>", "<int>", "<float>", "{"):
        assert placeholder not in out, f"{name}: {placeholder}"


def readme_usage(heading: str) -> tuple[str, list[str], str]:
    """A README heading as (command, its arguments, its bracketed options)."""
    words = heading.split()
    command = " ".join(words[:2] if words[0] == "rubric" else words[:1])
    rest = heading[len(command) :]
    # [--optional ...], a (--choice A | --other B) group, a required `--option VALUE`
    option = r"\[-[^\]]*\]|\(-[^)]*\)|--[a-z0-9-]+ [A-Z]+"
    options = " ".join(re.findall(option, rest))
    arguments = re.sub(option, " ", rest).split()
    return command, arguments, options


@pytest.mark.parametrize("heading", HEADINGS)
def test_readme_usage_lines_match_the_help(heading: str) -> None:
    command, arguments, options = readme_usage(heading)
    code, out, _ = run(*command.split(), "--help")
    assert code == 0
    usage = out.split("\n", 1)[0].split()
    assert usage[: 2 + len(command.split())] == ["Usage:", "esj-review", *command.split()]
    shown = [w for w in usage[2 + len(command.split()) :] if w != "[OPTIONS]"]
    assert shown == arguments, heading
    flat = " ".join(out.split())
    for option in re.findall(r"(?<![\w-])(--?[a-z][a-z0-9-]*)", options):
        assert re.search(rf"(?<![\w-]){option}\b", flat), f"{command}: {option} not in --help"
    for option, values in re.findall(r"(--[a-z-]+) ([a-z]+(?:\|[a-z]+)+)", options):
        assert f"{option} <{values}>" in flat, f"{command}: {option} {values}"


def test_every_command_has_a_readme_usage_heading() -> None:
    documented = {readme_usage(h)[0] for h in HEADINGS}
    assert set(command_names()) <= documented


def test_jobs_shows_one_default() -> None:
    entry = option_help(flat_help("batch"), "--jobs", "--format")
    assert entry.count("default") == 1 and "N" in entry.split()[0]


def test_template_format_help_names_every_format() -> None:
    entry = option_help(flat_help("template"), "--format", "--output")
    described = entry.split(">", 1)[1]  # past the <yaml|csv|xlsx> choices
    assert all(f.value in described for f in TemplateFormat)


# --- an existing output --------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["report", str(TRANSIT), "-f", "json"], ["score", str(TRANSIT), "-f", "json"], ["template"]],
)
def test_report_score_and_template_replace_an_existing_file(
    command: list[str], tmp_path: Path
) -> None:
    """As the README says (and as the shell's `>` does); extract is the one that keeps it."""
    target = tmp_path / "out.txt"
    target.write_text("old")
    code, _, err = run(*command, "-o", str(target))
    assert (code, err) == (0, f"wrote {target}\n")
    assert target.read_text() != "old"


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A report PDF, written by the command without a terminal: stderr says only where."""
    pdf = tmp_path_factory.mktemp("report") / "r.pdf"
    code, _, err = run("report", str(TRANSIT), "-o", str(pdf))
    assert code == 0
    return pdf, err


def test_report_without_a_terminal_prints_no_spinner(report_pdf: tuple[Path, str]) -> None:
    pdf, err = report_pdf
    assert err == f"wrote {pdf}\n"


def test_extract_refuses_an_existing_file_without_force(
    report_pdf: tuple[Path, str], tmp_path: Path
) -> None:
    pdf, _ = report_pdf
    target = tmp_path / "review.yaml"
    target.write_text("keep")
    code, _, err = run("extract", str(pdf), "-o", str(target))
    assert (code, err) == (2, f"error: {target} already exists; use --force to replace it\n")
    assert target.read_text() == "keep"
    code, _, _ = run("extract", str(pdf), "-o", str(target), "--force")
    assert code == 0 and target.read_text() != "keep"


# --- the spinner while the PDF is written --------------------------------------------------


def terminal_console(monkeypatch: pytest.MonkeyPatch) -> tuple[Console, list[str]]:
    """A console that is a terminal, in place of make_console, and a fake renderer that
    records what that terminal showed while it rendered."""
    console = Console(file=io.StringIO(), force_terminal=True, width=80)
    seen: list[str] = []

    def render(*args: Any, **kwargs: Any) -> bytes:
        assert isinstance(console.file, io.StringIO)
        deadline = time.monotonic() + 2  # the spinner draws from its own thread
        while "Writing" not in console.file.getvalue() and time.monotonic() < deadline:
            time.sleep(0.02)
        seen.append(console.file.getvalue())
        return b"%PDF-1.7 fake"

    monkeypatch.setattr("esj_review.report.terminal.make_console", lambda **kw: console)
    monkeypatch.setattr("esj_review.report.render.render_report", render)
    return console, seen


def interview(tmp_path: Path) -> Any:
    return SimpleNamespace(
        path=tmp_path / "r.yaml",
        prompter=Scripted({"report.pdf": True}),
        rubric=None,
        review=None,
    )


def test_write_report_shows_a_spinner_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, seen = terminal_console(monkeypatch)
    assert write_report(interview(tmp_path)) == tmp_path / "r.pdf"
    assert len(seen) == 1 and "Writing the PDF report" in seen[0]
    assert (tmp_path / "r.pdf").read_bytes() == b"%PDF-1.7 fake"


def test_write_report_prints_a_plain_line_without_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("esj_review.report.render.render_report", lambda *a, **k: b"%PDF-")
    assert write_report(interview(tmp_path)) == tmp_path / "r.pdf"
    err = capsys.readouterr().err
    assert err == f"Writing the PDF report ({tmp_path / 'r.pdf'})\u2026\n"


def test_report_shows_a_spinner_for_a_pdf_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    console, seen = terminal_console(monkeypatch)
    code, _, _ = run("report", str(TRANSIT), "-o", str(tmp_path / "r.pdf"))
    assert code == 0 and len(seen) == 1 and "Writing the PDF report" in seen[0]
    seen.clear()
    assert isinstance(console.file, io.StringIO)
    console.file.seek(0)
    console.file.truncate()
    code, _, _ = run("report", str(TRANSIT), "-f", "json", "-o", str(tmp_path / "r.json"))
    assert code == 0 and len(seen) == 1 and "Writing" not in seen[0]  # quick: no spinner
