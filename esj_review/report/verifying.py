"""`esj-review verify`: every signature in a report PDF, and what changed after each one.

pyHanko checks each signature (the signed bytes, the CMS signature, the certificate's chain to
the trust roots given, the DocMDP lock and its difference analysis). To say WHAT changed, each
signed revision (the file up to the end of the signature's byte range) is compared with the
whole file: attachments by name and content hash, the page count and each page's content
streams and images. Nothing is fetched (no OCSP, CRL or timestamp server).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from esj_review.core import files
from esj_review.core.errors import EsjError
from esj_review.core.text import one_line
from esj_review.report import signoff
from esj_review.report.extract import MAX_PDF_BYTES


@dataclass
class SignatureCheck:
    """One signature as verify reports it."""

    number: int  # from 1, in the order the signatures were made
    field_name: str
    role: str | None
    signer: str
    time: str | None  # UTC, ISO 8601, as the signer's clock said
    intact: bool  # the signed bytes are unchanged and the signature is valid
    trusted: bool | None  # chains to the trust roots given; None: none were given
    certifies: bool  # the first signature, which locks the report
    changes: list[str] = field(default_factory=list)  # what changed after it, in words
    problems: list[str] = field(default_factory=list)  # why it fails, in words

    @property
    def ok(self) -> bool:
        return self.intact and not self.changes and self.trusted is not False


@dataclass
class Verdict:
    """What verify found in one file."""

    file: str
    ok: bool
    summary: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    required_roles: list[str] = field(default_factory=list)
    missing_roles: list[str] = field(default_factory=list)
    trust_checked: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for check, shown in zip(self.signatures, data["signatures"], strict=True):
            shown["ok"] = check.ok
        return data


def _bad(path: Path, summary: str) -> Verdict:
    return Verdict(str(path), False, summary)


def verify_report(path: Path, trust: list[Any] | None = None) -> Verdict:
    """Verify every signature in the PDF at `path`; `trust` is a list of root certificates
    (cryptography objects), or None to check no chain. Never raises on a bad file: the
    verdict says what is wrong."""
    try:
        with files.reading(path, "a PDF"):
            if path.stat().st_size > MAX_PDF_BYTES:
                return _bad(path, "too large to be an esj-review report")
            data = path.read_bytes()
    except EsjError as exc:
        return _bad(path, exc.message.removeprefix(f"{path}: "))
    if data.lstrip()[:5] != b"%PDF-":
        return _bad(path, "not a PDF")
    try:
        return _verify(path, data, trust)
    except EsjError as exc:
        return _bad(path, one_line(exc.message, 300))
    except Exception as exc:  # whatever pyHanko or pikepdf raise on hostile bytes
        reason = one_line(str(exc) or type(exc).__name__, 200)
        return _bad(path, f"not a readable PDF (truncated or damaged?): {reason}")


def _verify(path: Path, data: bytes, trust: list[Any] | None) -> Verdict:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    embedded = reader.embedded_signatures
    final = manifest(data)
    required: list[str] = []
    review_note = ""
    try:
        from esj_review.report.extract import extract_review

        review, _ = extract_review(path)
        required = signoff.required_roles(review)
    except EsjError:
        review_note = "; it carries no readable review, so it is not an esj-review report"
    if not embedded:
        return Verdict(str(path), False, f"no signatures: the report is unsigned{review_note}")
    if review_note:  # signed, so it was a report: its review is what cannot be read now
        review_note = "; its attached review cannot be read, so the roles to sign are not known"
    context = _context(trust)
    where = functools.cache(lambda: damaged(data))  # the same bytes for every signature
    checks = [
        _check(n, sig, data, final, context, trust, where) for n, sig in enumerate(embedded, 1)
    ]
    last_end = max(_end(sig) for sig in embedded)
    if data[last_end:].strip(b"\r\n\x00 "):
        later = _compare(manifest(data[:last_end]), final)
        what = "; ".join(later) if later else "it changes nothing this check can name"
        checks[-1].changes.append(
            f"an unsigned revision was appended after the last signature ({what})"
        )
    missing = signoff.missing_roles(review, [c.role or "" for c in checks]) if required else []
    bad = [c for c in checks if not c.ok]
    altered = [c for c in bad if not c.intact or c.changes]
    if altered:
        summary = f"{len(bad)} of {len(checks)} signatures fail: the report is not as signed"
    elif bad:
        summary = (
            f"{len(bad)} of {len(checks)} signatures fail: the report is as signed, but "
            f"{'its certificate is' if len(bad) == 1 else 'their certificates are'} not trusted"
        )
    else:
        summary = f"all {len(checks)} signatures intact; nothing changed after any of them"
    if missing and not bad:
        summary += f" (not yet signed by: {', '.join(missing)})"
    return Verdict(
        str(path),
        not bad,
        summary + review_note,
        checks,
        required,
        missing,
        trust is not None,
    )


def _context(trust: list[Any] | None) -> Any:
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
    from pyhanko_certvalidator import ValidationContext

    roots = [translate_pyca_cryptography_cert_to_asn1(c) for c in trust or []]
    return ValidationContext(trust_roots=roots, allow_fetching=False)


def _end(sig: Any) -> int:
    """Where a signature's signed revision ends: the end of its byte range."""
    byte_range = [int(n) for n in sig.sig_object["/ByteRange"]]
    return byte_range[2] + byte_range[3]


