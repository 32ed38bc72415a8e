"""`esj-review sign` and `verify`: PAdES sign-off in the report PDF, with a throwaway CA.

Every key and certificate is made at test time (tests/pki.py); nothing is fetched.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pikepdf import pdfa
from pikepdf.models.metadata import decode_pdf_date
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.errors import ValidationFailed
from esj_review.core.review import dump_review, parse_review
from esj_review.core.rubric import Rubric
from esj_review.report import signoff
from esj_review.report.render import render_report
from esj_review.report.signing import pdfa_problems
from tests.pki import Authority, Signer

runner = CliRunner()
PASS = "correct horse"
ROLES = ["Analyst", "Manager", "Equity office"]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.stderr + result.stdout
    return result.exit_code, result.stdout, result.stderr


class Pki:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        ca = Authority.make()
        self.ca = ca.write(folder)
        self.other_ca = Authority.make("Another Root").write(folder, "other-ca.pem")
        self.ana: Signer = ca.issue("Ana Analyst")
        self.max: Signer = ca.issue("Max Manager")
        self.ana_key, self.ana_cert = self.ana.write_pem(folder, "ana", PASS.encode())
        self.max_p12 = self.max.write_pkcs12(folder, "max", PASS.encode())

    def ana_args(self) -> list[str]:
        return ["--key", str(self.ana_key), "--cert", str(self.ana_cert)]

    def max_args(self) -> list[str]:
        return ["--pkcs12", str(self.max_p12)]


ENV = {"ESJ_REVIEW_PASSPHRASE": PASS}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


def _render(kc: Rubric, data: dict[str, Any], path: Path) -> Path:
    path.write_bytes(render_report(kc, parse_review(data, "t.yaml"), "pdf", "archival"))
    return path


@pytest.fixture(scope="module")
def named_report(
    tmp_path_factory: pytest.TempPathFactory, kc: Rubric, transit_data: dict[str, Any]
) -> Path:
    data = copy.deepcopy(transit_data)
    data["signoff"] = {"roles": ROLES}
    return _render(kc, data, tmp_path_factory.mktemp("named") / "transit.pdf")


@pytest.fixture(scope="module")
def plain_report(
    tmp_path_factory: pytest.TempPathFactory, kc: Rubric, transit_data: dict[str, Any]
) -> Path:
    data = {k: v for k, v in transit_data.items() if k != "signoff"}  # no roles named
    return _render(kc, data, tmp_path_factory.mktemp("plain") / "transit.pdf")


@pytest.fixture(scope="module")
def signed_twice(pki: Pki, named_report: Path) -> tuple[Path, Path]:
    """The report signed by the analyst (encrypted PEM), then the manager (PKCS#12)."""
    code, _, err = run("sign", str(named_report), "--role", "Analyst", *pki.ana_args(), env=ENV)
    assert code == 0, err
    once = named_report.with_name("transit-signed.pdf")
    code, _, err = run("sign", str(once), "--role", "manager", *pki.max_args(), env=ENV)
    assert code == 0, err
    assert "still to sign: Equity office" in err
    return once, named_report.with_name("transit-signed-2.pdf")


def test_two_signatures_verify_against_the_ca(pki: Pki, signed_twice: tuple[Path, Path]) -> None:
    code, out, _ = run("verify", str(signed_twice[1]), "--trust", str(pki.ca))
    assert code == 0, out
    assert "OK: all 2 signatures intact" in out
    assert "1. Analyst: Ana Analyst" in out and "2. Manager: Max Manager" in out
    assert out.count("chains to the trust roots given") == 2
    assert "required roles not yet signed: Equity office" in out
    code, out, _ = run("verify", str(signed_twice[1]), "--format", "json")
    verdict = json.loads(out)
    assert code == 0 and verdict["ok"] and verdict["missing_roles"] == ["Equity office"]
    shown = [(s["role"], s["signer"], s["trusted"], s["certifies"]) for s in verdict["signatures"]]
    assert shown == [
        ("Analyst", "Ana Analyst", None, True),
        ("Manager", "Max Manager", None, False),
    ]
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s["time"]) for s in verdict["signatures"]
    )


def test_without_trust_roots_verify_says_so(signed_twice: tuple[Path, Path]) -> None:
    code, out, _ = run("verify", str(signed_twice[0]))
    assert code == 0
    assert "not checked against any trust root" in out


def test_every_signed_file_stays_pdfa_3b(
    named_report: Path, signed_twice: tuple[Path, Path]
) -> None:
    for path in (named_report, *signed_twice):
        data = path.read_bytes()
        assert pdfa_problems(data) == [], path.name
        assert pdfa.validate_written(io.BytesIO(data), "3b").violations == ()
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.get("/Version", "/1.7")) != "/2.0"


