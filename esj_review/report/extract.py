"""`esj-review extract`: the review a report PDF carries as an attachment."""

from __future__ import annotations

from pathlib import Path

from esj_review.core.errors import InputFileError
from esj_review.core.files import MAX_FILE_BYTES, parse_data
from esj_review.core.review import Review, parse_review

REVIEW_ATTACHMENT = "review.yaml"


def extract_review(path: Path) -> tuple[Review, str]:
    """The review embedded in a report PDF, and its YAML text exactly as embedded."""
    import pikepdf

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    if size > 200 * 1024 * 1024:
        raise InputFileError(path, "file is larger than 200 MB; not an esj-review report")
    try:
        with pikepdf.open(path) as pdf:
            attachments = pdf.attachments
            if REVIEW_ATTACHMENT not in attachments:
                names = ", ".join(attachments.keys()) or "none"
                raise InputFileError(
                    path,
                    f"no {REVIEW_ATTACHMENT} attached (attachments: {names}); "
                    "was it written by esj-review report?",
                )
            data = attachments[REVIEW_ATTACHMENT].get_file().read_bytes()
    except pikepdf.PdfError as exc:
        raise InputFileError(path, f"not a readable PDF: {exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputFileError(path, "the attached review is larger than the review size limit")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError(path, "the attached review is not UTF-8 text") from None
    source = f"{path}#{REVIEW_ATTACHMENT}"
    return parse_review(parse_data(text, source), source), text
