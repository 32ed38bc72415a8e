"""HTML to PDF with WeasyPrint: archival PDF/A-3b (tagged), PDF/UA-1, or plain.

The only module that imports WeasyPrint. Every HTML, CSS and attachment object gets the
restricted asset fetcher, and any WeasyPrint error (a refused fetch, a missing alt text) fails
the render instead of leaving a quietly broken PDF. Every variant is then finished with pikepdf
(`tagging`): WeasyPrint's structure tree knows pages, not the HTML it came from, so while it is
built this module notes which HTML element each structure element was made from.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from esj_review.core.errors import EsjError
from esj_review.core.i18n import _
from esj_review.core.review import REVIEW_FORMAT
from esj_review.report.fetcher import ASSETS, make_fetcher

if TYPE_CHECKING:
    from esj_review.report.context import ReportContext
    from esj_review.report.tagging import Origin

VARIANTS = {
    "archival": {"pdf_variant": "pdf/a-3b", "pdf_tags": True},
    "accessible": {"pdf_variant": "pdf/ua-1", "pdf_tags": True},
    "plain": {"pdf_tags": True},
}


class RenderError(EsjError):
    """WeasyPrint reported an error; the PDF was not written."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(
    html: str,
    ctx: ReportContext,
    variant: str,
    review_yaml: str,
    scorecard_json: str,
    validate: bool = False,
) -> bytes:
    """Render the report HTML to PDF bytes, with the review and scorecard attached."""
    attachments = [
        (
            "review.yaml",
            review_yaml,
            _("The review (%(format)s); esj-review extract returns it.")
            % {"format": REVIEW_FORMAT},
            "Source",
        ),
        ("scorecard.json", scorecard_json, _("The scorecard with its ledger, as JSON."), "Data"),
    ]
    identity = f"{ctx.card.answers_hash}:{ctx.card.rubric.hash}:{ctx.generated}:{variant}"
    return html_to_pdf(html, ctx.generated, variant, attachments, identity, validate)


def html_to_pdf(
    html: str,
    generated: dt.date,
    variant: str,
    attachments: list[tuple[str, str, str, str]],
    identity: str,
    validate: bool = False,
) -> bytes:
    """HTML to PDF with the restricted fetcher. Attachments are (name, text, description,
    relationship); `identity` makes the file identifier, so the same input gives the same
    bytes."""
    import weasyprint

    if variant not in VARIANTS:
        raise EsjError(f"unknown PDF variant {variant!r}; use one of {', '.join(VARIANTS)}")
    fetcher = make_fetcher(ASSETS)
    when = dt.datetime.combine(generated, dt.time(), tzinfo=dt.UTC)
    files = [
        weasyprint.Attachment(
            string=text,
            name=name,
            description=description,
            created=when,
            modified=when,
            relationship=relationship,
            url_fetcher=fetcher,
        )
        for name, text, description, relationship in attachments
    ]
    identifier = hashlib.md5(identity.encode(), usedforsecurity=False).hexdigest().encode()
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        document = weasyprint.HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher)
        with _recording(document.etree_element) as origins:
            pdf = document.write_pdf(
                attachments=files,
                pdf_identifier=identifier,
                **VARIANTS[variant],  # type: ignore[arg-type]
            )
    finally:
        logger.removeHandler(handler)
    problems = handler.messages + [f"refused to fetch {url}" for url in fetcher.refused]
    if problems:
        shown = "; ".join(dict.fromkeys(problems))[:500]
        raise RenderError(f"the PDF renderer reported a problem, so no PDF was written: {shown}")
    assert isinstance(pdf, bytes)
    return _finished(pdf, origins, variant, validate)


@dataclass
class _Recorder:
    """What the tag builder sees of the HTML: each element's language and header scope by
    identity, and the origins noted so far."""

    facts: dict[int, tuple[str | None, str | None]]
    origins: dict[int, Origin] = field(default_factory=dict)
    margin: str | None = None


_RECORDER: contextvars.ContextVar[_Recorder | None] = contextvars.ContextVar(
    "esj_review_pdf_recorder", default=None
)


@contextmanager
def _recording(root: Any) -> Iterator[dict[int, Origin]]:
    """Note, while WeasyPrint tags, the HTML element each structure element comes from."""
    _install_recorder()
    recorder = _Recorder(_html_facts(root))
    token = _RECORDER.set(recorder)
    try:
        yield recorder.origins
    finally:
        _RECORDER.reset(token)


