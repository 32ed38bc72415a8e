"""The report's documents: HTML and Markdown from the templates, and JSON.

The template engine loads here, not when the command line starts; the PDF is made from the
HTML by `report.pdf`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import jinja2
import markupsafe

from esj_review.core.scoring import Scorecard
from esj_review.report.context import ReportContext
from esj_review.report.fetcher import ASSETS
from esj_review.report.text import visible

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLE_SHEETS = ("page.css", "report.css", "scripts.css", "statement.css")
"""The report's styles, joined in this order (later rules win)."""
MEDIA = ("pdf", "html")
"""What an HTML page is rendered for: the HTML a PDF is made from, or a page read as it is.
Every template sees it as `medium`, so wording can differ ("attached to this PDF")."""


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
    env.filters["mdcell"] = lambda shown: md_cell(md_escape(getattr(shown, "text", str(shown))))
    env.filters["cell"] = lambda text: md_cell(str(text).replace("|", "\\|"))
    env.filters["mdurl"] = md_url
    env.filters["visible"] = lambda value: visible(str(value), 2000)
    return env


def render_html(ctx: ReportContext, medium: str = "pdf") -> str:
    """The report as one self-contained HTML document (styles inline, nothing fetched), for
    a PDF (`medium` "pdf") or to be read as a page of its own ("html")."""
    return render_page("report.html.j2", medium, ctx=ctx)


def render_page(template: str, medium: str = "pdf", **context: object) -> str:
    """An HTML page from a template, with the report styles inline (nothing is fetched)."""
    return "".join(stream_page(template, medium, **context))


def stream_page(template: str, medium: str = "pdf", **context: object) -> Iterator[str]:
    """`render_page` in pieces, for a page too long to hold in memory (a portfolio of
    20,000 proposals)."""
    if medium not in MEDIA:
        raise ValueError(f"unknown medium {medium!r}; use {' or '.join(MEDIA)}")
    page = _environment().get_template(template)
    return page.generate(css=markupsafe.Markup(_css()), medium=medium, **context)


@cache
def _css() -> str:
    return "\n".join((ASSETS / name).read_text(encoding="utf-8") for name in STYLE_SHEETS)


_MD_SPECIAL = str.maketrans(
    {c: f"\\{c}" for c in "\\`*_[]#|~"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
)


_MD_LINE_START = re.compile(r"^([ \t]*)(?:([-+=])|(\d+)([.)]))", re.MULTILINE)
"""What makes a line a list item, a heading underline or a rule: `- `, `+ `, `1. `, `===`.
(`(` and `!` need no escape: with `[` escaped they make no link or image.)"""
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\\`]+")


def md_escape(text: str) -> str:
    """User text as literal Markdown (no markup, no raw HTML, no lists or headings made by
    the start of a line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_MD_SPECIAL)
    text = _MD_LINE_START.sub(
        lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}", text
    )
    return text.replace("\n", "  \n")


def md_cell(markdown: str) -> str:
    """Markdown made to fit one table cell: its line breaks as `<br>`."""
    return re.sub(r" *\n", "<br>", markdown)


def md_url(address: str) -> str:
    """A web address as a Markdown link (`<https://…>`); anything else as escaped text."""
    if _WEB_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return md_escape(address)


def render_markdown(ctx: ReportContext) -> str:
    """The report as Markdown, for pasting into a memo or a ticket."""
    return _environment(autoescape=False).get_template("report.md.j2").render(ctx=ctx, medium="md")


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