def _check(
    number: int,
    sig: Any,
    data: bytes,
    final: dict[str, str],
    context: Any,
    trust: Any,
    damage: Callable[[], list[str]],
) -> SignatureCheck:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    reason = sig.sig_object.get("/Reason")
    role = signoff.role_from_reason(str(reason) if reason is not None else None)
    check = SignatureCheck(number, str(sig.field_name), role, "?", None, False, None, False)
    check.certifies = sig.sig_object.get("/Reference") is not None
    try:
        status = validate_pdf_signature(
            sig,
            signer_validation_context=context,
            key_usage_settings=KeyUsageConstraints(
                key_usage={"digital_signature", "non_repudiation"}
            ),
        )
    except Exception as exc:  # a damaged signature: say so, do not stop
        check.problems.append(f"the signature cannot be checked: {one_line(str(exc), 160)}")
        return check
    check.signer = _common_name(status.signing_cert)
    shown = sig.sig_object.get("/Name")  # `sign --name`: inside the signed bytes too
    if shown is not None and one_line(str(shown), 100) != check.signer:
        check.signer += f" (named on the signature as {one_line(str(shown), 100)})"
    when = status.signer_reported_dt
    if when is not None:
        check.time = when.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"
    check.intact = bool(status.intact and status.valid)
    if not status.intact:
        where = damage()
        check.problems.append(
            "the signed bytes changed: the digest does not match"
            + (f" ({'; '.join(where)})" if where else "")
        )
    elif not status.valid:
        check.problems.append("the signature does not match the signed bytes and certificate")
    if trust is not None:
        check.trusted = bool(status.trusted)
        if not status.trusted:
            check.problems.append(f"{CERTIFICATE}{_untrusted(status)}")
    level = status.modification_level
    if check.intact:
        check.changes = _compare(manifest(data[: _end(sig)]), final)
        allowed = level is None or level <= ModificationLevel.FORM_FILLING
        if (not allowed or status.docmdp_ok is False) and not check.changes:
            check.changes.append(
                "the document was modified beyond further signatures "
                f"({_level_words(level)}), by pyHanko's difference analysis"
            )
    return check


CERTIFICATE = "the certificate "
"""How a trust problem begins: the text view shows it on the certificate's line."""


def _untrusted(status: Any) -> str:
    """Why a certificate is not trusted, in words (pyHanko's AdES indication)."""
    indication = str(getattr(status.trust_problem_indic, "name", "") or "")
    usage = getattr(status.signing_cert, "key_usage_value", None)
    allowed = set(usage.native) if usage is not None else set()
    if indication == "CHAIN_CONSTRAINTS_FAILURE" and not allowed & {
        "digital_signature",
        "non_repudiation",
    }:
        return (
            "is NOT one for signing documents: its key usage allows neither digital "
            "signature nor non-repudiation"
        )
    words = {
        "NO_CERTIFICATE_CHAIN_FOUND": "does NOT chain to the trust roots given",
        "CHAIN_CONSTRAINTS_FAILURE": "chains to the roots, but a constraint of the chain fails",
        "OUT_OF_BOUNDS_NO_POE": "was expired or not yet valid when the signature was checked",
        "OUT_OF_BOUNDS_NOT_REVOKED": "was expired or not yet valid when the signature was checked",
        "REVOKED_NO_POE": "has been revoked",
        "REVOKED_CA_NO_POE": "chains to a certificate authority that has been revoked",
    }
    return words.get(indication, "is not trusted by the roots given") + (
        f" ({indication.lower().replace('_', ' ')})" if indication not in words else ""
    )


def _level_words(level: Any) -> str:
    return str(getattr(level, "name", level)).lower().replace("_", " ")


def _common_name(cert: Any) -> str:
    try:
        name = cert.subject.native.get("common_name")
    except Exception:
        name = None
    return one_line(str(name or cert.subject.human_friendly), 100)


