"""The command line's own texts go through the `interface` catalogue.

A pseudo-language whose catalogue (built here from what `babel-interface.cfg` extracts) wraps
every message in "⟦…⟧" runs the commands in-process, beside the same commands in English, each
in a folder of its own with the same files under the same names. Then:

- every line the command line itself writes to a person comes out wrapped;
- without the wrappers, what the pseudo-language writes is byte for byte what English writes
  (so every placeholder is kept and nothing else changed);
- exit codes, and machine output (JSON, CSV, iCalendar, files written), are the same.

Texts that are not the command line's (errors raised in core, report or batch; rubric content;
the verdict `verify` prints) stay English inside the wrapped "error: …" line.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import typer
import yaml
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from esj_review.cli import app, batch_cmds, common
from esj_review.core import i18n
from esj_review.core.errors import ExitCode
from esj_review.core.rubric import Rubric
from tests.conftest import EXAMPLES, ROOT, RUBRICS
from tests.pseudo import CLOSE, OPEN, PSEUDO, extract, wrap, write_pseudo

"""A made-up language tag (`qps` is the pseudo-locale convention): no real catalogue has it."""
TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
LANGUAGE_ACCESS = EXAMPLES / "language-access-expansion.yaml"
TRANSIT_2 = ROOT / "tests" / "data" / "reduced-fare-transit-2.0.0.yaml"
EXAMPLE_REVIEWS = sorted(EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="module")
def pseudo_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A locale folder whose one catalogue, the pseudo-language's `interface.po`, wraps every
    message the interview and the command line mark (plural forms likewise)."""
    folder = tmp_path_factory.mktemp("locale")
    template = folder / "interface.pot"
    extract(template, "babel-interface.cfg")
    write_pseudo(template, folder / PSEUDO / "LC_MESSAGES" / f"{i18n.INTERFACE}.po")
    return folder


@pytest.fixture(autouse=True)
def pseudo(pseudo_catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The pseudo-language's catalogue in place of the shipped ones (for both runs: English
    then knows the same languages); its numbers and dates as in US English, so that the
    report's terminal views, which follow the current language, can write them."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", pseudo_catalogue)
    monkeypatch.setitem(i18n.FORMAT_LOCALES, PSEUDO, "en_US")
    i18n.translations.cache_clear()
    yield
    i18n.translations.cache_clear()


@dataclass
class Run:
    code: int
    out: str
    err: str
    where: Path

    def read(self, name: str) -> bytes:
        return (self.where / name).read_bytes()


def run_in(where: Path, args: Sequence[str], lang: str, env: dict[str, str] | None = None) -> Run:
    """`esj-review ARGS` in `lang`, with `where` as the current folder."""
    where.mkdir(parents=True, exist_ok=True)
    before = os.getcwd()
    os.chdir(where)
    try:
        with i18n.use_language(lang):
            result = CliRunner().invoke(app, list(args), prog_name="esj-review", env=env)
    finally:
        os.chdir(before)
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    return Run(result.exit_code, result.stdout, result.stderr, where)


def both(
    tmp_path: Path,
    args: Sequence[str],
    files: dict[str, Path] | None = None,
    env: dict[str, str] | None = None,
) -> tuple[Run, Run]:
    """The command in English and in the pseudo-language, each in a fresh folder holding
    `files` (name: source); the exit codes must agree."""
    runs = []
    for lang in (i18n.DEFAULT, PSEUDO):
        where = tmp_path / lang
        for name, source in (files or {}).items():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, where / name)
        runs.append(run_in(where, args, lang, env))
    english, pseudo = runs
    assert pseudo.code == english.code, (english.err, pseudo.err)
    return english, pseudo


def plain(text: str) -> str:
    return text.replace(OPEN, "").replace(CLOSE, "")


def assert_all_wrapped(text: str) -> None:
    """Every line is one message of the command line's, wrapped whole."""
    assert text.strip(), "nothing was written"
    for line in text.splitlines():
        assert line.startswith(OPEN) and line.endswith(CLOSE), line