def _html_facts(root: Any) -> dict[int, tuple[str | None, str | None]]:
    """Each element's language (its own `lang` or its nearest ancestor's) and, for a `th`,
    its scope: the `scope` attribute, else column in a `thead`, row when it leads a body row."""
    facts: dict[int, tuple[str | None, str | None]] = {}
    stack: list[tuple[Any, str | None, Any]] = [(root, None, None)]
    while stack:
        element, lang, parent = stack.pop()
        lang = element.get("lang") or lang
        scope = None
        if element.tag == "th":
            said = (element.get("scope") or "").lower()
            if said in ("row", "rowgroup"):
                scope = "Row"
            elif said in ("col", "colgroup") or parent is None or parent[1] == "thead":
                scope = "Column"
            elif parent[0] is not None and parent[0][0] is element and parent[2]:
                scope = "Row"
            else:
                scope = "Column"
        facts[id(element)] = (lang, scope)
        if len(element):
            group = parent[0].tag if parent is not None and parent[0] is not None else None
            has_td = element.tag == "tr" and element.find("td") is not None
            for child in element:
                stack.append((child, lang, (element, group, has_td)))
    return facts


def _install_recorder() -> None:
    """Wrap WeasyPrint's tag builder (once per process). Its recursion goes through the module
    name, so the wrapper sees every element; with no recording under way it only passes
    through. A WeasyPrint without the builder leaves the origins empty."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    from esj_review.report.tagging import Origin

    original = getattr(tags, "_build_box_tree", None)
    if original is None or getattr(original, "esj_review_recorder", False):
        return

    def build(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        recorder = _RECORDER.get()
        if recorder is None:
            yield from original(box, parent, *args)
            return
        if isinstance(box, boxes.MarginBox):
            recorder.margin = str(box.at_keyword)
            try:
                yield from original(box, parent, *args)
            finally:
                recorder.margin = None
            return
        inner = getattr(box, "_box", box)
        element = getattr(inner, "element", None)
        if element is None and recorder.margin is None:
            yield from original(box, parent, *args)
            return
        # Margin content has no element: its identity is its box, never joined to another.
        key = (id(inner if element is None else element), str(getattr(inner, "element_tag", "")))
        lang, scope = recorder.facts.get(key[0], (None, None))
        origin = Origin(key=key, lang=lang, scope=scope, margin=recorder.margin)
        for made in original(box, parent, *args):
            # html and body pass their children's elements up: the innermost call is theirs.
            if made.number is not None:
                recorder.origins.setdefault(made.number, origin)
            yield made

    build.esj_review_recorder = True  # type: ignore[attr-defined]
    tags._build_box_tree = build


def _declare_language(doc: Any) -> None:
    """The document's language (its /Lang, from `<html lang>`) in the XMP metadata too, as
    `dc:language`, for archives that read only the metadata."""
    lang = str(doc.Root.get("/Lang", ""))
    if not lang:
        return
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:language"] = [lang]


def _finished(pdf: bytes, origins: dict[int, Origin], variant: str, validate: bool) -> bytes:
    """Finish the structure tree and the catalog, and save: for the archival variant with the
    settings PDF/A-3b pins, after dropping the empty pattern and shading dictionaries
    WeasyPrint writes. With `validate`, the archival bytes also go through pikepdf's PDF/A
    validator, and a file that does not pass is not written (about 0.2 s a report)."""
    import pikepdf
    from pikepdf import pdfa

    from esj_review.report.tagging import finish_tags

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        finish_tags(doc, origins)
        _declare_language(doc)
        out = io.BytesIO()
        if variant != "archival":
            doc.save(
                out,
                deterministic_id=True,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
            )
            return out.getvalue()
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary):
                for key in ("/Pattern", "/Shading"):
                    value = obj.get(key)
                    if isinstance(value, pikepdf.Dictionary) and len(value) == 0:
                        del obj[key]
        if not validate:
            doc.save(out, **pdfa.resolve_save_kwargs("3b", deterministic_id=True))
            return out.getvalue()
        try:
            pdfa.save(doc, out, "3b", repair=False, deterministic_id=True)
        except pdfa.PdfaError as exc:
            raise RenderError(
                f"the PDF did not pass PDF/A-3b validation, so it was not written: "
                f"{exc.report.summary(3)}"
            ) from None
    return out.getvalue()
