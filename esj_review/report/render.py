"""Report formats behind one small interface: HTML, PDF, JSON and Markdown."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import markupsafe

from esj_review.core.review import Review, dump_review
from esj_review.core.rubric import Rubric
from esj_review.core.scoring import Scorecard, score
from esj_review.report.context import ReportContext, build_context
from esj_review.report.fetcher import ASSETS

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"


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


@cache
def _environment(autoescape: bool = True) -> jinja2.Environment:
    """One Jinja environment per escaping mode, so templates compile once per process."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = lambda shown: md_escape(getattr(shown, "text", str(shown)))
    return env


def render_html(ctx: ReportContext) -> str:
    """The report as one self-contained HTML document (styles inline, nothing fetched)."""
    return render_page("report.html.j2", ctx=ctx)


def render_page(template: str, **context: object) -> str:
    """An HTML page from a template, with the report styles inline (nothing is fetched)."""
    page = _environment().get_template(template)
    return page.render(css=markupsafe.Markup(_css()), **context)


@cache
def _css() -> str:
    return (ASSETS / "report.css").read_text(encoding="utf-8")


_MD_SPECIAL = str.maketrans(
    {c: f"\\{c}" for c in "\\`*_{}[]()#+!|~"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
)


def md_escape(text: str) -> str:
    """User text as literal Markdown (no markup, no raw HTML)."""
    return text.translate(_MD_SPECIAL).replace("\n", "  \n")


def render_markdown(ctx: ReportContext) -> str:
    """The report as Markdown, for pasting into a memo or a ticket."""
    return _environment(autoescape=False).get_template("report.md.j2").render(ctx=ctx)


def scorecard_json(card: Scorecard) -> str:
    """The scorecard as JSON (also embedded in the PDF)."""
    return card.model_dump_json(indent=2) + "\n"


def render_json(ctx: ReportContext) -> str:
    """The review and its scorecard with ledger, as one JSON document."""
    payload = {
        "review": ctx.review.model_dump(mode="json"),
        "scorecard": json.loads(scorecard_json(ctx.card)),
        "generated": ctx.generated.isoformat(),
        "tool_version": ctx.tool_version,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Format:
    """One output format: its file suffix and how to turn a context into bytes."""

    name: str
    suffix: str
    render: Callable[[ReportContext, str, bool], bytes]  # (context, PDF variant, validate)


def _pdf(ctx: ReportContext, variant: str, validate: bool) -> bytes:
    from esj_review.report.pdf import render_pdf  # WeasyPrint only when a PDF is asked for

    return render_pdf(
        render_html(ctx),
        ctx,
        variant,
        dump_review(ctx.review),
        scorecard_json(ctx.card),
        validate=validate,
    )


FORMATS: dict[str, Format] = {
    "pdf": Format("pdf", ".pdf", _pdf),
    "html": Format("html", ".html", lambda ctx, *_: render_html(ctx).encode()),
    "json": Format("json", ".json", lambda ctx, *_: render_json(ctx).encode()),
    "md": Format("md", ".md", lambda ctx, *_: render_markdown(ctx).encode()),
}


def render_report(
    rubric: Rubric,
    review: Review,
    fmt: str = "pdf",
    variant: str = "archival",
    generated: dt.date | None = None,
    *,
    validate: bool = False,
) -> bytes:
    """Score the review and render its report in one format (`validate`: check PDF/A-3b)."""
    card = score(rubric, review)
    ctx = build_context(rubric, review, card, generated or report_date())
    return FORMATS[fmt].render(ctx, variant, validate)