def assert_same_but_wrapped(english: str, pseudo: str) -> None:
    """The pseudo-language's text is English with wrappers, placeholders filled the same."""
    assert OPEN not in english
    assert plain(pseudo) == english


def check_messages(english: Run, pseudo: Run, *, stdout_is_data: bool = True) -> None:
    """The usual case: stderr is all the command line's messages; stdout is data (or, for a
    human view, only checked to hold a wrapped text)."""
    assert_all_wrapped(pseudo.err)
    assert_same_but_wrapped(english.err, pseudo.err)
    if stdout_is_data:
        assert pseudo.out == english.out


# --- the catalogue ------------------------------------------------------------------------


def test_the_command_lines_messages_are_extracted_with_named_placeholders(
    tmp_path: Path,
) -> None:
    """Each message of esj_review/cli is a whole sentence with named placeholders (a
    translator may reorder them); and the messages this suite relies on are there."""
    pot = tmp_path / "cli.pot"
    extract(pot, "babel-interface.cfg", "esj_review/cli")
    with pot.open("rb") as f:
        ids = [m.id for m in read_po(f) if m.id]
    texts = [t for i in ids for t in (i if isinstance(i, tuple | list) else (i,))]
    for text in texts:
        assert not re.findall(r"%(?!\(\w+\)[-#0 +]?\d*(?:\.\d+)?[diouxXeEfFgGcrs]|%)", text), text
    assert len(texts) > 100
    for expected in (
        "error: %(message)s",
        "wrote %(path)s",
        "%(path)s: ok",
        "No difference in meaning.",
        "Answers changed (%(count)d)",
        "%(count)d open commitments in %(reviews)s",
        "[%(at)s] %(id)s: %(score)s %(band)s",
        "Check",
    ):
        assert expected in texts, expected


# --- review files: validate, score, report, template --------------------------------------


def test_validate_says_ok_and_incomplete_in_the_language(tmp_path: Path) -> None:
    files = {p.name: p for p in EXAMPLE_REVIEWS}
    english, pseudo = both(tmp_path, ["validate", *files], files)
    assert english.code == ExitCode.OK and english.out == pseudo.out == ""
    check_messages(english, pseudo)
    assert f"{OPEN}reduced-fare-transit.yaml: ok{CLOSE}" in pseudo.err.splitlines()
    assert "language-access-expansion.yaml: valid but incomplete: " in pseudo.err


def test_validate_hints_at_a_newer_rubric_version(tmp_path: Path) -> None:
    english, pseudo = both(tmp_path, ["validate", "r.yaml"], {"r.yaml": TRANSIT_2})
    check_messages(english, pseudo)
    assert f"{OPEN}rubric king-county-esj " in pseudo.err
    assert "esj-review migrate r.yaml moves this review to it" in pseudo.err


def test_score_json_is_the_same_and_the_confirmation_is_translated(tmp_path: Path) -> None:
    files = {"r.yaml": TRANSIT}
    english, pseudo = both(tmp_path, ["score", "r.yaml", "-f", "json"], files)
    assert english.code == 0 and pseudo.out == english.out and pseudo.err == english.err == ""
    english, pseudo = both(tmp_path / "o", ["score", "r.yaml", "-f", "json", "-o", "c.json"], files)
    check_messages(english, pseudo)
    assert pseudo.err == f"{OPEN}wrote c.json{CLOSE}\n"
    assert pseudo.read("c.json") == english.read("c.json")


def test_a_missing_file_is_an_error_line_in_the_language(tmp_path: Path) -> None:
    english, pseudo = both(tmp_path, ["score", "missing.yaml"])
    assert english.code != 0
    check_messages(english, pseudo)
    assert pseudo.err.startswith(f"{OPEN}error: missing.yaml")  # the reason is core's, English


