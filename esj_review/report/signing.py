"""`esj-review sign`: an incremental PAdES signature in a sign-off box of a report PDF.

The first signature certifies the report and allows only further signatures (DocMDP level 2,
form filling and signing), so any later change to the attached review, a page or an attachment
is caught by pyHanko's difference analysis (`report.verifying`). The visible signature is drawn
with an embedded font (Noto Sans) so the signed file stays PDF/A-3b; the signed bytes go through
pikepdf's PDF/A-3b validator before anything is written, and a file that fails is not written.
Nothing is fetched: no timestamp server, no OCSP or CRL.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from esj_review.core import files
from esj_review.core.errors import EsjError, InputFileError
from esj_review.core.review import Review, role_key
from esj_review.core.text import one_line
from esj_review.report import signoff
from esj_review.report.extract import MAX_PDF_BYTES, extract_review
from esj_review.report.keys import Credentials, Passphrase, load_certificates, load_pem, load_pkcs12

FONT_FILE = "NotoSans-Regular.ttf"
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts")


class SigningError(EsjError):
    """The report cannot be signed as asked (one line, exit 1)."""


@dataclass(frozen=True)
class Signed:
    """What `sign_report` did: the signed bytes, and who signed which box as what."""

    data: bytes
    role: str
    name: str
    box: int  # from 0
    when: dt.datetime
    certified: bool  # the first signature: it locked the report
    missing: list[str]  # required roles still to sign after this one


@contextmanager
def quiet() -> Iterator[None]:
    """pyHanko logs what it finds (a chain it cannot build, with a traceback) on stderr; the
    commands say it themselves, in one line."""
    import logging

    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def stamp_font() -> Path:
    """Noto Sans, embedded in each visible signature (PDF/A wants every font embedded)."""
    for folder in FONT_FOLDERS:
        root = Path(folder)
        if root.is_dir():
            for found in root.rglob(FONT_FILE):
                return found
    if shutil.which("fc-match"):
        done = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans:style=Regular"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        path = Path(done.stdout.strip())
        if done.returncode == 0 and path.name == FONT_FILE and path.is_file():
            return path
    raise SigningError(f"the font {FONT_FILE} (Noto Sans) is not installed; see esj-review doctor")


def read_report(path: Path) -> tuple[bytes, Review, int, float]:
    """A report PDF to sign: its bytes, the review it carries, its page count and the last
    page's height. Refuses a PDF that is not an esj-review PDF/A-3b report."""
    import pikepdf

    with files.reading(path, "a PDF"):
        if path.stat().st_size > MAX_PDF_BYTES:
            raise InputFileError(path, "too large to be an esj-review report")
        data = path.read_bytes()
    review, _ = extract_review(path)  # not one of ours: says so
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            claimed = pdf.open_metadata().pdfa_status
            pages = len(pdf.pages)
            height = float(pdf.pages[-1].mediabox[3]) - float(pdf.pages[-1].mediabox[1])
    except Exception as exc:  # hostile bytes: one line
        raise InputFileError(path, f"not a readable PDF: {one_line(str(exc), 160)}") from None
    if claimed.upper() != "3B":
        shown = f"PDF/A-{claimed}" if claimed else "not PDF/A"
        raise InputFileError(
            path,
            f"is {shown}; only an archival report (PDF/A-3b, esj-review report's default) "
            "can be signed",
        )
    return data, review, pages, height


