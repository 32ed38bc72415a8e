"""The batch command: many proposals at once; summary, portfolio and errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from esj_review.batch.readers import sheet_kinds
from esj_review.cli.common import PdfVariant, app
from esj_review.core.errors import EsjError, ExitCode, UsageError, shown_path
from esj_review.core.i18n import ui as _
from esj_review.core.i18n import ui_ngettext as ngettext
from esj_review.core.text import one_line
from esj_review.report.formats import DEFAULT_FORMAT, NO_FORMAT, format_names

if TYPE_CHECKING:
    from esj_review.batch.run import BatchResult, Settings
    from esj_review.core.rubric import Rubric


def _make_out(out: Path) -> None:
    """The output folder, made when missing; a clear refusal when it cannot be."""
    if out.exists() and not out.is_dir():
        raise UsageError(_("--out %(path)s is a file, not a folder") % {"path": out})
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            _("--out %(path)s: cannot make this folder: %(reason)s")
            % {"path": out, "reason": exc.strerror}
        ) from None


@app.command()
def batch(
    ctx: typer.Context,
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT", help=f"Review files, folders of them, or {sheet_kinds()} sheets."
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for reports and the summary.")
    ] = Path("out"),
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            metavar="N",
            show_default=False,
            help="Worker processes (default: the number of cores; at most 64).",
        ),
    ] = 0,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMATS",
            help=f"Per-proposal outputs: {','.join(format_names())} or {NO_FORMAT} "
            "(several separated by commas).",
        ),
    ] = DEFAULT_FORMAT,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            metavar="SCORE",
            help="Exit 1 if any proposal's band is below this score's band, its score is "
            "below it, or it is incomplete.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo proposals whose input has not changed.")
    ] = False,
    rubric: Annotated[
        str,
        typer.Option(
            "--rubric", metavar="REF", help="Rubric for sheets (review files name their own)."
        ),
    ] = "king-county-esj",
    pdf_variant: Annotated[
        PdfVariant, typer.Option("--pdf-variant", help="archival, accessible or plain.")
    ] = PdfVariant.archival,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            metavar="PREVIOUS_OUT",
            help="A previous batch's --out folder (or its summary.json): the portfolio says "
            "what changed since it (new, removed, bands moved up or down).",
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            metavar="LANGS",
            help="Report languages, separated by commas (es,en): one report per language, "
            "ID.es.pdf beside ID.pdf; the portfolio in the first.",
        ),
    ] = "en",
) -> None:
    """Review many proposals: validate, score and report each; summary, portfolio and errors."""
    import os

    from esj_review.batch.run import Settings, run_batch
    from esj_review.core.rubrics import load_rubric
    from esj_review.report.formats import parse_format_list
    from esj_review.report.render import report_date

    formats = parse_format_list(format)
    langs = _languages(lang)
    missing = [p for p in inputs if not p.exists() and not p.is_symlink()]
    if missing:
        raise UsageError(_("%(path)s: no such file or folder") % {"path": shown_path(missing[0])})
    if fail_under is not None and not 0 <= fail_under <= 100:  # also refuses nan
        raise UsageError(
            _("--fail-under %(score)s: give a score from 0 to 100") % {"score": f"{fail_under:g}"}
        )
    rub = load_rubric(rubric)
    previous = None
    if compare is not None:  # read before anything in --out (maybe the same folder) is written
        from esj_review.batch.compare import load_previous

        previous = load_previous(compare, rub)
    debug = bool(ctx.parent is not None and ctx.parent.params.get("debug"))
    settings = Settings(
        out, formats, pdf_variant.value, rubric, force, report_date(), debug, langs=langs
    )
    _make_out(out)
    from esj_review.cli.progress import BatchProgress

    progress = BatchProgress()
    try:
        result = run_batch(list(inputs), settings, jobs or os.cpu_count() or 1, progress)
    finally:
        progress.stop()
    try:
        _finish(rub, result, settings, fail_under, previous)
    finally:
        result.close()


def _languages(text: str) -> tuple[str, ...]:
    """The --lang list, each language checked (a usage error names those there are), in
    the order given, each once."""
    from esj_review.report.render import check_language

    langs = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    if not langs:
        raise UsageError(_("--lang: name at least one language"))
    for one in langs:
        check_language(one)
    return langs


def _finish(
    rub: Rubric,
    result: BatchResult,
    settings: Settings,
    fail_under: float | None,
    previous: dict[str, Any] | None = None,
) -> None:
    """The summary, the closing lines and the exit code of a batch."""
    from esj_review.batch.portfolio import write_summary

    out, formats, debug = settings.out, settings.formats, settings.debug
    if result.interrupted:
        finished = len(result.records)
        message = ngettext(
            "Interrupted: %(count)d proposal is finished and kept in %(out)s. "
            "Run the same command again to continue.",
            "Interrupted: %(count)d proposals are finished and kept in %(out)s. "
            "Run the same command again to continue.",
            finished,
        )
        typer.echo(message % {"count": finished, "out": out}, err=True)
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    try:
        data = write_summary(
            out,
            rub,
            result.records,
            result.problems,
            fail_under,
            settings.generated,
            formats,
            previous,
            lang=settings.langs[0],
        )
    except EsjError:
        raise
    except Exception as exc:  # the proposals' outputs are written; say what is missing
        if debug:
            raise
        message = _(
            "the summary or the portfolio in %(out)s could not be written: "
            "%(error)s: %(reason)s (run with --debug for the traceback)"
        )
        raise EsjError(
            message % {"out": out, "error": type(exc).__name__, "reason": one_line(exc)}
        ) from None
    errors = data["errors"]
    message = ngettext(  # "1 proposals reviewed" as ever: the count of proposals is not the one
        "%(reviewed)d proposals reviewed (%(reused)d unchanged, skipped), %(errors)d input "
        "with errors; summary in %(summary)s, portfolio in %(portfolio)s, errors in %(errors_csv)s",
        "%(reviewed)d proposals reviewed (%(reused)d unchanged, skipped), %(errors)d inputs "
        "with errors; summary in %(summary)s, portfolio in %(portfolio)s, errors in %(errors_csv)s",
        errors,
    )
    portfolio = f"{out}/portfolio.{'pdf' if 'pdf' in formats else 'html'}"
    typer.echo(
        message
        % {
            "reviewed": len(result.records),
            "reused": result.reused,
            "errors": errors,
            "summary": f"{out}/summary.csv",
            "portfolio": portfolio,
            "errors_csv": f"{out}/errors.csv",
        },
        err=True,
    )
    if "compared" in data:
        _say_changes(data["compared"])
    if data["below_threshold"]:
        below = data["below_threshold"]
        typer.echo(
            _("%(count)d below --fail-under %(score)s: %(ids)s")
            % {
                "count": len(below),
                "score": f"{fail_under:g}",
                "ids": ", ".join(one_line(i, 80) for i in below[:10]),
            },
            err=True,
        )
    if errors or data["below_threshold"]:
        raise typer.Exit(int(ExitCode.PROBLEMS))


def _say_changes(compared: dict[str, Any]) -> None:
    """One line of what changed since the previous run (and one if its rubric version differs)."""
    c = compared
    message = _(
        "Since the run of %(generated)s: %(new)d new, %(removed)d no longer present, "
        "%(up)d moved up a band, %(down)d moved down, %(unchanged)d unchanged "
        "(see the portfolio)"
    )
    counts = {key: len(c[key]) for key in ("new", "removed", "up", "down")}
    typer.echo(
        message
        % {"generated": one_line(c["generated"], 40), "unchanged": c["unchanged"], **counts},
        err=True,
    )
    if c["rubric_note"]:
        typer.echo(one_line(c["rubric_note"], 200), err=True)