def test_an_output_that_is_the_input_is_refused_in_the_language(tmp_path: Path) -> None:
    english, pseudo = both(tmp_path, ["score", "r.yaml", "-o", "r.yaml"], {"r.yaml": TRANSIT})
    assert english.code == ExitCode.USAGE
    check_messages(english, pseudo)
    refusal = "r.yaml: is the input; refusing to write over it (name another file with -o)"
    assert pseudo.err == f"{OPEN}error: {OPEN}{refusal}{CLOSE}{CLOSE}\n"
    for run in (english, pseudo):
        (run.where / "link.yaml").symlink_to("r.yaml")
    args = ["score", "r.yaml", "-o", "link.yaml"]
    refused = [run_in(r.where, args, r.where.name) for r in (english, pseudo)]
    assert refused[0].code == refused[1].code == ExitCode.USAGE
    check_messages(*refused)
    assert "⟦link.yaml: is the input r.yaml; refusing to write over it" in refused[1].err


def test_report_writes_the_same_file_and_refuses_an_unknown_language(tmp_path: Path) -> None:
    files = {"r.yaml": TRANSIT}
    args = ["report", "r.yaml", "-f", "json", "-o", "report.json"]
    english, pseudo = both(tmp_path / "json", args, files)
    assert english.code == 0
    check_messages(english, pseudo)
    assert pseudo.read("report.json") == english.read("report.json")
    english, pseudo = both(tmp_path / "lang", ["report", "r.yaml", "--lang", "tlh"], files)
    assert english.code == ExitCode.USAGE
    check_messages(english, pseudo)


def test_template_messages(tmp_path: Path) -> None:
    english, pseudo = both(tmp_path / "xlsx", ["template", "-f", "xlsx"])
    assert english.code == ExitCode.USAGE
    check_messages(english, pseudo)
    assert f"{OPEN}an XLSX template needs --output FILE.xlsx{CLOSE}" in pseudo.err
    english, pseudo = both(tmp_path / "csv", ["template", "-f", "csv", "-o", "sheet.csv"])
    check_messages(english, pseudo)
    assert f"{OPEN}wrote sheet-dictionary.csv (the data dictionary){CLOSE}" in pseudo.err
    for name in ("sheet.csv", "sheet-dictionary.csv"):
        assert pseudo.read(name) == english.read(name)


def test_edit_refuses_both_section_and_question_in_the_language(tmp_path: Path) -> None:
    args = ["edit", "r.yaml", "--section", "1", "--question", "engagement_level"]
    english, pseudo = both(tmp_path, args, {"r.yaml": TRANSIT})
    assert english.code == ExitCode.USAGE
    assert f"{OPEN}give --section or --question, not both{CLOSE}" in pseudo.err
    assert_same_but_wrapped(english.err, pseudo.err)


# --- batch --------------------------------------------------------------------------------


def test_batch_progress_and_summary_are_translated_and_its_files_are_not(tmp_path: Path) -> None:
    from tests.test_commitments import review_data

    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(yaml.safe_dump(review_data("X-1", engagement_level="bogus")))
    files = {p.name: p for p in [*EXAMPLE_REVIEWS, invalid]}
    args = ["batch", *files, "--out", "out", "-f", "json", "-j", "1", "--fail-under", "60"]
    english, pseudo = both(tmp_path, args, files)
    assert english.code == ExitCode.PROBLEMS  # some proposals are below 60 or incomplete
    check_messages(english, pseudo)
    lines = pseudo.err.splitlines()
    assert len([x for x in lines if x.startswith(f"{OPEN}[")]) == len(files)  # one a proposal
    assert any(
        re.fullmatch(r"⟦\[\d\] invalid\.yaml: failed \(see errors\.csv\)⟧", x) for x in lines
    )
    assert any(
        " proposals reviewed (0 unchanged, skipped), 1 input with errors" in x for x in lines
    )
    assert any(" below --fail-under 60: " in x for x in lines)
    for name in ("summary.csv", "errors.csv", "EX-TRANSIT-2027-01.json"):
        assert pseudo.read(f"out/{name}") == english.read(f"out/{name}"), name
    args += ["--compare", "out"]
    again = [run_in(run.where, args, lang) for run, lang in ((english, "en"), (pseudo, PSEUDO))]
    assert_all_wrapped(again[1].err)
    assert_same_but_wrapped(again[0].err, again[1].err)
    assert f"(unchanged){CLOSE}" in again[1].err
    assert f"{OPEN}Since the run of " in again[1].err
    assert "0 new, 0 no longer present" in again[1].err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["batch", "nope.yaml"], "nope.yaml: no such file or folder"),
        (
            ["batch", "r.yaml", "--fail-under", "200"],
            "--fail-under 200: give a score from 0 to 100",
        ),
        (["batch", "r.yaml", "--lang", ","], "--lang: name at least one language"),
        (["batch", "r.yaml", "--out", "r.yaml"], "--out r.yaml is a file, not a folder"),
        (
            ["batch", "r.yaml", "--out", "r.yaml/out"],
            "--out r.yaml/out: cannot make this folder: Not a directory",
        ),
    ],
)
def test_batch_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    english, pseudo = both(tmp_path, args, {"r.yaml": TRANSIT})
    assert english.code == ExitCode.USAGE
    check_messages(english, pseudo)
    assert pseudo.err == f"{OPEN}error: {OPEN}{message}{CLOSE}{CLOSE}\n"


