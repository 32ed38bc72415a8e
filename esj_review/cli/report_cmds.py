"""Commands that write reports: report, extract and doctor."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from esj_review.cli.common import PdfVariant, app, choices, load_checked, refuse_overwriting
from esj_review.core.errors import ExitCode, UsageError
from esj_review.core.i18n import N_
from esj_review.core.i18n import ui as _
from esj_review.report.formats import DEFAULT_FORMAT, FORMATS, format_names

if TYPE_CHECKING:
    ReportFormat = str
else:  # the choices typer shows and checks: the registered formats
    ReportFormat = choices("ReportFormat", format_names())


@app.command()
def report(
    review: Annotated[Path, typer.Argument(metavar="REVIEW", help="A review file (YAML or JSON).")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            help="Where to write (default: beside the review; - for stdout); "
            "an existing file is replaced.",
        ),
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ReportFormat(DEFAULT_FORMAT)
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
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            metavar="LANG",
            help="The report's language (en, es, vi, zh-Hant, ko, ru, so): its fixed texts "
            "and the rubric's labels; answers stay as written.",
        ),
    ] = "en",
) -> None:
    """Write the report: Equity Impact Statement, scorecard, determinants, answers, method."""
    from esj_review.report.render import check_language, render_report

    check_language(lang)  # before the work: a usage error names the languages there are
    to_stdout = output is not None and str(output) == "-"
    target = output or review.with_suffix(FORMATS[str(format)].suffix)
    if not to_stdout:  # before the work: `report r.json -f json` would replace r.json
        refuse_overwriting(target, review)
    loaded, rub, warnings = load_checked(review)
    for problem in warnings:
        typer.echo(problem.render(review), err=True)
    with _rendering(str(format)):
        data = render_report(rub, loaded, str(format), pdf_variant.value, validate=check, lang=lang)
    if to_stdout:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from esj_review.core.files import atomic_write

    atomic_write(target, data)
    typer.echo(_("wrote %(path)s") % {"path": target}, err=True)


def _rendering(format: str) -> AbstractContextManager[Any]:
    """A spinner on standard error while a PDF renders (seconds), when it is a terminal."""
    from rich.text import Text

    from esj_review.report.terminal import make_console

    console = make_console(stderr=True)
    if format != "pdf" or not console.is_terminal:
        return nullcontext()
    return console.status(Text(_("Writing the PDF report…")))


@app.command()
def extract(
    pdf: Annotated[
        Path, typer.Argument(metavar="REPORT.pdf", help="A report PDF written by esj-review.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="REVIEW", help="Write the review here (default: stdout)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Turn a report PDF back into the review it was made from (from its attachment)."""
    from esj_review.report.extract import extract_review

    if output is not None:
        refuse_overwriting(output, pdf)  # even with --force: the PDF is the only copy
    _review, text = extract_review(pdf)
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists() and not force:
        raise UsageError(_("%(path)s already exists; use --force to replace it") % {"path": output})
    from esj_review.core.files import atomic_write

    atomic_write(output, text)
    typer.echo(_("wrote %(path)s") % {"path": output}, err=True)


DOCTOR_COLUMNS = (N_("Check"), N_("Status"), N_("Detail"), N_("Fix"))


@app.command()
def doctor() -> None:
    """Check that this machine can write the PDF: WeasyPrint, Pango, harfbuzz-subset, fonts."""
    from rich.table import Table
    from rich.text import Text

    from esj_review.report.doctor import run_checks
    from esj_review.report.terminal import make_console

    checks = run_checks()
    table = Table(title=_("esj-review doctor"), title_justify="left")
    for name in DOCTOR_COLUMNS:
        table.add_column(_(name), overflow="fold")
    for check in checks:
        status = Text(_("ok"), "green") if check.ok else Text(_("MISSING"), "bold red")
        table.add_row(check.name, status, Text(check.detail), Text(check.fix))
    make_console().print(table)
    if not all(c.ok for c in checks):
        raise typer.Exit(int(ExitCode.PROBLEMS))
