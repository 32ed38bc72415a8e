"""The `esj-review` command line: parse arguments, call the library, map errors to exit codes."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from esj_review import __version__
from esj_review.errors import EsjError, ExitCode, Problem, UsageError, ValidationFailed

HELP = """Equity impact reviews scored against King County's Equity and Social Justice framework
(or another rubric), with every point explained.

King County's Equity Impact Review assigns no number; the score is this tool's method."""


class _Group(TyperGroup):
    """Turns expected failures into one clear message and a documented exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except EsjError as exc:
            if ctx.params.get("debug"):
                raise
            prefix = "" if exc.exit_code == ExitCode.INTERRUPTED else "error: "
            for line in exc.message.splitlines():
                typer.echo(f"{prefix}{line}", err=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


app = typer.Typer(
    cls=_Group,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rubric_app = typer.Typer(
    help="List, show, check and document rubrics.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(rubric_app, name="rubric")


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


class TemplateFormat(StrEnum):
    yaml = "yaml"
    csv = "csv"
    xlsx = "xlsx"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"esj-review {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Equity impact reviews with a transparent, explainable score."""


def _out(text: str, output: Path | None) -> None:
    """Write a result to a file (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from esj_review.files import atomic_write

    atomic_write(output, text)
    typer.echo(f"wrote {output}", err=True)


def _load_checked(path: Path, rubric_ref: str | None = None) -> tuple[Any, Any, list[Problem]]:
    """Load a review and its rubric; raise on errors, return warnings."""
    from esj_review.review import check_review, load_review, rubric_for

    review = load_review(path)
    rubric = rubric_for(review, path, rubric_ref)
    problems = check_review(rubric, review)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationFailed(path, errors)
    return review, rubric, problems


RubricOption = Annotated[
    str | None,
    typer.Option("--rubric", help="Rubric file to use instead of the one the review names."),
]


@app.command()
def validate(
    reviews: Annotated[list[Path], typer.Argument(help="Review files (YAML or JSON).")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Also fail when a review is incomplete.")
    ] = False,
    rubric: RubricOption = None,
) -> None:
    """Check review files against their rubric; print every problem as file: field: message."""
    from esj_review.scoring import score

    failed = False
    for path in reviews:
        try:
            review, rub, warnings = _load_checked(path, rubric)
        except EsjError as exc:
            failed = True
            typer.echo(exc.message)
            continue
        for problem in warnings:
            typer.echo(problem.render(path))
        card = score(rub, review)
        if card.complete:
            typer.echo(f"{path}: ok", err=True)
        else:
            failed = failed or strict
            typer.echo(
                f"{path}: valid but incomplete: {len(card.gaps)} required answers missing "
                f"({', '.join(g.question for g in card.gaps[:5])}"
                f"{', ...' if len(card.gaps) > 5 else ''})",
                err=True,
            )
    if failed:
        raise typer.Exit(int(ExitCode.PROBLEMS))


@app.command("score")
def score_cmd(
    review: Annotated[Path, typer.Argument(help="A review file (YAML or JSON).")],
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ScoreFormat.table
    ),
    ledger: Annotated[bool, typer.Option("--ledger", help="Show every scored answer.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    rubric: RubricOption = None,
) -> None:
    """Score a review: components, band, flags, completeness, gaps and the ledger."""
    from esj_review.scoring import score

    loaded, rub, warnings = _load_checked(review, rubric)
    for problem in warnings:
        typer.echo(problem.render(review), err=True)
    card = score(rub, loaded)
    if format is ScoreFormat.json:
        _out(card.model_dump_json(indent=2) + "\n", output)
        return
    _print_scorecard(card, rub, ledger=ledger, output=output)


def _print_scorecard(card: Any, rubric: Any, *, ledger: bool, output: Path | None) -> None:
    from esj_review.display import make_console, scorecard_view

    view = scorecard_view(card, rubric, ledger=ledger)
    if output is None:
        make_console().print(view)
        return
    console = make_console(width=120)
    with console.capture() as capture:
        console.print(view)
    _out(capture.get(), output)


@app.command()
def template(
    rubric: Annotated[str, typer.Option("--rubric", help="Rubric id or file.")] = (
        "king-county-esj"
    ),
    format: Annotated[TemplateFormat, typer.Option("--format", "-f", help="yaml or csv.")] = (
        TemplateFormat.yaml
    ),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Write a blank review (every question as a comment) or a batch sheet with its dictionary."""
    from esj_review.files import atomic_write
    from esj_review.rubric import load_rubric
    from esj_review.sheets import dictionary_csv, xlsx_template
    from esj_review.templates import csv_template, yaml_template

    rub = load_rubric(rubric)
    if format is TemplateFormat.xlsx:
        if output is None:
            raise UsageError("an XLSX template needs --output FILE.xlsx")
        atomic_write(output, xlsx_template(rub))
        typer.echo(f"wrote {output} (sheets: Proposals, Data dictionary)", err=True)
        return
    if format is TemplateFormat.csv:
        _out(csv_template(rub), output)
        if output is not None:
            guide = output.with_name(f"{output.stem}-dictionary.csv")
            atomic_write(guide, dictionary_csv(rub))
            typer.echo(f"wrote {guide} (the data dictionary)", err=True)
        return
    _out(yaml_template(rub), output)


@app.command()
def demo(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the example's PDF report.")
    ] = Path("reduced-fare-transit.pdf"),
) -> None:
    """Score the bundled example review, print its scorecard and write its PDF report."""
    from esj_review.files import atomic_write
    from esj_review.report.render import render_report
    from esj_review.rubric import data_dir
    from esj_review.scoring import score

    example = data_dir("examples") / "reduced-fare-transit.yaml"
    review, rub, _ = _load_checked(example)
    typer.echo(f"Example review: {example.name}", err=True)
    _print_scorecard(score(rub, review), rub, ledger=False, output=None)
    atomic_write(output, render_report(rub, review, "pdf", "archival"))
    typer.echo(f"wrote {output} (PDF/A-3b, tagged; the review and scorecard attached)", err=True)


# --- the interview ---------------------------------------------------------------------------


def _prompter() -> Any:
    from esj_review.interview import QuestionaryPrompter

    return QuestionaryPrompter()


def _finished(interview: Any, *, full: bool = True) -> None:
    """The scorecard when the analyst finished; a short note and how to resume otherwise."""
    from esj_review.display import make_console, scorecard_view
    from esj_review.interview import score_line

    console = make_console()
    if full:
        console.print(scorecard_view(interview.scorecard(), interview.rubric))
        console.print(f"Saved: {interview.path}", markup=False, highlight=False)
        return
    console.print(score_line(interview.scorecard()), markup=False, highlight=False)
    console.print(
        f"Saved: {interview.path}. Resume with: esj-review resume {interview.path}",
        markup=False,
        highlight=False,
    )


def _offer_report(interview: Any) -> None:
    """After Finish, offer the PDF (only in a real interview, never from a pre-filled file)."""
    from esj_review.session import offer_report

    if interview.finished:
        written = offer_report(interview)
        if written is not None:
            typer.echo(f"wrote {written}", err=True)


@app.command()
def new(
    output: Annotated[
        Path | None, typer.Argument(help="Review file to write (default: PROPOSAL-ID.yaml).")
    ] = None,
    rubric: Annotated[
        str | None, typer.Option("--rubric", help="Rubric id or file (default: king-county-esj).")
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="A review file whose answers pre-fill the interview."),
    ] = None,
) -> None:
    """Start a review: the interview asks each question and saves after every answer."""
    from esj_review.session import new_review

    interview = new_review(output, rubric, answers, _prompter())
    _finished(interview, full=interview.finished or interview.scorecard().complete)
    _offer_report(interview)


@app.command()
def resume(
    review: Annotated[Path, typer.Argument(help="The review file to continue.")],
) -> None:
    """Continue a review where it stopped, from the section menu."""
    from esj_review.session import resume_review

    interview = resume_review(review, _prompter())
    _finished(interview, full=interview.finished)
    _offer_report(interview)


@app.command()
def edit(
    review: Annotated[Path, typer.Argument(help="The review file to change.")],
    section: Annotated[
        str | None, typer.Option("--section", help="Ask every question of one section.")
    ] = None,
    question: Annotated[
        str | None,
        typer.Option(
            "--question",
            help="Ask one question (e.g. engagement_level or "
            "determinant_impacts.housing.direction).",
        ),
    ] = None,
) -> None:
    """Change answers in a review and see how the score moves."""
    from esj_review.session import edit_review

    if section and question:
        raise typer.BadParameter("give --section or --question, not both")
    interview, before = edit_review(review, section, question, _prompter())
    after = interview.scorecard()
    _finished(interview)

    def show(card: Any) -> str:
        return "incomplete" if card.score is None else f"{card.score:g} ({card.band.label})"

    typer.echo(f"Score: {show(before)} -> {show(after)}")


# --- reports -------------------------------------------------------------------------------


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    json = "json"
    md = "md"


class PdfVariant(StrEnum):
    archival = "archival"
    accessible = "accessible"
    plain = "plain"


@app.command()
def report(
    review: Annotated[Path, typer.Argument(help="A review file (YAML or JSON).")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write (default: beside the review; - for stdout)."
        ),
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ReportFormat.pdf
    ),
    pdf_variant: Annotated[
        PdfVariant,
        typer.Option(
            "--pdf-variant",
            help="archival: PDF/A-3b, tagged (default); accessible: PDF/UA-1; plain.",
        ),
    ] = PdfVariant.archival,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Validate the archival PDF with pikepdf's PDF/A-3b validator first."
        ),
    ] = False,
) -> None:
    """Write the report: Equity Impact Statement, scorecard, determinants, answers, method."""
    from esj_review.report.render import FORMATS, render_report

    loaded, rub, warnings = _load_checked(review)
    for problem in warnings:
        typer.echo(problem.render(review), err=True)
    data = render_report(rub, loaded, format.value, pdf_variant.value, validate=check)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = output or review.with_suffix(FORMATS[format.value].suffix)
    from esj_review.files import atomic_write

    atomic_write(target, data)
    typer.echo(f"wrote {target}", err=True)