@pytest.mark.parametrize(("finished", "said"), [(1, "1 proposal is"), (3, "3 proposals are")])
def test_an_interrupted_batch_says_how_many_are_kept(
    capsys: pytest.CaptureFixture[str], finished: int, said: str
) -> None:
    result = SimpleNamespace(records=[{}] * finished, interrupted=True)
    settings = SimpleNamespace(out=Path("out"), formats=("json",), debug=False, langs=("en",))
    english = (
        f"Interrupted: {said} finished and kept in out. Run the same command again to continue."
    )
    for lang, expected in ((i18n.DEFAULT, english), (PSEUDO, wrap(english))):
        with i18n.use_language(lang), pytest.raises(typer.Exit) as stopped:
            batch_cmds._finish(None, result, settings, None)  # type: ignore[arg-type]
        assert stopped.value.exit_code == ExitCode.INTERRUPTED
        assert capsys.readouterr().err == expected + "\n"


def test_a_failure_of_the_system_is_said_in_the_language() -> None:
    with i18n.use_language(PSEUDO):
        assert common.system_failure(MemoryError()) == wrap("not enough memory to finish")
        assert common.system_failure(RecursionError()) == wrap(
            "the input is nested too deeply to process"
        )


# --- due, diff, migrate -------------------------------------------------------------------


def test_due_table_headings_are_translated_and_csv_and_calendar_are_not(tmp_path: Path) -> None:
    files = {"a/transit.yaml": TRANSIT, "b/transit.yaml": TRANSIT}
    english, pseudo = both(tmp_path / "table", ["due", "."], files)
    assert english.code == 0
    assert english.out.splitlines()[0] == "6 open commitments in 2 reviews"
    assert (
        pseudo.out.splitlines()[0] == f"{OPEN}6 open commitments in {OPEN}2 reviews{CLOSE}{CLOSE}"
    )
    for heading in ("Due", "Owner", "Commitment", "Review"):
        assert wrap(heading) in pseudo.out
    for fmt in ("csv", "ics"):
        english, pseudo = both(tmp_path / fmt, ["due", ".", "-f", fmt], files)
        assert english.code == 0 and pseudo.out == english.out
        assert_same_but_wrapped(english.err, pseudo.err)
    args = ["due", ".", "--before", "2000-01-01", "--owner", "Nobody"]
    english, pseudo = both(tmp_path / "none", args, files)
    assert english.out.startswith("No open commitments (due before 2000-01-01, owner matching")
    assert pseudo.out.startswith(f"{OPEN}No open commitments ({OPEN}due before 2000-01-01{CLOSE}")


def test_due_errors_are_lines_in_the_language(tmp_path: Path) -> None:
    english, pseudo = both(tmp_path / "date", ["due", ".", "--before", "June 30"])
    assert english.code == ExitCode.USAGE
    refusal = "--before: 'June 30' is not a date; write it as YYYY-MM-DD"
    assert pseudo.err == f"{OPEN}error: {OPEN}{refusal}{CLOSE}{CLOSE}\n"
    broken = tmp_path / "broken.yaml"
    broken.write_text("answers: [unclosed\n")
    english, pseudo = both(tmp_path / "broken", ["due", "b.yaml", "-f", "csv"], {"b.yaml": broken})
    assert english.code == ExitCode.PROBLEMS and pseudo.out == english.out
    check_messages(english, pseudo)