def damaged(data: bytes) -> list[str]:
    """What in the file no longer reads as it was written, when bytes were changed in place
    (no revision to compare with): an attachment that no longer matches the MD5 checksum
    written beside it. (An attachment or a page that cannot be decompressed at all stops
    `manifest` first: the file is then not a readable PDF.)"""
    import pikepdf

    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for name, spec in pdf.attachments.items():
            stream = spec.get_file()
            params = stream.obj.get("/Params", pikepdf.Dictionary())
            recorded = params.get("/CheckSum") if isinstance(params, pikepdf.Dictionary) else None
            if (
                recorded is not None
                and bytes(recorded) != hashlib.md5(stream.read_bytes()).digest()
            ):
                found.append(
                    f"the attachment {one_line(name, 80)} no longer matches the "
                    "checksum written with it"
                )
    return found


def manifest(data: bytes) -> dict[str, str]:
    """What a revision shows, hashed: each attachment's content by name, the page count, and
    each page's content streams with the images and forms it draws."""
    import pikepdf

    out: dict[str, str] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for name, spec in pdf.attachments.items():
            content = spec.get_file().read_bytes()
            out[f"attachment {name}"] = hashlib.sha256(content).hexdigest()
        out["pages"] = str(len(pdf.pages))
        for number, page in enumerate(pdf.pages, 1):
            digest = hashlib.sha256(page.obj.get("/MediaBox", pikepdf.Array()).unparse())
            for stream in _contents(page.obj.get("/Contents")):
                digest.update(stream.read_bytes())
            resources = page.obj.get("/Resources", pikepdf.Dictionary())
            xobjects: Any = resources.get("/XObject", pikepdf.Dictionary())
            for key in sorted(xobjects.keys()) if isinstance(xobjects, pikepdf.Dictionary) else []:
                value = xobjects[key]
                if isinstance(value, pikepdf.Stream):
                    digest.update(key.encode() + value.read_raw_bytes())
            out[f"page {number}"] = digest.hexdigest()
    return out


def _contents(value: Any) -> list[Any]:
    import pikepdf

    if isinstance(value, pikepdf.Stream):
        return [value]
    if isinstance(value, pikepdf.Array):
        return [v for v in value if isinstance(v, pikepdf.Stream)]
    return []


def _compare(signed: dict[str, str], now: dict[str, str]) -> list[str]:
    """What differs between a signed revision's manifest and the file's, in words."""
    changes = []
    for key in sorted(set(signed) | set(now), key=_order):
        if key == "pages" or signed.get(key) == now.get(key):
            continue
        if key not in now:
            changes.append(f"the {key} was removed")
        elif key not in signed:
            changes.append(f"the {key} was added")
        else:
            changes.append(f"the {key} changed")
    if signed.get("pages") != now.get("pages"):
        changes.insert(0, f"the page count changed from {signed.get('pages')} to {now['pages']}")
    return changes


def _order(key: str) -> tuple[int, int, str]:
    kind, _, rest = key.partition(" ")
    return (0 if kind == "attachment" else 1, int(rest) if rest.isdigit() else 0, rest)


def render_text(verdict: Verdict) -> list[str]:
    """The verdict as lines for a terminal."""
    lines = [f"{verdict.file}: {'OK' if verdict.ok else 'FAILED'}: {verdict.summary}"]
    for c in verdict.signatures:
        lines.append(
            f"{c.number}. {c.role or '(no role)'}: {c.signer}, signed {c.time or '(no time)'}"
            f"{' (certifies the report: only further signatures allowed)' if c.certifies else ''}"
        )
        lines.append(f"   signature: {'intact' if c.intact else 'BROKEN'}")
        if c.trusted is None:
            lines.append("   certificate: not checked against any trust root (use --trust CA.pem)")
        else:
            why = next((p for p in c.problems if p.startswith(CERTIFICATE)), None)
            shown = why[len(CERTIFICATE) :] if why else "does NOT chain to the trust roots given"
            lines.append(
                "   certificate: " + ("chains to the trust roots given" if c.trusted else shown)
            )
        lines.extend(f"   problem: {p}" for p in c.problems if not p.startswith(CERTIFICATE))
        if c.changes:
            lines.extend(f"   CHANGED after it: {what}" for what in c.changes)
        elif c.intact:
            lines.append("   after it: nothing changed but further signatures")
    if verdict.required_roles:
        shown = ", ".join(verdict.missing_roles) if verdict.missing_roles else "none"
        lines.append(f"required roles not yet signed: {shown}")
    return lines
