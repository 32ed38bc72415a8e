"""`esj-review migrate`: a review moved to a newer version of its rubric, written beside it."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path
from typing import Annotated

import typer

from esj_review.cli.common import EXISTS, app
from esj_review.core.errors import UsageError, shown_path
from esj_review.core.i18n import ui as _


def default_output(review: Path, version: str) -> Path:
    """`r.yaml` under 3.0.0 -> `r-3.0.0.yaml` beside it (always YAML)."""
    return review.with_name(f"{review.stem}-{version}.yaml")


@app.command()
def migrate(
    review: Annotated[Path, typer.Argument(metavar="REVIEW", help="A review file (YAML or JSON).")],
    to: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="VERSION", help="The rubric version to move to (default: the newest)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            help="Where to write the migrated review (default: REVIEW-VERSION.yaml beside it).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
) -> None:
    """Move a review to a newer version of its rubric; print what moved, was renamed, mapped or
    set aside, and which required answers are now missing."""
    from esj_review.core.checks import load_checked
    from esj_review.core.files import atomic_write
    from esj_review.core.migrate import describe, migrate_review, shipped_chain
    from esj_review.core.review import save_review

    old, _rubric, _warnings = load_checked(review, review)
    chain = shipped_chain(old.rubric.id, old.rubric.version, to)
    target = output or default_output(review, chain[-1].version)
    if os.path.lexists(target) and not force:
        raise UsageError(_(EXISTS) % {"path": target})
    result = migrate_review(old, chain)
    width = max(40, shutil.get_terminal_size().columns - 1)
    for line in describe(result, old.rubric.id):  # at words, within the terminal's width
        typer.echo(
            textwrap.fill(
                line, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
            )
        )
    if target.suffix.lower() == ".json":  # the migrated review in the form its name says
        import datetime as dt

        from esj_review._version import __version__

        meta = result.review.meta
        meta.updated = dt.datetime.now(dt.UTC).replace(microsecond=0)
        meta.tool_version = __version__
        data = result.review.model_dump(mode="json", exclude_none=True)
        atomic_write(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        save_review(result.review, target)
    wrote = _("wrote %(path)s (%(rubric)s %(version)s)") % {
        "path": shown_path(target),
        "rubric": old.rubric.id,
        "version": chain[-1].version,
    }
    typer.echo(wrote, err=True)