def test_diff_view_is_translated_and_its_json_is_not(tmp_path: Path) -> None:
    files = {"old.yaml": TRANSIT_2, "new.yaml": TRANSIT, "other.yaml": LANGUAGE_ACCESS}
    english, pseudo = both(
        tmp_path / "json", ["diff", "old.yaml", "other.yaml", "-f", "json"], files
    )
    assert pseudo.out == english.out and pseudo.err == english.err == ""
    english, pseudo = both(tmp_path / "text", ["diff", "old.yaml", "other.yaml"], files)
    assert english.code == 0
    for text in ("old:", "new:", "Score", "Band", "Complete", "Flags", "was", "now"):
        assert wrap(text) in pseudo.out, text
    assert re.search(r"⟦Answers changed \(\d+\)⟧", pseudo.out)
    english, pseudo = both(tmp_path / "versions", ["diff", "old.yaml", "new.yaml"], files)
    assert "Asked only in king-county-esj 3.1.0 (11): community_priorities" in english.out
    assert "⟦Asked only in king-county-esj 3.1.0 (11): community_priorities" in pseudo.out
    assert re.search(r"⟦Answers added \(\d+\)⟧", pseudo.out)
    english, pseudo = both(tmp_path / "same", ["diff", "new.yaml", "new.yaml"], files)
    assert wrap("No difference in meaning.") in pseudo.out
    assert "No difference in meaning." in english.out and OPEN not in english.out


def test_migrate_confirms_and_refuses_in_the_language(tmp_path: Path) -> None:
    files = {"r.yaml": TRANSIT_2}
    english, pseudo = both(tmp_path, ["migrate", "r.yaml"], files)
    assert english.code == 0
    check_messages(english, pseudo, stdout_is_data=False)
    assert pseudo.err == f"{OPEN}wrote r-3.1.0.yaml (king-county-esj 3.1.0){CLOSE}\n"
    assert pseudo.out == english.out  # what moved: core's description, English for now
    again = [run_in(run.where, ["migrate", "r.yaml"], run.where.name) for run in (english, pseudo)]
    assert again[0].code == again[1].code == ExitCode.USAGE
    assert (
        again[1].err
        == wrap(f"error: {wrap('r-3.1.0.yaml: already exists; use --force to replace it')}") + "\n"
    )
    assert_same_but_wrapped(again[0].err, again[1].err)


# --- rubrics ------------------------------------------------------------------------------


def test_rubric_commands_speak_the_language(tmp_path: Path) -> None:
    files = {"king-county-esj.yaml": RUBRICS / "king-county-esj.yaml"}
    english, pseudo = both(tmp_path / "ok", ["rubric", "validate", "king-county-esj.yaml"], files)
    assert english.code == 0
    assert pseudo.err.splitlines()[-1] == wrap(english.err.splitlines()[-1])
    assert english.err.splitlines()[-1].startswith("king-county-esj.yaml: ok (king-county-esj ")
    for args, message in (
        (
            ["rubric", "translation", "king-county-esj", "--lang", "en"],
            "--lang: the rubric is written in English; name another language",
        ),
        (
            ["rubric", "doc", "king-county-esj", "--lang", "no such"],
            "--lang: 'no such' is not a language code such as es or zh-Hant",
        ),
    ):
        english, pseudo = both(tmp_path / args[1], args)
        assert english.code == ExitCode.USAGE
        assert pseudo.err == f"{OPEN}error: {OPEN}{message}{CLOSE}{CLOSE}\n"
        assert_same_but_wrapped(english.err, pseudo.err)


# --- report PDFs: demo, extract, sign, verify ---------------------------------------------


