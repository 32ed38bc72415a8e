"""The report's documents: HTML and Markdown from the templates, and JSON.

The template engine loads here, not when the command line starts; the PDF is made from the
HTML by `report.pdf`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import jinja2
import markupsafe

from esj_review.core import i18n
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
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: `_("... %(name)s", name=value)` escapes the values, not the catalogue's text;
    # the callables read the current language when called, so one environment serves all
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n._, ngettext=i18n.ngettext, newstyle=True
    )
    env.globals["lang"] = i18n.current_language
    env.globals["severity"] = severity_label
    env.globals["page_css"] = page_css
    env.globals["svg_fonts"] = svg_fonts
    env.globals["signed"] = i18n.signed
    env.globals["fixed"] = i18n.fixed
    env.globals["stop"] = i18n.full_stop
    env.globals["sep"] = i18n.list_separator
    env.globals["comma"] = i18n.comma
    env.globals["colon"] = i18n.colon
    env.globals["noted"] = (
        (
            lambda text, note: markupsafe.Markup(
                i18n.noted(markupsafe.escape(text), markupsafe.escape(note))
            )
        )
        if autoescape
        else i18n.noted
    )
    env.filters["num"] = i18n.number
    env.filters["pct"] = i18n.percent
    env.filters["cssstr"] = css_string
    env.filters["day"] = day
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


SEVERITY_LABELS = {
    "critical": i18n.N_("Critical"),
    "warning": i18n.N_("Warning"),
    "info": i18n.N_("Info"),
}


def day(value: object) -> str:
    """A date (or an ISO date's text) as the current language writes it in words; anything
    else, and every date in English, as it is."""
    if i18n.current_language() == i18n.DEFAULT:
        return str(value)
    if isinstance(value, dt.date):
        return i18n.long_date(value)
    try:
        return i18n.long_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def severity_label(severity: str) -> str:
    """A flag's severity as a word of the current language ("Critical")."""
    label = SEVERITY_LABELS.get(severity)
    return i18n._(label) if label else severity.capitalize()


def css_string(text: str) -> str:
    """A catalogue text as a CSS string's content (page footers): quotes and backslashes
    escaped, no line breaks."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


_PAGE_TEXTS = (
    # (selector, message, its placeholders as CSS values): the words of page.css and
    # statement.css's generated content, in the current language
    (
        "@page { @bottom-left {",
        i18n.N_("Generated %(date)s · esj-review %(version)s · answers %(hash)s"),
        {
            "date": "string(generated)",
            "version": "string(tool-version)",
            "hash": "string(answers-hash)",
        },
    ),
    (
        "@page { @bottom-right {",
        i18n.N_("Page %(page)s of %(pages)s"),
        {"page": "counter(page)", "pages": "counter(pages)"},
    ),
    (
        ".statement a.more::after {",
        i18n.N_(", page %(page)s"),
        {"page": "target-counter(attr(href), page)"},
    ),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def page_css(title_lang: str | None = None) -> markupsafe.Markup:
    """Style rules for the page margins: the footers' and page references' words in the
    current language (the style sheets have the English), and the faces of the margins'
    scripts, which no `lang` reaches: the report language's for every margin box, and the
    title's own for the running header when the title is in a CJK language."""
    from esj_review.report.language import translation_line

    lang = i18n.current_language()
    rules = []
    for selector, message, values in _PAGE_TEXTS if lang != i18n.DEFAULT else ():
        text = i18n._(message)
        if selector.startswith("@page { @bottom-left") and translation_line():
            text += " · " + translation_line()  # on every page: never taken as official
        pieces = _PLACEHOLDER.split(text)
        content = " ".join(
            values.get(piece, '""') if n % 2 else f'"{css_string(piece)}"'
            for n, piece in enumerate(pieces)
            if piece or n % 2
        )
        close = " }" * selector.count("{")
        rules.append(f"{selector} content: {content};{close}")
    title_face = MARGIN_FACES.get(title_lang or "")  # the running header shows the title
    for boxes, face in ((MARGIN_BOXES, MARGIN_FACES.get(lang)), (("top-left",), title_face)):
        if face:
            fonts = f'"Noto Sans", "{face}", sans-serif'
            faces = " ".join(f"@{box} {{ font-family: {fonts}; }}" for box in boxes)
            rules.append(f"@page {{ {faces} }}")
    return markupsafe.Markup("\n".join(rules) + "\n" if rules else "")


MARGIN_FACES = {
    "zh-Hant": "Noto Sans CJK TC",
    "zh-Hans": "Noto Sans CJK SC",
    "zh": "Noto Sans CJK SC",
    "ko": "Noto Sans CJK KR",
    "ja": "Noto Sans CJK JP",
}
"""The face a report language's words in the page margins (header, footers) are set in, where
Noto Sans lacks its script; without it a CJK footer falls to whichever CJK face comes first."""
MARGIN_BOXES = ("top-left", "bottom-left", "bottom-right")


def svg_fonts() -> str:
    """The font list of the chart's SVG text (which inherits no style from the page) where the
    report language's script needs a face of its own ("" otherwise: the default serves)."""
    face = MARGIN_FACES.get(i18n.current_language())
    return f"Noto Sans, {face}, sans-serif" if face else ""


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