def test_signing_never_writes_over_the_input(
    pki: Pki, named_report: Path, signed_twice: Any
) -> None:
    before = named_report.read_bytes()
    code, _, err = run("sign", str(named_report), "--role", "Analyst", *pki.ana_args(), env=ENV)
    assert code == 2 and "already exists; use --force" in err
    assert named_report.read_bytes() == before
    with pikepdf.open(named_report) as pdf:
        assert "/AcroForm" not in pdf.Root


def test_the_signature_sits_in_its_box(signed_twice: tuple[Path, Path]) -> None:
    with pikepdf.open(signed_twice[1]) as pdf:
        page = pdf.pages[-1]
        height = float(page.mediabox[3])
        widgets = {str(a["/T"]): [float(v) for v in a["/Rect"]] for a in page.obj["/Annots"]}
        drawn = _rectangles(page)
    assert set(widgets) == {"SignOff1", "SignOff2", "SignOff3"}
    for box in range(3):
        outline = signoff.box_outline(box, height)
        assert any(all(abs(a - b) < 1.5 for a, b in zip(outline, r, strict=True)) for r in drawn)
        x1, y1, x2, y2 = widgets[signoff.field_name(box)]
        assert outline[0] < x1 < x2 < outline[2] and outline[1] < y1 < y2 < outline[3]


def _rectangles(page: Any) -> list[tuple[float, ...]]:
    """Every rectangle the page draws, in PDF points from the bottom left."""
    found: list[tuple[float, ...]] = []
    scale = 1.0
    for instruction in pikepdf.parse_content_stream(page):
        operands, op = instruction.operands, instruction.operator
        if str(op) == "cm" and [float(v) for v in operands[:4]] == [0.75, 0, 0, 0.75]:
            scale = 0.75
        if str(op) == "re":
            x, y, w, h = (float(v) * scale for v in operands)
            top = float(page.mediabox[3]) - y  # WeasyPrint draws from the top
            found.append((x, top - h, x + w, top))
    return found


def test_a_role_signs_once_and_only_a_named_one(pki: Pki, signed_twice: tuple[Path, Path]) -> None:
    signed = str(signed_twice[1])
    code, _, err = run("sign", signed, "--role", "Analyst", *pki.ana_args(), "-o", "x.pdf", env=ENV)
    assert code == 1 and "the role 'Analyst' has already signed (box 1)" in err
    code, _, err = run("sign", signed, "--role", "Mayor", *pki.ana_args(), "-o", "x.pdf", env=ENV)
    assert code == 1 and "'Mayor' is not one of them" in err and "Equity office" in err