def signed_boxes(data: bytes) -> dict[int, str]:
    """The sign-off boxes already signed in a report: box (from 0) -> role."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    taken: dict[int, str] = {}
    for sig in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures:
        box = signoff.field_index(sig.field_name)
        role = signoff.role_from_reason(_text(sig.sig_object.get("/Reason")))
        if box is not None:
            taken[box] = role or ""
    return taken


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def choose_box(review: Review, taken: dict[int, str], role: str, source: Path) -> int:
    """The box `role` signs: its own when the review names roles, else the first free one."""
    wanted = role_key(role)
    for box, signed in taken.items():
        if role_key(signed) == wanted:
            raise SigningError(f"{source}: the role {role!r} has already signed (box {box + 1})")
    boxes = review.signoff_boxes
    named = [b for b in boxes if b is not None]
    if named:
        for box, name in enumerate(named):
            if role_key(name) == wanted:
                return box
        raise SigningError(
            f"{source}: the review names the sign-off roles {', '.join(named)}; "
            f"{role!r} is not one of them"
        )
    free = [box for box in range(len(boxes)) if box not in taken]
    if not free:
        raise SigningError(f"{source}: all {len(boxes)} sign-off boxes are signed")
    return free[0]


def sign_report(
    source: Path,
    credentials: Credentials,
    role: str,
    name: str | None = None,
    *,
    validate: bool = True,
) -> Signed:
    """Sign the report at `source` as `role` in its sign-off box; the signed bytes (not
    written). With `validate`, bytes that fail PDF/A-3b raise instead."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    role = " ".join(role.split())
    if not role or len(role) > 60:
        raise SigningError("--role: give the role in 1 to 60 characters")
    data, review, pages, height = read_report(source)
    try:
        taken = signed_boxes(data)
    except Exception as exc:
        reason = one_line(str(exc), 160)
        raise InputFileError(source, f"its signatures cannot be read: {reason}") from None
    box = choose_box(review, taken, role, source)
    role = review.signoff_boxes[box] or role  # a named role as the review spells it
    _check_drawable(
        name or credentials.common_name, "--name" if name else "the certificate's name", source
    )
    shown_name = one_line(name or credentials.common_name, 100)
    _check_drawable(role, "--role", source)
    when = dt.datetime.now(dt.UTC).replace(microsecond=0)
    certify = not taken
    meta = signers.PdfSignatureMetadata(
        field_name=signoff.field_name(box),
        reason=signoff.reason_for(role),
        name=shown_name,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        md_algorithm="sha256",
    )
    try:
        writer = _consistent_writer(IncrementalPdfFileWriter)(io.BytesIO(data), strict=False)
        if certify:  # every box's field now, so later signatures only fill fields (DocMDP 2)
            for other in range(len(review.signoff_boxes)):
                if other != box:
                    fields.append_signature_field(writer, _field_spec(other, pages, height, True))
        out = io.BytesIO()
        _pdf17_signer()(
            meta,
            credentials.signer,
            stamp_style=_stamp_style(),
            new_field_spec=_field_spec(box, pages, height) if certify else None,
        ).sign_pdf(
            writer,
            existing_fields_only=not certify,
            output=out,
            appearance_text_params={
                "signer": shown_name,
                "role": role,
                "when": when.isoformat().replace("+00:00", "Z"),
            },
        )
    except EsjError:
        raise
    except Exception as exc:  # pyHanko on a PDF it cannot update: one line
        raise SigningError(f"{source}: could not be signed: {one_line(str(exc), 200)}") from None
    signed = out.getvalue()
    if validate:
        check_pdfa(signed, source)
    missing = signoff.missing_roles(review, [*taken.values(), role])
    return Signed(signed, role, shown_name, box, when, certify, missing)


def _consistent_writer(base: Any) -> Any:
    """pyHanko's incremental writer, except that the XMP `pdf:Producer` it writes says what the
    Info dictionary's `/Producer` says. pyHanko appends its name to the Info entry ("WeasyPrint
    70.0; pyHanko 0.38.0") but writes its name alone to the XMP, and PDF/A (ISO 19005-3, 6.6.2.3)
    wants the two equal: a validator such as veraPDF would fail the signed file."""
    from pyhanko.pdf_utils.metadata import model, xmp_xml

    class Writer(base):  # type: ignore[misc]
        def _update_meta(self) -> None:
            super()._update_meta()
            # `get` would return the indirect reference; indexing resolves it
            stream = (
                self.root.raw_get("/Metadata").get_object() if "/Metadata" in self.root else None
            )
            if self._info is None or not isinstance(stream, xmp_xml.MetadataStream):
                return
            producer = model.XmpValue(str(self._info.get_object().get("/Producer", "")))
            for part in stream.xmp:
                if any(name == model.PDF_PRODUCER for name, _ in part):
                    part._fields[model.PDF_PRODUCER] = producer
            stream._reserialise()
            stream._encoded_data = None
            self.update_container(stream)

    return Writer


def _field_spec(box: int, pages: int, height: float, empty: bool = False) -> Any:
    """Box `box`'s signature field on the last page (with an empty appearance until signed:
    PDF/A wants one for every visible annotation)."""
    from pyhanko.sign import fields

    return fields.SigFieldSpec(
        sig_field_name=signoff.field_name(box),
        on_page=pages - 1,
        box=signoff.signature_rect(box, height),
        empty_field_appearance=empty,
    )


