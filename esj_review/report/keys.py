"""Signing keys for `esj-review sign`: a PEM or DER key with its certificate, or a PKCS#12
file, loaded with cryptography so that a wrong passphrase, an unreadable file or a key that is
not the certificate's is one line naming the file; and certificates for `--chain`/`--trust`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esj_review.core import files
from esj_review.core.errors import InputFileError
from esj_review.core.text import one_line

Passphrase = Callable[[], bytes | None]
"""Asked only when a key turns out to be encrypted: the passphrase, or None when there is none."""


@dataclass(frozen=True)
class Credentials:
    """A signer's key and certificate, loaded and checked, ready for pyHanko."""

    signer: Any  # pyhanko.sign.signers.SimpleSigner
    common_name: str


def _read(path: Path, what: str, limit: int = 1024 * 1024) -> bytes:
    with files.reading(path, what):
        data = path.read_bytes()
    if len(data) > limit:
        raise InputFileError(path, f"is larger than {limit // 1024} KB; not {what}")
    return data


def load_certificates(paths: list[Path]) -> list[Any]:
    """Every certificate in PEM or DER files (a chain, or trust roots), for cryptography."""
    from cryptography import x509

    found: list[Any] = []
    for path in paths:
        data = _read(path, "a certificate file")
        try:
            if b"-----BEGIN" in data:
                certs = x509.load_pem_x509_certificates(data)
            else:
                certs = [x509.load_der_x509_certificate(data)]
        except ValueError:
            raise InputFileError(path, "not a certificate (PEM or DER)") from None
        found.extend(certs)
    return found


def _key_error(path: Path, exc: Exception) -> InputFileError:
    text = str(exc).lower()
    if "password" in text or "decrypt" in text:
        return InputFileError(path, "wrong passphrase for this key")
    return InputFileError(path, "not a private key (PEM or DER), or the passphrase is wrong")


def load_pem(key: Path, cert: Path, chain: list[Path], passphrase: Passphrase) -> Credentials:
    """A signer from a private key (PEM or DER, maybe encrypted) and its certificate."""
    from cryptography.hazmat.primitives import serialization

    key_data = _read(key, "a private key")
    loader = (
        serialization.load_pem_private_key
        if b"-----BEGIN" in key_data
        else serialization.load_der_private_key
    )
    try:
        private = loader(key_data, None)
    except TypeError:  # encrypted: ask for the passphrase only now
        private = None
    except ValueError as exc:
        raise _key_error(key, exc) from None
    if private is None:
        secret = passphrase()
        if not secret:
            raise InputFileError(key, "the key is encrypted and no passphrase was given")
        try:
            private = loader(key_data, secret)
        except (ValueError, TypeError) as exc:
            raise _key_error(key, exc) from None
    (certificate, *_) = load_certificates([cert]) or [None]
    return _credentials(private, certificate, load_certificates(chain), cert)


def load_pkcs12(path: Path, chain: list[Path], passphrase: Passphrase) -> Credentials:
    """A signer from a PKCS#12 file (.p12, .pfx): key, certificate and maybe its chain."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    data = _read(path, "a PKCS#12 file")
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, None)
    except ValueError:  # encrypted (nearly always): ask
        secret = passphrase()
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, secret or None)
        except ValueError:
            raise InputFileError(
                path, "wrong passphrase, or not a PKCS#12 file (.p12, .pfx)"
            ) from None
    if key is None or cert is None:
        raise InputFileError(path, "holds no private key with its certificate")
    return _credentials(key, cert, list(extra) + load_certificates(chain), path)


def _credentials(key: Any, cert: Any, chain: list[Any], cert_source: Path) -> Credentials:
    """Check that the key is the certificate's, and wrap both for pyHanko."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if cert is None:
        raise InputFileError(cert_source, "holds no certificate")
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if key.public_key().public_bytes(der, spki) != cert.public_key().public_bytes(der, spki):
        raise InputFileError(cert_source, "the certificate is not the private key's")
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common = one_line(str(names[0].value), 100) if names else cert.subject.rfc4514_string()
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    for extra in chain:
        store.register(translate_pyca_cryptography_cert_to_asn1(extra))
    try:
        signer = SimpleSigner(
            signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
            signing_key=translate_pyca_cryptography_key_to_asn1(key),
            cert_registry=store,
        )
    except (ValueError, NotImplementedError) as exc:
        reason = one_line(str(exc), 120)
        raise InputFileError(cert_source, f"this key cannot sign: {reason}") from None
    return Credentials(signer, common)
