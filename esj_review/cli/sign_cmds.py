"""`esj-review sign` and `esj-review verify`: sign-off inside the report PDF (PAdES)."""

from __future__ import annotations

import json
import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from esj_review.cli.common import EXISTS, app
from esj_review.core.errors import ExitCode, InputFileError, UsageError, shown_path
from esj_review.core.i18n import ui as _

if TYPE_CHECKING:
    from esj_review.report.signing import Credentials, Passphrase

PASSPHRASE_ENV = "ESJ_REVIEW_PASSPHRASE"


def default_output(report: Path, signatures: int) -> Path:
    """`r.pdf` -> `r-signed.pdf`; a later signature -> `r-signed-2.pdf`, `r-signed-3.pdf`."""
    base = re.sub(r"-signed(-\d+)?$", "", report.stem)
    suffix = "-signed" if signatures <= 1 else f"-signed-{signatures}"
    return report.with_name(f"{base}{suffix}.pdf")


def _passphrase(source: Path) -> Passphrase:
    """The passphrase for `source`: from the environment, else asked without echo at a
    terminal, else a usage error (nothing to ask)."""

    def ask() -> bytes | None:
        given = os.environ.get(PASSPHRASE_ENV)
        if given is not None:
            return given.encode()
        if not sys.stdin.isatty():
            message = _(
                "%(path)s: the key is encrypted; set %(variable)s or run at a terminal to be asked"
            )
            raise UsageError(message % {"path": shown_path(source), "variable": PASSPHRASE_ENV})
        import getpass

        prompt = _("Passphrase for %(path)s: ") % {"path": shown_path(source)}
        return getpass.getpass(prompt).encode()

    return ask


def _pkcs11(module: Path, token: str | None, key_label: str | None) -> Credentials:
    """A signer on a PKCS#11 token (a PIV card), when python-pkcs11 is installed."""
    import importlib.util

    if importlib.util.find_spec("pkcs11") is None:
        raise UsageError(
            _(
                "--pkcs11: signing with a token needs python-pkcs11, which is not installed "
                "(pip install python-pkcs11)"
            )
        )
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as hanko_pkcs11

    from esj_review.report.signing import Credentials

    pin = _passphrase(module)()
    try:
        session = hanko_pkcs11.open_pkcs11_session(
            str(module),
            token_criteria=TokenCriteria(label=token) if token else None,
            user_pin=pin.decode() if pin else None,
        )
        signer = hanko_pkcs11.PKCS11Signer(session, key_label=key_label, cert_label=key_label)
        cert = signer.signing_cert
    except Exception as exc:  # the token library's own errors: one line
        reason = _("the token cannot sign: %(reason)s") % {"reason": exc}
        raise InputFileError(module, reason) from None
    return Credentials(signer, str(cert.subject.native.get("common_name", "token")))


