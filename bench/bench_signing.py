"""Sign-off speed: one signature on the example report (with the PDF/A-3b check of the signed
bytes that `sign` always makes), and `verify` of a report signed twice.

No target is set by an issue; the figures are reported so that a change that slows either is
seen. The keys are made here, once, with a throwaway CA (nothing is read from disk but the
example). Run: make bench
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from esj_review.core.review import SignOff, load_review
from esj_review.core.rubrics import load_rubric
from esj_review.report.keys import load_pem
from esj_review.report.render import render_report
from esj_review.report.signing import sign_report
from esj_review.report.verifying import verify_report

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "reduced-fare-transit.yaml"
RUNS = 7
DATE = dt.date(2026, 11, 29)


def _cert(
    common: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name | None,
    signing_key: ec.EllipticCurvePrivateKey,
    ca: bool,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer or subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(signing_key, hashes.SHA256())
    )


def keys(folder: Path) -> tuple[Path, Path, x509.Certificate]:
    """A signer's key and certificate under a throwaway root."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert("Bench Root", root_key, None, root_key, True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("Bench Signer", key, root.subject, root_key, False)
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path, root


def median(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    review = load_review(EXAMPLE).model_copy(
        update={"signoff": SignOff(roles=["Analyst", "Manager", "Equity office"])}
    )
    rubric = load_rubric(f"king-county-esj@{review.rubric.version}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        report = folder / "report.pdf"
        report.write_bytes(render_report(rubric, review, "pdf", generated=DATE))
        key, cert, root = keys(folder)
        credentials = load_pem(key, cert, [], lambda: None)
        once = median(lambda: sign_report(report, credentials, "Analyst"))
        signed = folder / "signed.pdf"
        signed.write_bytes(sign_report(report, credentials, "Analyst").data)
        twice = folder / "twice.pdf"
        twice.write_bytes(sign_report(signed, credentials, "Manager").data)
        checked = median(lambda: verify_report(twice, [root]))
        print(f"sign (one signature, PDF/A-3b check included): {once:.2f} s median of {RUNS}")
        print(f"verify (two signatures, chained to the root):   {checked:.2f} s median of {RUNS}")
        print(
            f"report {report.stat().st_size / 1024:.0f} KiB, "
            f"signed twice {twice.stat().st_size / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    main()
