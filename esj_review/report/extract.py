"""`esj-review extract`: the review a report PDF carries as an attachment.

A report PDF can come from anyone, so it is read with bounds. The PDF itself may be at most
`MAX_PDF_BYTES`; the attachment is read as its raw (still compressed) bytes and inflated here,
never by the PDF library, stopping as soon as the review would pass `MAX_FILE_BYTES`, the same
limit as a review file. esj-review attaches the review with the FlateDecode filter and no
predictor; any other filter is refused instead of decoded.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from esj_review.core import files
from esj_review.core.errors import InputFileError
from esj_review.core.files import parse_data
from esj_review.core.review import Review, parse_review
from esj_review.core.text import one_line

REVIEW_ATTACHMENT = "review.yaml"
MAX_PDF_BYTES = 200 * 1024 * 1024  # a report is well under 10 MB; more is not one of ours
_NAMES_SHOWN = 10  # attachment names listed when review.yaml is missing


def extract_review(path: Path) -> tuple[Review, str]:
    """The review embedded in a report PDF, and its YAML text exactly as embedded."""
    data = _inflate(path, *_attached_stream(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError(path, "the attached review is not UTF-8 text") from None
    source = f"{path}#{REVIEW_ATTACHMENT}"
    return parse_review(parse_data(text, source), source), text


def _attached_stream(path: Path) -> tuple[bytes, Any, Any]:
    """The raw bytes of the review attachment, its /Filter and its /DecodeParms."""
    import pikepdf

    limit = files.MAX_FILE_BYTES
    try:
        with files.reading(path, "a PDF"):
            size = path.stat().st_size
            if size > MAX_PDF_BYTES:
                raise InputFileError(
                    path,
                    f"file is larger than {MAX_PDF_BYTES // 2**20} MB; not an esj-review report",
                )
            with pikepdf.open(path) as pdf:
                attachments = pdf.attachments
                if REVIEW_ATTACHMENT not in attachments:
                    raise InputFileError(
                        path,
                        f"no {REVIEW_ATTACHMENT} attached (attachments: {_names(attachments)}); "
                        "was it written by esj-review report?",
                    )
                embedded = attachments[REVIEW_ATTACHMENT].obj.get("/EF")
                stream = embedded.get("/F") if isinstance(embedded, pikepdf.Dictionary) else None
                if not isinstance(stream, pikepdf.Stream):
                    raise InputFileError(path, f"the {REVIEW_ATTACHMENT} attachment holds no file")
                declared = stream.get("/Length")
                if isinstance(declared, int) and declared > limit:
                    raise InputFileError(path, _too_large())
                raw = stream.read_raw_bytes()
                return raw, stream.get("/Filter"), stream.get("/DecodeParms")
    except InputFileError:
        raise
    except pikepdf.PasswordError:
        raise InputFileError(
            path, "the PDF is encrypted with a password; esj-review reports never are"
        ) from None
    except Exception as exc:  # whatever the PDF library raises on hostile bytes: one line
        reason = one_line(str(exc).removeprefix(f"{path}: "), 160)
        raise InputFileError(path, f"not a readable PDF: {reason}") from exc


def _names(attachments: Any) -> str:
    """The attachment names for a message, each on one line with hidden characters shown."""
    names = [one_line(name, 60) for name in list(attachments.keys())[: _NAMES_SHOWN + 1]]
    if not names:
        return "none"
    more = ", ..." if len(names) > _NAMES_SHOWN else ""
    return ", ".join(repr(n) for n in names[:_NAMES_SHOWN]) + more


def _too_large() -> str:
    return f"the attached review is larger than the {files.MAX_FILE_BYTES // 2**20} MB limit"


def _inflate(path: Path, raw: bytes, filters: Any, parms: Any) -> bytes:
    """The attachment's bytes: stored as is, or FlateDecode inflated at most to the limit."""
    limit = files.MAX_FILE_BYTES
    if len(raw) > limit:
        raise InputFileError(path, _too_large())
    if filters is None:
        return raw
    names = [str(f) for f in filters] if _is_array(filters) else [str(filters)]
    if names != ["/FlateDecode"]:
        shown = one_line(" ".join(names) or "an empty filter list", 80)
        raise InputFileError(
            path, f"the attached review is encoded with {shown}; only /FlateDecode is read"
        )
    if parms is not None and _has_predictor(parms):
        raise InputFileError(
            path, "the attached review uses a FlateDecode predictor; esj-review writes none"
        )
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error:
        raise InputFileError(path, "the attached review's compressed data is damaged") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise InputFileError(path, _too_large())
    if not inflater.eof:
        raise InputFileError(path, "the attached review's compressed data is cut short")
    return data


def _is_array(value: Any) -> bool:
    import pikepdf

    return isinstance(value, pikepdf.Array | list | tuple)


def _has_predictor(parms: Any) -> bool:
    """Whether /DecodeParms (a dictionary, or an array of one) asks for a PNG/TIFF predictor."""
    for entry in parms if _is_array(parms) else [parms]:
        predictor = entry.get("/Predictor", 1) if hasattr(entry, "get") else 1
        if predictor not in (None, 1):
            return True
    return False