@app.command()
def extract(
    pdf: Annotated[Path, typer.Argument(help="A report PDF written by esj-review.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the review here (default: stdout).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Turn a report PDF back into the review it was made from (from its attachment)."""
    from esj_review.report.extract import extract_review

    _, text = extract_review(pdf)
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists() and not force:
        raise UsageError(f"{output} already exists; use --force to replace it")
    from esj_review.files import atomic_write

    atomic_write(output, text)
    typer.echo(f"wrote {output}", err=True)


@app.command()
def doctor() -> None:
    """Check that this machine can write the PDF: WeasyPrint, Pango, harfbuzz-subset, fonts."""
    from rich.table import Table
    from rich.text import Text

    from esj_review.display import make_console
    from esj_review.report.doctor import run_checks

    checks = run_checks()
    table = Table(title="esj-review doctor", title_justify="left")
    for name in ("Check", "Status", "Detail", "Fix"):
        table.add_column(name, overflow="fold")
    for check in checks:
        status = Text("ok", "green") if check.ok else Text("MISSING", "bold red")
        table.add_row(check.name, status, Text(check.detail), Text(check.fix))
    make_console().print(table)
    if not all(c.ok for c in checks):
        raise typer.Exit(int(ExitCode.PROBLEMS))


# --- batch -------------------------------------------------------------------------------


@app.command()
def batch(
    inputs: Annotated[
        list[Path], typer.Argument(help="Review files, folders of them, or CSV/XLSX sheets.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for reports and the summary.")] = (
        Path("out")
    ),
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, help="Worker processes (default: cores).")
    ] = 0,
    format: Annotated[
        str,
        typer.Option("--format", "-f", help="Per-proposal outputs: pdf,html,json,md or none."),
    ] = "pdf",
    fail_under: Annotated[
        float | None,
        typer.Option("--fail-under", help="Exit 1 if any score is below this (or incomplete)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo proposals whose input has not changed.")
    ] = False,
    rubric: Annotated[
        str, typer.Option("--rubric", help="Rubric for sheets (review files name their own).")
    ] = "king-county-esj",
    pdf_variant: Annotated[
        PdfVariant, typer.Option("--pdf-variant", help="archival, accessible or plain.")
    ] = PdfVariant.archival,
) -> None:
    """Review many proposals: validate, score and report each; summary, portfolio and errors."""
    import os

    from esj_review.batch import Settings, run_batch
    from esj_review.portfolio import write_summary
    from esj_review.report.render import FORMATS, report_date
    from esj_review.rubric import load_rubric

    formats = tuple(f.strip() for f in format.split(",") if f.strip() and f.strip() != "none")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; use pdf, html, json, md or none")
    missing = [p for p in inputs if not p.exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or folder")
    rub = load_rubric(rubric)
    settings = Settings(out, formats, pdf_variant.value, rubric, force, report_date())
    out.mkdir(parents=True, exist_ok=True)
    from esj_review.display import BatchProgress

    progress = BatchProgress()
    try:
        result = run_batch(list(inputs), settings, jobs or os.cpu_count() or 1, progress)
    finally:
        progress.stop()
    if result.interrupted:
        typer.echo(
            f"Interrupted: {len(result.records)} proposals are finished and kept in {out}. "
            "Run the same command again to continue.",
            err=True,
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    data = write_summary(
        out, rub, result.records, result.problems, fail_under, settings.generated, formats
    )
    errors = data["errors"]
    typer.echo(
        f"{len(result.records)} proposals reviewed ({result.reused} unchanged, skipped), "
        f"{errors} input{'s' if errors != 1 else ''} with errors; summary in {out}/summary.csv, "
        f"portfolio in {out}/portfolio.{'pdf' if 'pdf' in formats else 'html'}, "
        f"errors in {out}/errors.csv",
        err=True,
    )
    if data["below_threshold"]:
        typer.echo(
            f"{len(data['below_threshold'])} below --fail-under {fail_under:g}: "
            + ", ".join(data["below_threshold"][:10]),
            err=True,
        )
    if errors or data["below_threshold"]:
        raise typer.Exit(int(ExitCode.PROBLEMS))


# --- rubric subcommands ----------------------------------------------------------------------


@rubric_app.command("list")
def rubric_list() -> None:
    """List the rubrics shipped with the tool."""
    from esj_review.display import make_console, rubric_list_view
    from esj_review.rubric import load_rubric, shipped_rubrics

    make_console().print(rubric_list_view([load_rubric(r) for r in shipped_rubrics()]))


@rubric_app.command("show")
def rubric_show(
    ref: Annotated[str, typer.Argument(help="Rubric id (king-county-esj) or file.")],
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="text or json.")] = (
        TextOrJson.text
    ),
) -> None:
    """Show a rubric's taxonomies, sections and components."""
    from esj_review.rubric import load_rubric

    rub = load_rubric(ref)
    if format is TextOrJson.json:
        data = rub.model_dump(mode="json", by_alias=True, exclude_none=True)
        data["hash"] = rub.content_hash
        _out(json.dumps(data, indent=2, ensure_ascii=False) + "\n", None)
        return
    from esj_review.display import make_console, rubric_text_view

    make_console().print(rubric_text_view(rub))


@rubric_app.command("validate")
def rubric_validate(
    path: Annotated[Path, typer.Argument(help="A rubric file (YAML or JSON).")],
) -> None:
    """Check a rubric file: schema, ids, conditions, reachability, bands, maximum points."""
    from esj_review.display import lint_view, make_console
    from esj_review.lint import lint_rubric
    from esj_review.rubric import load_rubric_file

    rub = load_rubric_file(path)  # raises with every error
    report = lint_rubric(rub)
    for problem in report.problems:
        typer.echo(problem.render(path))
    make_console().print(lint_view(report, rub))
    typer.echo(f"{path}: ok ({rub.id} {rub.version})", err=True)


@rubric_app.command("schema")
def rubric_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Print the JSON Schema of rubric files, for editors."""
    from esj_review.rubric import Rubric

    schema = Rubric.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    _out(json.dumps(schema, indent=2) + "\n", output)


@rubric_app.command("doc")
def rubric_doc(
    ref: Annotated[str, typer.Argument(help="Rubric id (king-county-esj) or file.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Print a Markdown catalogue: every section, question, choice, point, band and flag."""
    from esj_review.catalogue import render_catalogue
    from esj_review.rubric import load_rubric

    _out(render_catalogue(load_rubric(ref)), output)


def main() -> None:
    """Console-script entry point."""
    app()