def test_unnamed_boxes_fill_in_order(pki: Pki, plain_report: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    run("sign", str(plain_report), "--role", "Analyst", *pki.ana_args(), "-o", str(first), env=ENV)
    code, _, err = run(
        "sign", str(first), "--role", "Director", *pki.max_args(), "-o", str(second), env=ENV
    )
    assert code == 0 and "(box 2)" in err
    code, out, _ = run("verify", str(second), "--trust", str(pki.ca))
    assert code == 0 and "2. Director: Max Manager" in out and "required roles" not in out


def test_a_changed_byte_in_the_attached_review_fails(
    signed_twice: tuple[Path, Path], tmp_path: Path
) -> None:
    data = bytearray(signed_twice[1].read_bytes())
    with pikepdf.open(signed_twice[1]) as pdf:
        raw = pdf.attachments["review.yaml"].get_file().obj.read_raw_bytes()
    at = data.find(raw)
    assert at > 0 and data.find(raw, at + 1) == -1
    data[at + len(raw) // 2] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    code, out, _ = run("verify", str(tampered))
    assert code == 1
    assert "FAILED" in out and out.count("the signed bytes changed") == 2
    assert out.count("the attachment review.yaml no longer matches the checksum") == 2
    assert "is not an esj-review report" not in out


def test_an_appended_revision_replacing_the_review_is_named(
    signed_twice: tuple[Path, Path], tmp_path: Path
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed_twice[1].read_bytes()), strict=False)
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    index = [str(names[i]) for i in range(0, len(names), 2)].index("review.yaml")
    spec_ref = names.raw_get(2 * index + 1)
    stream = generic.StreamObject(
        {generic.pdf_name("/Type"): generic.pdf_name("/EmbeddedFile")},
        stream_data=b"format: esj-review/1\n# quietly edited\n",
    )
    spec_ref.get_object()["/EF"]["/F"] = writer.add_object(stream)
    writer.mark_update(spec_ref)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(out.getvalue())
    code, text, _ = run("verify", str(edited))
    assert code == 1, text
    assert "CHANGED after it: the attachment review.yaml changed" in text
    assert "an unsigned revision was appended after the last signature" in text


def test_an_untrusted_ca_is_reported(pki: Pki, signed_twice: tuple[Path, Path]) -> None:
    code, out, _ = run("verify", str(signed_twice[1]), "--trust", str(pki.other_ca))
    assert code == 1
    assert out.count("does NOT chain to the trust roots given") == 2
    assert "the report is as signed, but their certificates are not trusted" in out


def test_a_certificate_not_for_signing_is_named(
    pki: Pki, named_report: Path, tmp_path: Path
) -> None:
    """A certificate whose key usage allows no signing chains to the root, yet is refused:
    verify says why instead of claiming it does not chain."""
    key_file, cert_file = pki.ana.issuer.issue("Key Exchange Only", signing=False).write_pem(
        tmp_path, "kx"
    )
    signed = tmp_path / "kx-signed.pdf"
    code, _, err = run(
        "sign",
        str(named_report),
        "--role",
        "Analyst",
        "--key",
        str(key_file),
        "--cert",
        str(cert_file),
        "-o",
        str(signed),
    )
    assert code == 0, err
    code, out, err = run("verify", str(signed), "--trust", str(pki.ca))
    assert code == 1
    assert "certificate: is NOT one for signing documents" in out
    assert "does NOT chain" not in out and "the report is as signed" in out
    assert err == ""


def test_a_wrong_passphrase_is_one_line(pki: Pki, named_report: Path, tmp_path: Path) -> None:
    out = tmp_path / "never.pdf"
    for args in (pki.max_args(), pki.ana_args()):
        code, _, err = run(
            "sign",
            str(named_report),
            "--role",
            "Manager",
            *args,
            "-o",
            str(out),
            env={"ESJ_REVIEW_PASSPHRASE": "wrong"},
        )
        assert code == 1 and len(err.strip().splitlines()) == 1, err
        assert "wrong passphrase" in err and args[1] in err
    assert not out.exists()


def test_a_key_that_is_not_the_certificates(pki: Pki, named_report: Path, tmp_path: Path) -> None:
    other, _ = pki.max.write_pem(tmp_path, "other")
    code, _, err = run(
        "sign",
        str(named_report),
        "--role",
        "Analyst",
        "--key",
        str(other),
        "--cert",
        str(pki.ana_cert),
        "-o",
        str(tmp_path / "x.pdf"),
    )
    assert code == 1 and "the certificate is not the private key's" in err
    assert len(err.strip().splitlines()) == 1


def test_only_a_pdfa_report_with_its_review_is_signed(
    pki: Pki, tmp_path: Path, kc: Rubric, transit_data: dict[str, Any]
) -> None:
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(render_report(kc, parse_review(transit_data, "t.yaml"), "pdf", "plain"))
    code, _, err = run("sign", str(plain), "--role", "Analyst", *pki.ana_args(), env=ENV)
    assert code == 1 and "only an archival report (PDF/A-3b" in err
    other = tmp_path / "other.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(other)
    code, _, err = run("sign", str(other), "--role", "Analyst", *pki.ana_args(), env=ENV)
    assert code == 1 and "no review.yaml attached" in err


@pytest.mark.parametrize("kind", ["truncated", "garbage", "unsigned", "empty"])
def test_bad_files_get_a_verdict(
    kind: str, named_report: Path, signed_twice: Any, tmp_path: Path
) -> None:
    path = tmp_path / f"{kind}.pdf"
    data = signed_twice[1].read_bytes()
    path.write_bytes(
        {
            "truncated": data[: len(data) * 2 // 3],
            "garbage": b"this is not a PDF at all\n" * 10,
            "unsigned": named_report.read_bytes(),
            "empty": b"",
        }[kind]
    )
    code, out, _ = run("verify", str(path))
    assert code == 1 and "FAILED" in out
    expected = {
        "truncated": "not a readable PDF",
        "garbage": "not a PDF",
        "unsigned": "no signatures",
        "empty": "not a PDF",
    }[kind]
    assert expected in out


def test_signoff_roles_in_the_review(transit_data: dict[str, Any]) -> None:
    data = {k: v for k, v in copy.deepcopy(transit_data).items() if k != "signoff"}
    review = parse_review(data, "t.yaml")
    assert review.signoff_boxes == [None] * 4 and "signoff" not in dump_review(review)
    data["signoff"] = {"roles": ["Analyst", " equity   office "]}
    review = parse_review(data, "t.yaml")
    assert review.signoff_boxes == ["Analyst", "equity office"]
    assert "signoff:" in dump_review(review)
    for roles in (["A", "a"], [f"R{n}" for n in range(9)], ["two\nlines"], [""]):
        data["signoff"] = {"roles": roles}
        with pytest.raises(ValidationFailed):
            parse_review(data, "t.yaml")


def test_markdown_and_html_list_the_signoff_roles(kc: Rubric, transit_data: dict[str, Any]) -> None:
    data = copy.deepcopy(transit_data)
    data["signoff"] = {"roles": ROLES}
    review = parse_review(data, "t.yaml")
    md = render_report(kc, review, "md").decode()
    assert "## 6. Sign-off" in md and "| Equity office | (not signed here) | |" in md
    html = render_report(kc, review, "html").decode()
    assert '<table class="signoff-table">' in html and 'class="signoff-box' not in html


def test_no_passphrase_without_a_terminal_is_a_usage_error(pki: Pki, named_report: Path) -> None:
    result = runner.invoke(
        app,
        ["sign", str(named_report), "--role", "Analyst", *pki.max_args(), "-o", "never.pdf"],
        env={"ESJ_REVIEW_PASSPHRASE": None},
    )
    assert result.exit_code == 2
    assert "set ESJ_REVIEW_PASSPHRASE or run at a terminal" in result.stderr
    assert not Path("never.pdf").exists()


def test_a_token_needs_python_pkcs11(named_report: Path, tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("pkcs11") is not None:
        pytest.skip("python-pkcs11 is installed here")
    out = str(tmp_path / "x.pdf")
    code, _, err = run(
        "sign", str(named_report), "--role", "Analyst", "--pkcs11", "lib.so", "-o", out
    )
    assert code == 2 and err.strip() == (
        "error: --pkcs11: signing with a token needs python-pkcs11, which is not installed "
        "(pip install python-pkcs11)"
    )


def test_the_pdfa_check_catches_a_font_that_is_not_embedded(pki: Pki, plain_report: Path) -> None:
    """pyHanko's default stamp uses a standard font it does not embed: not PDF/A."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from esj_review.report.keys import load_pem
    from esj_review.report.signing import _pdf17_signer

    credentials = load_pem(pki.ana_key, pki.ana_cert, [], lambda: PASS.encode())
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_report.read_bytes()), strict=False)
    out = io.BytesIO()
    _pdf17_signer()(
        signers.PdfSignatureMetadata(field_name="Sig"),
        credentials.signer,
        new_field_spec=fields.SigFieldSpec("Sig", box=(100, 100, 300, 200)),
    ).sign_pdf(writer, output=out)
    problems = pdfa_problems(out.getvalue())
    assert problems and all("1.7" not in p for p in problems)
    assert any("font" in p.lower() for p in problems), problems


INFO_TO_XMP = {
    "/Title": "dc:title",
    "/Author": "dc:creator",
    "/Subject": "dc:description",
    "/Keywords": "pdf:Keywords",
    "/Creator": "xmp:CreatorTool",
    "/Producer": "pdf:Producer",
}


def test_signed_info_and_xmp_metadata_agree(signed_twice: tuple[Path, Path]) -> None:
    """PDF/A wants the Info dictionary and the XMP to say the same (a validator such as
    veraPDF checks it); pyHanko appends its name to one and not the other unless told."""
    for path in signed_twice:
        with pikepdf.open(path) as pdf:
            info = {key: str(value) for key, value in pdf.docinfo.items()}
            xmp = pdf.open_metadata()
            for key, name in INFO_TO_XMP.items():
                if key in info:
                    shown = xmp.get(name)
                    shown = shown[0] if isinstance(shown, list) else shown
                    assert str(shown) == info[key], (path.name, key, shown)
            assert "pyHanko" in info["/Producer"] and "WeasyPrint" in info["/Producer"]
            modified = dt.datetime.fromisoformat(str(xmp.get("xmp:ModifyDate")))
            assert decode_pdf_date(info["/ModDate"]) == modified


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--name", "王小明", "cannot draw: U+5C0F U+660E U+738B"),
        ("--role", "Evil\u202eRole", "control or bidi characters: U+202E"),
        ("--name", "Ana\x1b[31m", "control or bidi characters: U+001B"),
    ],
)
def test_a_name_or_role_the_stamp_cannot_show_is_refused_in_words(
    pki: Pki, plain_report: Path, tmp_path: Path, option: str, value: str, said: str
) -> None:
    """Not the PDF/A validator's "codes select the .notdef glyph", and no bidi override or
    escape echoed to the terminal; nothing is written."""
    out = tmp_path / "signed.pdf"
    args = ["--role", "Analyst", "--name", "Ana"]
    args[args.index(option) + 1] = value
    code, stdout, err = run(
        "sign", str(plain_report), *args, *pki.ana_args(), "-o", str(out), env=ENV
    )
    assert code == 1 and said in err and len(err.strip().splitlines()) == 1
    assert "\u202e" not in err + stdout and "\x1b" not in err + stdout
    assert not out.exists()
