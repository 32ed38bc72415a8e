"""The report formats, one registry: `report --format`, `batch --format` and the renderer all
read it.

Each format is a name, a file suffix, a media type and a render function. Importing this
module is cheap (the command line does it to list the choices): a format's renderer loads the
template engine, or WeasyPrint for the PDF, only when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from esj_review.core.errors import UsageError

if TYPE_CHECKING:
    from esj_review.report.context import ReportContext

DEFAULT_FORMAT = "pdf"
NO_FORMAT = "none"
"""`batch --format none`: score only, write no per-proposal report."""


@dataclass(frozen=True)
class Format:
    """One output format: its name, file suffix and media type, and how to render it."""

    name: str
    suffix: str
    media_type: str
    render: Callable[[ReportContext, str, bool], bytes]  # (context, PDF variant, validate)


def _pdf(ctx: ReportContext, variant: str, validate: bool) -> bytes:
    from esj_review.core.review import dump_review
    from esj_review.report.documents import render_html, scorecard_json
    from esj_review.report.pdf import render_pdf  # WeasyPrint only when a PDF is asked for

    html = render_html(ctx, "pdf")
    return render_pdf(
        html, ctx, variant, dump_review(ctx.review), scorecard_json(ctx.card), validate=validate
    )


def _html(ctx: ReportContext, variant: str, validate: bool) -> bytes:
    from esj_review.report.documents import render_html

    return render_html(ctx, "html").encode()


def _json(ctx: ReportContext, variant: str, validate: bool) -> bytes:
    from esj_review.report.documents import render_json

    return render_json(ctx).encode()


def _markdown(ctx: ReportContext, variant: str, validate: bool) -> bytes:
    from esj_review.report.documents import render_markdown

    return render_markdown(ctx).encode()


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("pdf", ".pdf", "application/pdf", _pdf),
        Format("html", ".html", "text/html", _html),
        Format("json", ".json", "application/json", _json),
        Format("md", ".md", "text/markdown", _markdown),
    )
}
"""Every format, in the order the help lists them."""


def format_names() -> list[str]:
    """The formats' names, in order."""
    return list(FORMATS)


def get_format(name: str) -> Format:
    """The format called `name`; a usage error naming the choices when there is none."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r}; use {', '.join(FORMATS)}") from None


def parse_format_list(text: str) -> tuple[str, ...]:
    """`pdf,json` as a tuple of format names; `none` (or nothing) is the empty tuple."""
    names = tuple(f.strip() for f in text.split(",") if f.strip() and f.strip() != NO_FORMAT)
    unknown = [f for f in names if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; use {', '.join(FORMATS)} or {NO_FORMAT}")
    return names