def test_demo_extract_sign_and_verify(tmp_path: Path) -> None:
    english, pseudo = both(tmp_path, ["demo", "-o", "demo.pdf"])
    assert english.code == 0
    check_messages(english, pseudo, stdout_is_data=False)
    assert pseudo.err.splitlines()[0] == wrap("Example review: reduced-fare-transit.yaml")
    assert "(PDF/A-3b, tagged; the review and scorecard attached)" in pseudo.err
    runs = (english, pseudo)

    def again(args: list[str]) -> tuple[Run, Run]:
        en, ps = (run_in(r.where, args, lang) for r, lang in zip(runs, ("en", PSEUDO), strict=True))
        assert en.code == ps.code
        return en, ps

    en, ps = again(["verify", "demo.pdf"])  # unsigned: the verdict is the report's, English
    assert en.code == ExitCode.PROBLEMS and ps.out == en.out and ps.err == en.err
    en, ps = again(["verify", "demo.pdf", "-f", "json"])
    assert ps.out == en.out
    en, ps = again(["extract", "demo.pdf", "-o", "back.yaml"])
    check_messages(en, ps)
    assert ps.err == wrap("wrote back.yaml") + "\n"
    assert ps.read("back.yaml") == en.read("back.yaml")
    en, ps = again(["extract", "demo.pdf", "-o", "back.yaml"])
    assert en.code == ExitCode.USAGE
    check_messages(en, ps)
    assert wrap("back.yaml already exists; use --force to replace it") in ps.err
    en, ps = again(["sign", "demo.pdf", "--role", "Analyst"])
    assert en.code == ExitCode.USAGE
    check_messages(en, ps)
    assert wrap("give --key with --cert, or --pkcs12, or --pkcs11 (one of them)") in ps.err


def test_doctor_table_headings_are_translated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from esj_review.report import doctor

    checks = [
        SimpleNamespace(name="Fonts", ok=True, detail="found", fix=""),
        SimpleNamespace(name="Pango", ok=False, detail="not found", fix="install it"),
    ]
    monkeypatch.setattr(doctor, "run_checks", lambda: checks)
    english, pseudo = both(tmp_path, ["doctor"])
    assert english.code == ExitCode.PROBLEMS and "MISSING" in english.out
    assert wrap("MISSING") in pseudo.out and wrap("ok") in pseudo.out
    assert "esj-review doctor" in english.out and wrap("esj-review doctor") in pseudo.out
    for heading in ("Check", "Status", "Detail", "Fix"):
        assert wrap(heading) in pseudo.out, heading


# --- the rest of what the command line says -------------------------------------------------


def test_a_summary_that_cannot_be_written_is_said_in_the_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from esj_review.batch import portfolio

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(portfolio, "write_summary", fail)
    args = ["batch", "r.yaml", "--out", "out", "-f", "none", "-j", "1"]
    english, pseudo = both(tmp_path, args, {"r.yaml": TRANSIT})
    assert english.code == ExitCode.PROBLEMS
    check_messages(english, pseudo)
    said = (
        "the summary or the portfolio in out could not be written: RuntimeError: disk on fire "
        "(run with --debug for the traceback)"
    )
    assert pseudo.err.splitlines()[-1] == wrap(f"error: {wrap(said)}")


