"""Reports in other languages: the catalogue, the Spanish report of every bundled example,
and English left as it was."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
import yaml
from babel.messages.checkers import python_format
from babel.messages.pofile import read_po
from pikepdf import pdfa

from esj_review.core import i18n
from esj_review.core.checks import rubric_for
from esj_review.core.errors import UsageError
from esj_review.core.review import load_review, parse_review
from esj_review.core.rubrics import data_dir
from esj_review.report import language
from esj_review.report.render import render_report
from tests.pseudo import extract

DATE = dt.date(2026, 11, 29)
EXAMPLES = data_dir("examples")
BUNDLED = sorted(
    [
        *EXAMPLES.glob("*.yaml"),
        *EXAMPLES.glob("gare/*.yaml"),
        *EXAMPLES.glob("budget-equity/*.yaml"),
    ]
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
SAME_IN_SPANISH = {"No", "%(severity)s:", "100 (incl.)"}


def _catalogue(lang: str) -> Any:
    with i18n.catalogue_path(lang).open("rb") as f:
        return read_po(f, locale=lang.replace("-", "_"))


def _fragments(msgid: str) -> Iterator[str]:
    """The English words of a message between its placeholders, long enough to be telling
    (three words or more: "Not answered" alone could be an analyst's answer)."""
    for piece in PLACEHOLDER.split(msgid)[::2]:
        piece = piece.replace("**", "").strip(" .,:;()“”")
        if len(piece.split()) >= 3:
            yield piece


def _english_fragments() -> list[str]:
    out = set()
    for message in _catalogue("es"):
        if not message.id or message.id in SAME_IN_SPANISH:
            continue
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            out |= set(_fragments(msgid))
    return sorted(out)


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each bundled example's report in Spanish (PDF/A-3b)."""
    folder = tmp_path_factory.mktemp("es")
    out = {}
    for path in BUNDLED:
        review = load_review(path)
        pdf = folder / f"{path.stem}.es.pdf"
        pdf.write_bytes(
            render_report(rubric_for(review, path), review, "pdf", "archival", DATE, lang="es")
        )
        out[path.stem] = pdf
    return out


def _text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _flat(text: str) -> str:
    """One line, one space: a phrase broken across lines or pages still matches."""
    return " ".join(text.replace("-\n", "").split())


# --- the catalogue ------------------------------------------------------------------------


def test_the_languages_are_english_and_those_with_a_catalogue() -> None:
    assert i18n.available_languages()[0] == "en"
    assert "es" in i18n.available_languages()
    for lang in i18n.available_languages()[1:]:  # BCP 47 tags (zh-Hant), folders as gettext's
        assert "_" not in lang and i18n.catalogue_path(lang).is_file()


LANGUAGES = i18n.available_languages()[1:]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_keeps_its_placeholders(lang: str) -> None:
    catalogue = _catalogue(lang)
    checked = 0
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        python_format(catalogue, message)  # Babel's own check: raises on a mismatch
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(ids[-1])), text
        checked += 1
    assert checked > 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_template_lists_every_message_each_catalogue_has(lang: str) -> None:
    """`make messages` was run: the .pot and the catalogue hold the same messages."""
    with (i18n.LOCALE_DIR / "esj_review.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert {m.id for m in _catalogue(lang) if m.id} == template


def test_the_template_holds_every_message_the_code_marks(tmp_path: Path) -> None:
    """A text marked in the code but not extracted would show in English in every language."""
    out = extract(tmp_path / "now.pot", "babel.cfg")
    with out.open("rb") as now, (i18n.LOCALE_DIR / "esj_review.pot").open("rb") as kept:
        assert {m.id for m in read_po(now) if m.id} == {m.id for m in read_po(kept) if m.id}


def test_an_unreviewed_catalogue_says_so_and_a_reviewed_one_names_who() -> None:
    assert i18n.catalogue_status("es") == i18n.NOT_REVIEWED
    assert not i18n.is_reviewed("es")
    with i18n.use_language("es"):
        assert language.translation_note() == (
            "Traducción aún no revisada por un traductor calificado. No es una traducción "
            "oficial: el informe en inglés es el original."
        )
    assert language.translation_note("en") == ""


def test_a_reviewed_catalogue_is_reported_with_who_and_when(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    text = i18n.catalogue_path("es").read_text(encoding="utf-8")
    text = text.replace(
        "# Review-Status: not reviewed by a qualified translator\n# Reviewed-By:\n# Reviewed-On:\n",
        "# Review-Status: reviewed\n# Reviewed-By: A. Translator (ATA certified)\n"
        "# Reviewed-On: 2027-01-15\n",
    )
    (folder / "esj_review.po").write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n.is_reviewed("xx")
    assert i18n.catalogue_status("xx") == "reviewed (A. Translator (ATA certified), 2027-01-15)"


def test_a_message_missing_from_the_catalogue_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalogue = i18n.translations("es")
    assert isinstance(catalogue, gettext.GNUTranslations)
    trimmed = dict(catalogue._catalog)  # type: ignore[attr-defined]
    del trimmed["Mitigations"]
    monkeypatch.setattr(catalogue, "_catalog", trimmed)
    with i18n.use_language("es"):
        assert i18n._("Mitigations") == "Mitigations"
        assert i18n._("Who is affected and how") == "A quién afecta y cómo"
        assert i18n._("a text no catalogue has") == "a text no catalogue has"
    with i18n.use_language("xx"):  # a language with no catalogue at all
        assert i18n._("Who is affected and how") == "Who is affected and how"


def test_a_missing_message_shows_in_english_in_the_spanish_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalogue = i18n.translations("es")
    trimmed = dict(catalogue._catalog)  # type: ignore[attr-defined]
    del trimmed["Mitigations"]
    monkeypatch.setattr(catalogue, "_catalog", trimmed)
    path = EXAMPLES / "reduced-fare-transit.yaml"
    review = load_review(path)
    html = render_report(rubric_for(review, path), review, "html", lang="es").decode()
    assert "<h2>Mitigations</h2>" in html
    assert "<h2>A quién afecta y cómo</h2>" in html


def test_an_unknown_language_is_a_usage_error_naming_those_there_are() -> None:
    path = EXAMPLES / "reduced-fare-transit.yaml"
    review = load_review(path)
    with pytest.raises(UsageError, match=r"'tlh'.*en, es") as raised:
        render_report(rubric_for(review, path), review, "html", lang="tlh")
    assert raised.value.exit_code == 2


# --- formats ------------------------------------------------------------------------------


def test_spanish_money_numbers_and_dates() -> None:
    with i18n.use_language("es"):
        assert i18n.money(4_200_000) == "$4,200,000"
        assert i18n.money(-1_300_000) == "-$1,300,000"
        assert i18n.number(88.9) == "88.9"
        assert i18n.percent(93.3) == "93.3%"
        assert i18n.long_date(dt.date(2027, 6, 30)) == "30 de junio de 2027"
        assert i18n.join_and(["vivienda", "salud", "empleo"]) == "vivienda, salud y empleo"
        assert i18n.ngettext("%(num)d flag", "%(num)d flags", 1) % {"num": 1} == "1 alerta"
    with i18n.use_language("en"):  # English: the report's formats as they always were
        assert i18n.money(4_200_000) == "$4,200,000"
        assert i18n.long_date(dt.date(2027, 6, 30)) == "2027-06-30"
        assert i18n.percent(93.3) == "93.3%"


# --- the Spanish report of every bundled example ------------------------------------------


@pytest.mark.parametrize("name", [p.stem for p in BUNDLED])
def test_no_english_fixed_text_remains_in_spanish(spanish: dict[str, Path], name: str) -> None:
    text = _flat("\n".join(_text(spanish[name])))
    left = [f for f in _english_fragments() if f in text]
    assert left == [], f"{name}: English left: {left}"


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_no_english_fixed_text_in_spanish_markdown_or_html(path: Path, fmt: str) -> None:
    review = load_review(path)
    text = render_report(rubric_for(review, path), review, fmt, lang="es").decode()
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.DOTALL)  # (its comments are English)
    text = _flat(re.sub(r"<[^>]+>|\\(?=\|)|[*`]", "", text))  # the words, not the markup
    left = [f for f in _english_fragments() if f in text]
    assert left == [], f"{path.stem}.{fmt}: English left: {left}"


@pytest.mark.parametrize("name", [p.stem for p in BUNDLED])
def test_the_spanish_pdf_says_its_language_and_is_pdfa_3b(
    spanish: dict[str, Path], name: str
) -> None:
    with pikepdf.open(spanish[name]) as pdf:
        assert str(pdf.Root.Lang) == "es"
        meta = pdf.open_metadata()
        assert "es" in meta.get("dc:language", set())
        assert "Declaración de impacto en la equidad" in str(pdf.docinfo.get("/Title", ""))
        assert "revisión del impacto en la equidad" in str(pdf.docinfo.get("/Keywords", ""))
    report = pdfa.validate_written(spanish[name], "3b")
    assert report.passed, report.summary(5)


@pytest.mark.parametrize("name", [p.stem for p in BUNDLED])
def test_the_spanish_statement_still_fits_page_1(spanish: dict[str, Path], name: str) -> None:
    pages = _text(spanish[name])
    assert "1. DECLARACIÓN DE IMPACTO EN LA EQUIDAD" in pages[0].upper()
    assert "Generado el 2026-11-29 por esj-review" in _flat(pages[0])  # its last paragraph
    assert "2. Puntuación" not in pages[0]
    assert pages[1].split("\n", 2)[1].startswith("2. Puntuación")  # after the running header


def test_the_method_page_says_the_translation_is_not_reviewed(spanish: dict[str, Path]) -> None:
    text = _flat("\n".join(_text(spanish["reduced-fare-transit"])))
    assert "Traducción aún no revisada por un traductor calificado" in text
    assert "No es una traducción oficial" in text
    assert "Traducción no revisada, no oficial" in text  # in every page's footer


def test_spanish_money_and_dates_in_the_report(spanish: dict[str, Path]) -> None:
    page_1 = _flat(_text(spanish["reduced-fare-transit"])[0])
    assert re.search(r"Monto ?\$4,200,000", page_1)  # (a fact's label and value touch)
    assert "15 de septiembre de 2026" in page_1  # the decision date, in words
    assert "Página 1 de" in page_1


def test_answers_stay_as_written_with_their_language(spanish: dict[str, Path]) -> None:
    path = EXAMPLES / "reduced-fare-transit.yaml"
    review = load_review(path)
    html = render_report(rubric_for(review, path), review, "html", lang="es").decode()
    assert html.startswith('<!DOCTYPE html>\n<html lang="es">')
    assert review.proposal.title in html  # the analyst's English title, untranslated
    text = _flat("\n".join(_text(spanish["reduced-fare-transit"])))
    assert "Raises the income limit for the reduced transit fare" in text


def test_english_is_unchanged_by_the_language_machinery() -> None:
    """`lang="en"` and no language give the same bytes (the goldens check the words)."""
    path = EXAMPLES / "reduced-fare-transit.yaml"
    review = load_review(path)
    rubric = rubric_for(review, path)
    plain = render_report(rubric, review, "html", generated=DATE)
    assert render_report(rubric, review, "html", generated=DATE, lang="en") == plain
    assert b'<html lang="en">' in plain


def test_a_spanish_report_leaves_english_as_it_was_afterwards() -> None:
    path = EXAMPLES / "reduced-fare-transit.yaml"
    review = load_review(path)
    rubric = rubric_for(review, path)
    before = render_report(rubric, review, "html", generated=DATE)
    render_report(rubric, review, "html", generated=DATE, lang="es")
    assert render_report(rubric, review, "html", generated=DATE) == before
    assert i18n.current_language() == "en"


def test_the_wheel_carries_the_catalogues(tmp_path: Path) -> None:
    """hatch's `packages = ["esj_review"]` takes every file under it: the .po and .pot."""
    import zipfile

    hatchling = pytest.importorskip("hatchling.builders.wheel")
    root = Path(__file__).resolve().parent.parent
    builder = hatchling.WheelBuilder(str(root))
    wheel = next(iter(builder.build(directory=str(tmp_path), versions=["standard"])))
    names = zipfile.ZipFile(wheel).namelist()
    assert "esj_review/locale/es/LC_MESSAGES/esj_review.po" in names
    assert "esj_review/locale/esj_review.pot" in names
    assert not any(n.endswith(".mo") for n in names)


def test_no_compiled_catalogue_is_kept() -> None:
    """No .mo is committed: the catalogue is compiled in memory when first used."""
    assert not list(i18n.LOCALE_DIR.rglob("*.mo"))


def test_the_ledger_rules_are_worded_in_spanish() -> None:
    """The ledger's rules and the impact arithmetic: the engine's words in Spanish, the
    answers by their short labels, the numbers unchanged."""
    path = EXAMPLES / "capital-facility-siting.yaml"
    review = load_review(path)
    html = render_report(rubric_for(review, path), review, "html", lang="es").decode()
    assert "tamaño moderado 2 × proporción prioritaria" in html
    assert "por lo tanto × (1 - 0.15 mitigado) = -1.7" in html
    assert "esta opción obtiene" in html
    for english in ("priority share", "this choice scores", " mitigated)"):
        assert english not in html


@pytest.mark.parametrize("lang", ["vi", "zh-Hant"])
def test_amounts_read_as_on_a_us_bill_and_dates_in_the_language(lang: str) -> None:
    with i18n.use_language(lang):
        assert i18n.money(4_200_000) == "$4,200,000" and i18n.number(88.9) == "88.9"
        assert i18n.percent(93.3) == "93.3%"
        day = i18n.long_date(dt.date(2027, 6, 30))
    assert day == {"vi": "30 tháng 6, 2027", "zh-Hant": "2027年6月30日"}[lang]


@pytest.mark.parametrize("lang", ["zh-Hant", "vi"])
def test_a_report_in_chinese_or_vietnamese_is_set_in_its_own_faces(
    lang: str, tmp_path: Path
) -> None:
    """Every glyph of a Traditional Chinese report (chart, footers, dates and choice words
    included) is in the Traditional face, none in the Simplified or Japanese one that a font
    fallback would pick; a Vietnamese one needs no CJK face. Both stay PDF/A-3b with their
    language as the document's."""
    path = data_dir("examples") / "reduced-fare-transit.yaml"
    review = load_review(path)
    pdf = tmp_path / f"r.{lang}.pdf"
    pdf.write_bytes(
        render_report(rubric_for(review, path), review, "pdf", "archival", DATE, lang=lang)
    )
    with pdfplumber.open(pdf) as doc:
        letters = {  # the faces letters are drawn in (a symbol such as ▶ may come from any)
            (c["fontname"].split("+")[-1], c["text"])
            for page in doc.pages
            for c in page.chars
            if c["text"].isalpha()
        }
        text = "".join(page.extract_text() or "" for page in doc.pages[:2])
    cjk = {face for face, _ in letters if "CJK" in face}
    if lang == "zh-Hant":
        assert cjk and all("CJK-TC" in face for face in cjk), cjk
        assert "公平影響聲明" in text and "未經審閱的譯文" in text
    else:
        assert not cjk and "công bằng" in text.lower()
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == lang
    assert pdfa.validate_written(pdf, "3b").violations == ()


@pytest.mark.parametrize(
    ("title", "lang", "face"),
    [
        ("저소득 가구 대중교통 요금 할인 확대", "en", "CJK-KR"),
        ("저소득 가구 요금 할인", "zh-Hant", "CJK-KR"),
        ("擴大低收入家庭的公共交通優惠", "en", "CJK-TC"),
    ],
)
def test_the_running_header_is_set_in_the_titles_face(
    title: str, lang: str, face: str, tmp_path: Path
) -> None:
    """The running header shows the title, which no `lang` reaches: a CJK title gets its own
    face there, whatever the report's language (whose face the other margins get)."""
    path = data_dir("examples") / "reduced-fare-transit.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["proposal"]["title"] = title
    review = parse_review(data, "t.yaml")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(
        render_report(rubric_for(review, path), review, "pdf", "archival", DATE, lang=lang)
    )
    with pdfplumber.open(pdf) as doc:
        header = [c for c in doc.pages[2].chars if c["top"] < 60 and ord(c["text"]) > 0x2E80]
    assert header and {c["fontname"].split("+")[-1].replace("Noto-Sans-", "") for c in header} == {
        face
    }


@pytest.mark.parametrize("lang", ["es", "vi", "zh-Hant"])
def test_the_ledger_names_each_impact_side_in_the_language(lang: str) -> None:
    """The impact lines' answer cell ("Benefit", "Burden") in the rubric's translated words."""
    path = data_dir("examples") / "reduced-fare-transit.yaml"
    review = load_review(path)
    page = render_report(rubric_for(review, path), review, "html", lang=lang).decode()
    cells = re.findall(r'<td><span class="user"[^>]*>([^<]*)</span></td><td class="num">[+-]', page)
    assert cells and not {"Benefit", "Burden"} & set(cells), cells


def test_an_edited_translation_or_catalogue_renders_the_batch_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The batch cache keys each report language with its translation's and catalogue's
    digests (the rubric's hash stays the English one); English alone keys as before."""
    from esj_review.batch import worker
    from esj_review.core import translations
    from esj_review.core.rubrics import load_rubric

    kc = load_rubric("king-county-esj")
    assert worker._language_keys(kc, ("en",)) == ("en",)
    before = worker._language_keys(kc, ("es", "en"))
    assert (
        before[1] == "en"
        and before[0].startswith("es:")
        and before == worker._language_keys(kc, ("es", "en"))
    )
    monkeypatch.setattr(i18n, "catalogue_digest", lambda lang: "0" * 64)
    edited_catalogue = worker._language_keys(kc, ("es", "en"))
    monkeypatch.setattr(translations, "translation_digest", lambda rubric, lang: "1" * 64)
    edited_translation = worker._language_keys(kc, ("es", "en"))
    assert len({before, edited_catalogue, edited_translation}) == 3
