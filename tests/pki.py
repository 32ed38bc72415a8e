"""A throwaway certificate authority and signers, made at test time (nothing committed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_NOW = dt.datetime.now(dt.UTC)


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test County"),
        ]
    )


@dataclass
class Authority:
    """A root CA that signs signer certificates."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @classmethod
    def make(cls, common: str = "Test County Root CA") -> Authority:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common))
            .issuer_name(_name(common))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_NOW - dt.timedelta(days=1))
            .not_valid_after(_NOW + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    def issue(self, common: str, signing: bool = True) -> Signer:
        """A signer certificate for `common`, issued by this CA (`signing=False`: its key usage
        allows key agreement only, not signing)."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_NOW - dt.timedelta(days=1))
            .not_valid_after(_NOW + dt.timedelta(days=90))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=signing,
                    content_commitment=signing,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=not signing,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        return Signer(key, cert, self)

    def write(self, folder: Path, name: str = "ca.pem") -> Path:
        path = folder / name
        path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return path


@dataclass
class Signer:
    """A signer's key and certificate."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    issuer: Authority

    def write_pem(
        self, folder: Path, stem: str, passphrase: bytes | None = None
    ) -> tuple[Path, Path]:
        """KEY.pem (encrypted when a passphrase is given) and CERT.pem."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase)
            if passphrase
            else serialization.NoEncryption()
        )
        key = folder / f"{stem}-key.pem"
        key.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
            )
        )
        cert = folder / f"{stem}-cert.pem"
        cert.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return key, cert

    def write_pkcs12(self, folder: Path, stem: str, passphrase: bytes) -> Path:
        path = folder / f"{stem}.p12"
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                stem.encode(),
                self.key,
                self.cert,
                [self.issuer.cert],
                serialization.BestAvailableEncryption(passphrase),
            )
        )
        return path
