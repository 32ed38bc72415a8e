"""Rendering a report: score the review, build the context, hand it to the format.

The formats are in `report.formats`; the documents they render (HTML, Markdown, JSON) in
`report.documents`, re-exported here.
"""

from __future__ import annotations

import datetime as dt
import os

from esj_review.core import i18n
from esj_review.core.errors import UsageError
from esj_review.core.review import Review
from esj_review.core.rubric import Rubric
from esj_review.core.scoring import score
from esj_review.report.context import build_context
from esj_review.report.documents import (
    md_escape,
    render_html,
    render_json,
    render_markdown,
    render_page,
    scorecard_json,
)
from esj_review.report.formats import FORMATS, Format, get_format

__all__ = [
    "FORMATS",
    "Format",
    "check_language",
    "md_escape",
    "render_html",
    "render_json",
    "render_markdown",
    "render_page",
    "render_report",
    "report_date",
    "scorecard_json",
]


def report_date(environ: dict[str, str] | None = None) -> dt.date:
    """The date printed on a report: SOURCE_DATE_EPOCH when set (reproducible builds)."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            pass
    return dt.datetime.now(dt.UTC).date()


def render_report(
    rubric: Rubric,
    review: Review,
    fmt: str = "pdf",
    variant: str = "archival",
    generated: dt.date | None = None,
    *,
    validate: bool = False,
    lang: str = i18n.DEFAULT,
) -> bytes:
    """Score the review and render its report in one format (`validate`: check PDF/A-3b),
    in the language `lang`: the catalogue's fixed texts and the rubric's translation
    (`core.translations`); the answers stay as the analyst wrote them."""
    from esj_review.core.translations import translated

    check_language(lang)
    renderer = get_format(fmt)
    rubric = translated(rubric, lang)
    with i18n.use_language(lang):
        card = score(rubric, review)
        ctx = build_context(rubric, review, card, generated or report_date())
        return renderer.render(ctx, variant, validate)


def check_language(lang: str) -> None:
    """A UsageError (exit 2) naming the languages there are, unless `lang` is one."""
    available = i18n.available_languages()
    if lang not in available:
        raise UsageError(
            f"no report language {lang!r}; the languages available are {', '.join(available)}"
        )