def _pdf17_signer() -> Any:
    """pyHanko's PdfSigner, except that an ECDSA key (P-256: a PIV card's) does not turn the
    report into PDF 2.0 to declare ISO 32002: PDF/A-3 is PDF 1.7. PAdES's ESIC extension,
    which PDF 1.7 allows, is still declared."""
    from pyhanko.sign import signers
    from pyhanko.sign.signers.pdf_signer import _ensure_esic_ext

    class Pdf17Signer(signers.PdfSigner):
        def register_extensions(self, pdf_out: Any, *, md_algorithm: str) -> None:
            _ensure_esic_ext(pdf_out)

    return Pdf17Signer


@cache
def _stamp_letters() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(stamp_font()), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _check_drawable(text: str, what: str, source: Path) -> None:
    """Refuse, in words, a name or role the stamp's font cannot draw (a Chinese name, a
    control character): PDF/A would refuse the signed file for a missing glyph anyway."""
    hidden = sorted({ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")})
    if hidden:
        shown = " ".join(f"U+{ord(ch):04X}" for ch in hidden[:6])
        raise SigningError(f"{source}: {what} has control or bidi characters: {shown}")
    missing = sorted({ch for ch in text if ord(ch) not in _stamp_letters()})
    if missing:
        shown = " ".join(f"U+{ord(ch):04X}" for ch in missing[:6])
        hint = " (give the name in Latin letters with --name)" if what != "--role" else ""
        raise SigningError(
            f"{source}: {what} has characters the signature's font cannot draw: {shown}{hint}"
        )


def _stamp_style() -> Any:
    from pyhanko.pdf_utils.font import opentype
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text="Signed by: %(signer)s\nRole: %(role)s\nTime (UTC): %(when)s",
        text_box_style=TextBoxStyle(
            font=opentype.GlyphAccumulatorFactory(str(stamp_font())), font_size=10, leading=14
        ),
        border_width=0,
        background=None,
    )


_UNCHECKED = (
    # pikepdf's validator does not check interactive forms, DocMDP permissions or developer
    # extensions: it stops at the catalog, so it cannot reach the embedded files by their role.
    # Each of these is checked the other way (`_checkable_copy`).
    ("pikepdf:schema-Catalog", "/AcroForm"),
    ("pikepdf:schema-Catalog", "/Perms"),
    ("pikepdf:schema-Extensions", "/ESIC"),
    ("pikepdf:embedded-file", ""),
)


def pdfa_problems(data: bytes) -> list[str]:
    """What keeps signed bytes from PDF/A-3b, by pikepdf's validator (empty: none).

    The validator does not check forms, and a signature is a form field: the bytes as written
    are validated for everything it does check (no violations; only the unchecked constructs
    above), and a copy without the form, the DocMDP permissions and the ESIC extension, its
    signature widgets shown as the stamps they look like, is validated in full: pages, fonts
    (the signature's too), metadata, embedded files."""
    from pikepdf import pdfa

    written = pdfa.validate_written(io.BytesIO(data), "3b")
    problems = [str(f) for f in written.violations]
    problems += [
        str(f)
        for f in written.unsupported
        if not any(f.rule == rule and what in str(f) for rule, what in _UNCHECKED)
    ]
    with _checkable_copy(data) as copy:
        problems += [str(f) for f in pdfa.check(copy, "3b").findings]
    return problems


@contextmanager
def _checkable_copy(data: bytes) -> Iterator[Any]:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for key in ("/AcroForm", "/Perms"):
            if key in pdf.Root:
                del pdf.Root[key]
        extensions = pdf.Root.get("/Extensions")
        if isinstance(extensions, pikepdf.Dictionary) and "/ESIC" in extensions:
            del extensions["/ESIC"]
            if not len(extensions):
                del pdf.Root["/Extensions"]
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if not isinstance(annots, pikepdf.Array):
                continue
            for index, annot in enumerate(annots):
                if annot.get("/FT") == "/Sig" and annot.get("/Subtype") == "/Widget":
                    stamp = {k: annot[k] for k in ("/Rect", "/F", "/AP") if k in annot}
                    annots[index] = pdf.make_indirect(
                        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Stamp)
                    )
                    for key, value in stamp.items():
                        annots[index][key] = value
        yield pdf


def check_pdfa(data: bytes, source: Path) -> None:
    """Raise when signed bytes do not pass PDF/A-3b (`pdfa_problems`)."""
    problems = pdfa_problems(data)
    if problems:
        raise SigningError(
            f"{source}: the signed PDF did not pass PDF/A-3b validation, so it was not "
            f"written: {one_line('; '.join(problems[:3]), 300)}"
        )


__all__ = [
    "Credentials",
    "Passphrase",
    "load_certificates",
    "load_pem",
    "load_pkcs12",
]
