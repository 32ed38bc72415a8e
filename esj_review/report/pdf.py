"""HTML to PDF with WeasyPrint: archival PDF/A-3b (tagged), PDF/UA-1, or plain.

The only module that imports WeasyPrint. Every HTML, CSS and attachment object gets the
restricted asset fetcher, and any WeasyPrint error (a refused fetch, a missing alt text) fails
the render instead of leaving a quietly broken PDF.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING

from esj_review.core.errors import EsjError
from esj_review.core.review import REVIEW_FORMAT
from esj_review.report.fetcher import ASSETS, make_fetcher

if TYPE_CHECKING:
    from esj_review.report.context import ReportContext

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
            f"The review ({REVIEW_FORMAT}); esj-review extract returns it.",
            "Source",
        ),
        ("scorecard.json", scorecard_json, "The scorecard with its ledger, as JSON.", "Data"),
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
    if variant == "archival":
        return _validated_pdfa(pdf, validate)
    return pdf


def _validated_pdfa(pdf: bytes, validate: bool = False) -> bytes:
    """Drop the empty pattern and shading dictionaries WeasyPrint writes, and save with the
    settings PDF/A-3b pins. With `validate`, the bytes also go through pikepdf's PDF/A
    validator, and a file that does not pass is not written (about 0.2 s a report)."""
    import io

    import pikepdf
    from pikepdf import pdfa

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary):
                for key in ("/Pattern", "/Shading"):
                    value = obj.get(key)
                    if isinstance(value, pikepdf.Dictionary) and len(value) == 0:
                        del obj[key]
        out = io.BytesIO()
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