@app.command()
def sign(
    report: Annotated[Path, typer.Argument(metavar="REPORT", help="A report PDF (archival).")],
    role: Annotated[
        str, typer.Option("--role", metavar="ROLE", help="The role you sign as (Manager...).")
    ],
    key: Annotated[
        Path | None, typer.Option("--key", metavar="KEY", help="Private key (PEM or DER).")
    ] = None,
    cert: Annotated[
        Path | None, typer.Option("--cert", metavar="CERT", help="The key's certificate.")
    ] = None,
    chain: Annotated[
        list[Path] | None,
        typer.Option("--chain", metavar="FILE", help="Intermediate certificates to embed."),
    ] = None,
    pkcs12: Annotated[
        Path | None,
        typer.Option("--pkcs12", metavar="FILE", help="Key and certificate in a .p12/.pfx file."),
    ] = None,
    pkcs11: Annotated[
        Path | None,
        typer.Option("--pkcs11", metavar="MODULE", help="A PKCS#11 library, to sign with a token."),
    ] = None,
    token: Annotated[
        str | None, typer.Option("--token", metavar="LABEL", help="The PKCS#11 token's label.")
    ] = None,
    key_label: Annotated[
        str | None,
        typer.Option("--key-label", metavar="LABEL", help="The key and certificate on the token."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            help="Where to write (default: REPORT-signed.pdf beside it, then -signed-2...).",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Your name on the signature (default: the certificate's)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
) -> None:
    """Sign the report off as ROLE: an incremental PAdES signature in the role's box on the
    sign-off page. The first signature locks the report (only further signatures may follow).
    An encrypted key's passphrase is asked, or read from ESJ_REVIEW_PASSPHRASE."""
    from esj_review.core.files import atomic_write
    from esj_review.report import signing

    sources = sum(x is not None for x in (key or cert, pkcs12, pkcs11))
    if sources != 1 or (key is None) != (cert is None):
        raise UsageError(_("give --key with --cert, or --pkcs12, or --pkcs11 (one of them)"))
    if (
        output is not None
        and os.path.lexists(output)
        and not force
        and not _is_input(output, report)
    ):
        raise UsageError(_(EXISTS) % {"path": shown_path(output)})
    with signing.quiet():
        taken = signing.signed_boxes(signing.read_report(report)[0])
        target = output or default_output(report, len(taken) + 1)
        if output is None and os.path.lexists(target) and not force:
            raise UsageError(_(EXISTS) % {"path": shown_path(target)})
        if key is not None and cert is not None:
            credentials = signing.load_pem(key, cert, chain or [], _passphrase(key))
        elif pkcs12 is not None:
            credentials = signing.load_pkcs12(pkcs12, chain or [], _passphrase(pkcs12))
        else:
            assert pkcs11 is not None
            credentials = _pkcs11(pkcs11, token, key_label)
        signed = signing.sign_report(report, credentials, role, name)
    atomic_write(target, signed.data)
    wrote = (
        _(
            "wrote %(path)s: signed as %(role)s by %(name)s at %(when)s (box %(box)d); the "
            "report is now locked: only further signatures may be added; PDF/A-3b checked"
        )
        if signed.certified
        else _(
            "wrote %(path)s: signed as %(role)s by %(name)s at %(when)s (box %(box)d); "
            "PDF/A-3b checked"
        )
    )
    said = {"path": shown_path(target), "role": signed.role, "name": signed.name}
    when = signed.when.isoformat().replace("+00:00", "Z")
    typer.echo(wrote % {**said, "when": when, "box": signed.box + 1}, err=True)
    if signed.missing:
        missing = ", ".join(signed.missing)
        typer.echo(_("still to sign: %(roles)s") % {"roles": missing}, err=True)


def _is_input(output: Path, report: Path) -> bool:
    try:
        return os.path.samefile(output, report)
    except OSError:
        return False


class VerifyFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def verify(
    report: Annotated[Path, typer.Argument(metavar="REPORT", help="A signed report PDF.")],
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            metavar="CA.pem",
            help="A trusted root certificate (PEM or DER); may be given more than once.",
        ),
    ] = None,
    fmt: Annotated[
        VerifyFormat, typer.Option("--format", "-f", help="Output format.")
    ] = VerifyFormat.text,
) -> None:
    """List every signature in a report PDF (signer, role, time, whether the certificate
    chains to the --trust roots) and what changed after each; name required roles not yet
    signed. Exit 0 only when the report is signed, every signature is intact and nothing
    changed after it."""
    from esj_review.report import signing, verifying

    roots = signing.load_certificates(trust) if trust else None
    with signing.quiet():
        verdict = verifying.verify_report(report, roots)
    if fmt is VerifyFormat.json:
        typer.echo(json.dumps(verdict.as_json(), indent=2, ensure_ascii=False))
    else:
        from esj_review.cli.common import terminal_line

        for line in verifying.render_text(verdict):
            typer.echo(terminal_line(line))
    if not verdict.ok:
        raise typer.Exit(int(ExitCode.PROBLEMS))