def test_ctrl_c_in_a_command_says_interrupted_in_the_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from esj_review.core import checks

    def stop(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(checks, "load_checked", stop)
    english, pseudo = both(tmp_path, ["validate", "r.yaml"], {"r.yaml": TRANSIT})
    assert english.code == ExitCode.INTERRUPTED
    assert (english.err, pseudo.err) == ("interrupted\n", wrap("interrupted") + "\n")


def test_batch_progress_bar_and_pdf_spinner_say_what_they_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from rich.console import Console

    from esj_review.cli import progress, report_cmds
    from esj_review.report import terminal

    def tty(**kwargs: object) -> Console:
        return Console(file=io.StringIO(), force_terminal=True)

    monkeypatch.setattr(progress, "make_console", tty)
    monkeypatch.setattr(terminal, "make_console", tty)
    with i18n.use_language(PSEUDO):
        bar = progress.BatchProgress()
        bar.start(3)
        bar.stop()
        spinner = report_cmds._rendering("pdf")
    assert bar.bar is not None and bar.bar.tasks[0].description == wrap("Reviewing")
    assert str(getattr(spinner, "status", "")) == wrap("Writing the PDF report…")


def test_due_notes_overdue_and_undated_commitments_in_the_language(tmp_path: Path) -> None:
    from tests.test_commitments import review_data, write_reviews

    source = write_reviews(tmp_path / "source")
    files = {f"reviews/{p.name}": p for p in source.iterdir()}
    later = {"SOURCE_DATE_EPOCH": "1893456000", "COLUMNS": "80"}  # 2030: all overdue
    english, pseudo = both(tmp_path / "table", ["due", "reviews"], files, later)
    assert english.code == 0 and "overdue" in english.out and "no date" in english.out
    assert wrap("overdue") in pseudo.out and wrap("no date") in pseudo.out
    english, pseudo = both(tmp_path / "ics", ["due", "reviews", "-f", "ics"], files, later)
    assert pseudo.out == english.out
    note = "note: 1 open commitment with no due date left out of the calendar"
    assert (english.err, pseudo.err) == (note + "\n", wrap(note) + "\n")
    english, pseudo = both(tmp_path / "owner", ["due", "reviews", "--owner", "parks"], files)
    assert english.out.startswith("1 open commitment in 1 review (owner matching 'parks')")
    assert pseudo.out.startswith(f"{OPEN}1 open commitment in {OPEN}1 review{CLOSE} ({OPEN}owner")
    english, pseudo = both(tmp_path / "empty", ["due", "."])
    none = "No open commitments."
    assert (english.out, pseudo.out) == (none + "\n", wrap(none) + "\n")
    invalid = tmp_path / "invalid.yaml"
    bad = review_data("X-1", engagement_level="bogus", report_back="bogus")
    invalid.write_text(yaml.safe_dump(bad))
    files = {"old.yaml": TRANSIT_2, "invalid.yaml": invalid}
    english, pseudo = both(tmp_path / "notes", ["due", *files, "-f", "csv"], files)
    assert english.code == ExitCode.PROBLEMS and pseudo.out == english.out
    check_messages(english, pseudo)
    assert "(and 1 more problems)" in english.err
    assert f"(and 1 more problems){CLOSE}{CLOSE}" in pseudo.err  # in the wrapped error line
    assert pseudo.err.splitlines()[-1].startswith(f"{OPEN}note: reviews under king-county-esj")
    assert "esj-review migrate moves a review to a newer version" in pseudo.err


def test_diff_lists_ledger_flags_gaps_and_fields_in_the_language(tmp_path: Path) -> None:
    fee, access = EXAMPLES / "fee-increase.yaml", LANGUAGE_ACCESS
    files = {"fee.yaml": fee, "access.yaml": access, "transit.yaml": TRANSIT_2}
    english, pseudo = both(tmp_path / "fee", ["diff", "fee.yaml", "transit.yaml"], files)
    for text in ("Ledger entries that moved (points)", "Question", "Component", "Before", "After"):
        assert text in english.out and wrap(text) in pseudo.out, text
    assert re.search(r"⟦Flags cleared \(2\)⟧", pseudo.out)
    assert re.search(r"⟦Proposal and review fields changed \(5\)⟧", pseudo.out)
    english, pseudo = both(tmp_path / "access", ["diff", "access.yaml", "transit.yaml"], files)
    assert re.search(r"⟦Gaps closed \(8\)⟧", pseudo.out)


def test_template_xlsx_names_its_sheets(tmp_path: Path) -> None:
    english, pseudo = both(tmp_path, ["template", "-f", "xlsx", "-o", "t.xlsx"])
    assert english.code == 0
    check_messages(english, pseudo)
    assert pseudo.err == wrap("wrote t.xlsx (sheets: Proposals, Data dictionary)") + "\n"


def test_rubric_translation_keeps_texts_and_refuses_another_in_the_language(
    tmp_path: Path,
) -> None:
    files = {"kc.es.yaml": RUBRICS / "king-county-esj.es.yaml"}
    args = ["rubric", "translation", "king-county-esj", "--lang", "es", "-o", "kc.es.yaml"]
    english, pseudo = both(tmp_path / "kept", args, files)
    assert english.code == 0
    check_messages(english, pseudo)
    assert pseudo.err.startswith(f"{OPEN}kc.es.yaml: kept ")
    assert pseudo.read("kc.es.yaml") == english.read("kc.es.yaml")
    args[4] = "vi"
    english, pseudo = both(tmp_path / "other", args, files)
    assert english.code != 0
    check_messages(english, pseudo)
    assert "⟦is a translation of king-county-esj into es, not of king-county-esj into vi" in (
        pseudo.err
    )
    named = (RUBRICS / "king-county-esj.es.yaml").read_text()
    (tmp_path / "no-such-rubric.es.yaml").write_text(
        named.replace("rubric: king-county-esj", "rubric: no-such-rubric", 1)
    )
    files = {"no-such-rubric.es.yaml": tmp_path / "no-such-rubric.es.yaml"}
    args = ["rubric", "validate", "no-such-rubric.es.yaml"]
    english, pseudo = both(tmp_path / "unknown", args, files)
    assert english.code != 0
    check_messages(english, pseudo)
    unknown = "names rubric 'no-such-rubric', which is neither beside it nor shipped"
    assert wrap(unknown) in pseudo.err


def test_signing_messages_are_in_the_language(tmp_path: Path) -> None:
    from tests.pki import Authority

    keys = tmp_path / "keys"
    keys.mkdir()
    key, cert = Authority.make().issue("Ana Analyst").write_pem(keys, "ana", b"secret")
    pdf = tmp_path / "demo.pdf"
    assert run_in(tmp_path, ["demo", "-o", str(pdf)], "en").code == 0
    files = {"r.pdf": pdf}
    signer = ["--key", str(key), "--cert", str(cert)]
    args = ["sign", "r.pdf", "--role", "Analyst", *signer]
    english, pseudo = both(tmp_path / "locked", args, files)
    assert english.code == ExitCode.USAGE
    check_messages(english, pseudo)
    locked = "ana-key.pem: the key is encrypted; set ESJ_REVIEW_PASSPHRASE or run at a terminal"
    assert f"/{locked} to be asked{CLOSE}{CLOSE}" in pseudo.err
    if importlib.util.find_spec("pkcs11") is None:
        token = ["sign", "r.pdf", "--role", "Analyst", "--pkcs11", "token.so"]
        english, pseudo = both(tmp_path / "token", token, files)
        assert english.code == ExitCode.USAGE
        check_messages(english, pseudo)
        assert "⟦--pkcs11: signing with a token needs python-pkcs11" in pseudo.err
    english, pseudo = both(tmp_path / "signed", args, files, {"ESJ_REVIEW_PASSPHRASE": "secret"})
    assert english.code == 0, english.err
    assert_all_wrapped(pseudo.err)
    signed = re.compile(
        r"⟦wrote r-signed\.pdf: signed as Analyst by Ana Analyst at \S+ \(box 1\); the "
        r"report is now locked: only further signatures may be added; PDF/A-3b checked⟧"
    )
    assert signed.fullmatch(pseudo.err.splitlines()[0]), pseudo.err
    assert plain(pseudo.err).split(" at ")[0] == english.err.split(" at ")[0]


def test_an_interview_says_where_it_saved_in_the_language(
    capsys: pytest.CaptureFixture[str], kc: Rubric
) -> None:
    from esj_review.cli.interview_cmds import _finished
    from esj_review.core.review import load_review
    from esj_review.core.scoring import score

    card = score(kc, load_review(TRANSIT))
    interview = SimpleNamespace(path=Path("r.yaml"), rubric=kc, scorecard=lambda: card)
    with i18n.use_language(PSEUDO):
        _finished(interview)
        _finished(interview, full=False)
    lines = capsys.readouterr().out.splitlines()
    assert wrap("Saved: r.yaml") in lines
    assert wrap("Saved: r.yaml. Resume with: esj-review resume r.yaml") in lines
