"""User text in many scripts, as a reader sees it: the language of each answer, right-to-left
paragraphs, the right CJK face, Korean words kept whole.

The PDF checks read what was drawn (pdfplumber's characters and their positions, pikepdf's
font names); the HTML checks parse the report's HTML.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
import tinyhtml5
import yaml

from esj_review.core.review import Review, parse_review
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import score
from esj_review.report.context import Shown, build_context
from esj_review.report.render import render_html, render_report
from esj_review.report.text import RTL, chinese_variant, dir_of, lang_of, runs_of
from tests.conftest import EXAMPLES

DATE = dt.date(2026, 11, 29)
NS = "{http://www.w3.org/1999/xhtml}"
MACROS = Path(__file__).parent.parent / "esj_review" / "report" / "templates" / "_macros.html.j2"

SPANISH = (
    "El programa amplía la tarifa reducida a los hogares con ingresos de hasta el doble del "
    "nivel federal de pobreza, y la inscripción será automática en las clínicas del condado."
)
VIETNAMESE = (
    "Chương trình mở rộng giá vé giảm cho các hộ gia đình có thu nhập thấp, và việc đăng ký "
    "sẽ được thực hiện tự động tại các phòng khám của quận."
)
SOMALI = (
    "Barnaamijku wuxuu u fidinayaa qiimaha dhimman qoysaska dakhligoodu hooseeyo, "
    "diiwaangelintuna waxay si toos ah uga dhici doontaa rugaha caafimaadka ee degmada."
)
ARABIC = (
    "يوسع البرنامج الأجرة المخفضة لتشمل الأسر التي يصل دخلها إلى ضعف مستوى الفقر الفيدرالي، "
    "وسيتم التسجيل تلقائيا في عيادات المقاطعة ومكاتب الخدمات الاجتماعية. "
    "وقد تحدثنا مع السكان في ثلاثة اجتماعات عامة، وطلبوا أن يكون التسجيل بسيطا وبلغتهم. "
    "وسنقيس عدد الرحلات والتسجيل حسب اللغة والدخل والحي كل ستة أشهر، ونعرض النتائج على المجلس."
)
KOREAN = " ".join(
    [
        "이 프로그램은 저소득 가정의 대중교통 요금을 절반으로 줄이고, 지역 주민들이",
        "일자리와 학교와 병원에 더 쉽게 다닐 수 있도록 돕습니다. 우리는 세 번의",
        "공청회에서 주민들과 이야기를 나누었고, 주민들은 자동 등록과 여러 언어로 된",
        "안내를 요청했습니다. 등록과 이용 횟수는 언어, 소득, 지역별로 여섯 달마다",
        "측정하여 의회에 보고합니다.",
    ]
    * 3
)
TRADITIONAL_TITLE = "擴大減價車費計劃：為低收入家庭降低公共交通票價"
SIMPLIFIED_TITLE = "扩大减价车费计划：为低收入家庭降低公共交通票价"


def _review(title: str, answers: dict[str, Any], lang: dict[str, str] | None = None) -> Review:
    data = yaml.safe_load((EXAMPLES / "reduced-fare-transit.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["proposal"]["title"] = title
    data["answers"].update(answers)
    if lang:
        data.setdefault("meta", {})["lang"] = lang
    return parse_review(data, Path("scripts.yaml"))


MULTILINGUAL = {
    "summary": SPANISH,
    "desired_results": VIETNAMESE,
    "engaged_who": SOMALI,
    "history": ARABIC,
    "root_causes": KOREAN,
    "alternatives": "Yes",
}


@pytest.fixture(scope="module")
def rubric() -> Any:
    return load_rubric("king-county-esj")


@pytest.fixture(scope="module")
def html(rubric: Any) -> Any:
    review = _review(TRADITIONAL_TITLE, MULTILINGUAL)
    return tinyhtml5.parse(render_html(build_context(rubric, review, score(rubric, review), DATE)))


@pytest.fixture(scope="module")
def traditional_pdf(rubric: Any) -> bytes:
    return render_report(rubric, _review(TRADITIONAL_TITLE, MULTILINGUAL), "pdf", "archival", DATE)


# --- the language of a value -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (SPANISH, "es"),
        (VIETNAMESE, "vi"),
        (SOMALI, "so"),
        (ARABIC, "ar"),
        (KOREAN, "ko"),
        ("Binabawasan ng programa ang pamasahe para sa mga pamilyang mababa ang kita.", "tl"),
        ("Программа снижает стоимость проезда для семей с низким доходом.", "ru"),
        ("Програма знижує вартість проїзду для сімей з низьким доходом.", "uk"),
        ("این برنامه کرایه حمل و نقل را برای خانواده‌های کم‌درآمد کاهش می‌دهد.", "fa"),
        ("ፕሮግራሙ ዝቅተኛ ገቢ ላላቸው ቤተሰቦች የትራንስፖርት ዋጋን ይቀንሳል።", "am"),
        ("ਇਹ ਪ੍ਰੋਗਰਾਮ ਘੱਟ ਆਮਦਨ ਵਾਲੇ ਪਰਿਵਾਰਾਂ ਲਈ ਕਿਰਾਇਆ ਘਟਾਉਂਦਾ ਹੈ।", "pa"),
        ("このプログラムは低所得世帯の運賃を引き下げます。", "ja"),
        (TRADITIONAL_TITLE, "zh-Hant"),
        (SIMPLIFIED_TITLE, "zh-Hans"),
        ("نعم", "ar"),  # short, but the script says it
    ],
)
def test_language_of_a_value(text: str, lang: str) -> None:
    assert lang_of(text) == lang


@pytest.mark.parametrize(
    "text",
    [
        "Yes",
        "No",
        "EX-TRANSIT-2027-01",
        "4,200,000",
        "2027-01-01",
        "Tarifa reducida",  # Spanish, but too short to be sure
        "King County Metro",
        "Transit Department (example)",
        "Raises the income limit for the reduced transit fare from 135% to 200% of the federal "
        "poverty level and enrolls riders automatically at county clinics.",
        "A paid community panel of 18 riders chosen with six community organizations.",
        "",
        "   ",
    ],
)
def test_short_english_and_id_values_are_not_tagged(text: str) -> None:
    assert lang_of(text) is None


def test_traditional_or_simplified_is_decided_over_the_whole_text() -> None:
    # None of these characters is in the old 44-character sample; only the last one of the
    # long text tells the two systems apart.
    assert chinese_variant("擴大減價車費計劃") == "zh-Hant"
    assert chinese_variant("扩大减价车费计划") == "zh-Hans"
    assert chinese_variant("公共" * 500 + "車") == "zh-Hant"
    assert chinese_variant("公共" * 500 + "车") == "zh-Hans"
    assert chinese_variant("公共交通") == "zh"  # every character is common to both
    # A simplified name quoted in a traditional text: the text's system wins.
    assert chinese_variant("為低收入家庭降低公共交通票價（计划）") == "zh-Hant"


def test_direction_of_a_language() -> None:
    assert [dir_of(t) for t in ("ar", "fa", "ur", "he", "ps")] == ["rtl"] * 5
    assert [dir_of(t) for t in (None, "en", "es", "zh-Hant", "ko", "am")] == ["ltr"] * 6


def test_the_macro_knows_the_same_right_to_left_languages() -> None:
    listed = re.search(r"set rtl_langs = \[(.*?)\]", MACROS.read_text(encoding="utf-8"))
    assert listed is not None
    assert set(re.findall(r'"([a-z]+)"', listed.group(1))) == RTL


def test_runs_keep_korean_words_whole_and_tag_cjk_inside_other_text() -> None:
    runs = runs_of("이 프로그램은  저소득", "ko")
    assert [(r.text, r.keep) for r in runs] == [
        ("이", True),
        (" ", False),
        ("프로그램은", True),
        ("  ", False),
        ("저소득", True),
    ]
    mixed = runs_of("Reduced fare 減價車費 (2027)", None)
    assert [(r.text, r.lang) for r in mixed] == [
        ("Reduced fare ", None),
        ("減價車費", "zh-Hant"),
        (" (2027)", None),
    ]
    assert runs_of("Plain English", None)[0].text == "Plain English"


def test_meta_lang_wins_over_the_guess() -> None:
    assert Shown.of(SPANISH).lang == "es"
    assert Shown.of(SPANISH, lang="pt").lang == "pt"
    assert Shown.of("Tarifa reducida", lang="es").lang == "es"
    shown = Shown.of("Yes", lang="ar")
    assert (shown.lang, shown.dir) == ("ar", "rtl")


def test_meta_lang_in_the_review_wins_in_the_report(rubric: Any) -> None:
    review = _review(
        "Reduced fare",
        {"summary": SPANISH, "history": "Tarifa reducida para todos"},
        lang={"answers.summary": "pt", "answers.history": "es"},
    )
    root = tinyhtml5.parse(render_html(build_context(rubric, review, score(rubric, review), DATE)))
    langs = _langs_of(root)
    assert langs[SPANISH] == {"pt"}
    assert langs["Tarifa reducida para todos"] == {"es"}


# --- the HTML ----------------------------------------------------------------------------


def _user_spans(root: Any) -> list[Any]:
    return [e for e in root.iter(f"{NS}span") if "user" in (e.get("class") or "").split()]


def _langs_of(root: Any) -> dict[str, set[str | None]]:
    """Each user value's text (whitespace collapsed) and the lang attributes it is shown with."""
    out: dict[str, set[str | None]] = {}
    for span in _user_spans(root):
        text = " ".join("".join(span.itertext()).split())
        out.setdefault(text, set()).add(span.get("lang"))
    return out


def _norm(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split())


def test_each_answer_carries_its_language(html: Any) -> None:
    langs = {_norm(k): v for k, v in _langs_of(html).items()}
    expected = {SPANISH: "es", VIETNAMESE: "vi", SOMALI: "so", ARABIC: "ar", KOREAN: "ko"}
    for text, lang in expected.items():
        # The answer whole in section 4, and its first part on page 1 when it is shown there.
        shown = [v for k, v in langs.items() if k[:40] == _norm(text)[:40]]
        assert shown and all(v == {lang} for v in shown), (lang, shown)
    assert langs[TRADITIONAL_TITLE] == {"zh-Hant"}


def test_every_value_says_its_direction(html: Any) -> None:
    spans = _user_spans(html)
    assert spans and all(s.get("dir") in ("ltr", "rtl") for s in spans)
    for span in spans:
        assert (span.get("dir") == "rtl") == (span.get("lang") == "ar"), span.get("lang")


def test_english_and_short_values_have_no_lang(html: Any) -> None:
    langs = _langs_of(html)
    assert langs["Yes"] == {None}
    assert langs["EX-TRANSIT-2027-01"] == {None}
    assert langs["Transit Department (example)"] == {None}


def test_korean_words_are_kept_whole_in_the_html(html: Any) -> None:
    (span,) = [s for s in _user_spans(html) if s.get("lang") == "ko"][:1]
    kept = [e.text for e in span.iter(f"{NS}span") if e.get("class") == "keep"]
    assert kept[:3] == ["이", "프로그램은", "저소득"]
    assert all(" " not in word for word in kept)


# --- the PDF -----------------------------------------------------------------------------


def _is_arabic(ch: str) -> bool:
    code = ord(ch[0])
    return 0x0600 <= code <= 0x06FF or 0xFB50 <= code <= 0xFEFF


def _lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into lines by their baseline, top to bottom, each left to right."""
    rows: dict[int, list[dict[str, Any]]] = {}
    for ch in chars:
        rows.setdefault(round(ch["bottom"]), []).append(ch)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


def test_an_arabic_paragraph_is_right_aligned_with_its_full_stop_at_the_left(
    traditional_pdf: bytes,
) -> None:
    with pdfplumber.open(io.BytesIO(traditional_pdf)) as pdf:
        pages = [p for p in pdf.pages if sum(_is_arabic(c["text"]) for c in p.chars) > 100]
        assert pages, "the Arabic answer is not in the PDF"
        page = pages[0]
        lines = [line for line in _lines(page.chars) if any(_is_arabic(c["text"]) for c in line)]
        # The Arabic characters of each line, and what the line holds right of the cell's edge.
        arabic = [[c for c in line if _is_arabic(c["text"]) or c["text"] in ".،"] for line in lines]
    assert len(arabic) >= 3, "the paragraph should run to several lines"
    rights = [max(c["x1"] for c in line) for line in arabic]
    lefts = [min(c["x0"] for c in line) for line in arabic]
    # Every line ends at the same right edge (right-aligned) …
    assert max(rights) - min(rights) < 2, rights
    # … and starts where its words run out (ragged left): the last line is short.
    assert lefts[-1] - min(lefts) > 20, lefts
    # The closing full stop is drawn at the left end of the last line.
    last = arabic[-1]
    stop = [c for c in last if c["text"] == "."]
    assert stop and stop[-1]["x0"] - min(c["x0"] for c in last) < 2


def _fonts(pdf_bytes: bytes) -> set[str]:
    names: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            resources: Any = page.obj.get("/Resources")
            fonts: Any = resources.get("/Font") if resources is not None else None
            for _, font in (fonts or {}).items():
                names.add(str(font.get("/BaseFont", "")))
    return names


def test_a_traditional_title_is_set_in_the_tc_face(traditional_pdf: bytes) -> None:
    fonts = _fonts(traditional_pdf)
    assert any(re.search(r"CJK-?TC", name) for name in fonts), fonts


def test_a_simplified_title_is_set_in_the_sc_face(rubric: Any) -> None:
    pdf = render_report(rubric, _review(SIMPLIFIED_TITLE, {}), "pdf", "archival", DATE)
    fonts = _fonts(pdf)
    assert any(re.search(r"CJK-?SC", name) for name in fonts), fonts
    assert not any(re.search(r"CJK-?(TC|JP)", name) for name in fonts), fonts


def _is_hangul(ch: str) -> bool:
    return len(ch) == 1 and 0xAC00 <= ord(ch) <= 0xD7AF


def test_korean_never_breaks_inside_a_word(traditional_pdf: bytes) -> None:
    lines: list[str] = []
    with pdfplumber.open(io.BytesIO(traditional_pdf)) as pdf:
        for page in pdf.pages:
            for line in _lines(page.chars):
                hangul = "".join(c["text"] for c in line if _is_hangul(c["text"]))
                if hangul:
                    lines.append(hangul)
    source = KOREAN
    syllables = "".join(ch for ch in source if _is_hangul(ch))
    assert "".join(lines) == syllables, "the Korean answer should be drawn once, whole"
    assert len(lines) >= 4
    # Where each line ends in the source: the next character must not be a syllable.
    index = [i for i, ch in enumerate(source) if _is_hangul(ch)]
    end = 0
    for drawn in lines[:-1]:
        end += len(drawn)
        after = source[index[end - 1] + 1]
        assert not _is_hangul(after), f"a line breaks inside a word after {drawn[-6:]!r}"


def test_page_1_keeps_korean_words_whole_and_arabic_right_to_left(rubric: Any) -> None:
    review = _review("Reduced fare", {"summary": KOREAN})
    root = tinyhtml5.parse(render_html(build_context(rubric, review, score(rubric, review), DATE)))
    statement = next(s for s in root.iter(f"{NS}section") if s.get("id") == "statement")
    spans = _user_spans(statement)
    korean = next(s for s in spans if s.get("lang") == "ko")
    words = [w.text for w in korean.iter(f"{NS}span") if "keep" in (w.get("class") or "")]
    assert all(w and w.rstrip(".,…") in KOREAN for w in words)
    assert len(words) >= 5
    review = _review("Reduced fare", {"summary": ARABIC})
    root = tinyhtml5.parse(render_html(build_context(rubric, review, score(rubric, review), DATE)))
    statement = next(s for s in root.iter(f"{NS}section") if s.get("id") == "statement")
    arabic = next(s for s in _user_spans(statement) if s.get("lang") == "ar")
    assert arabic.get("dir") == "rtl"


def test_the_running_header_sets_a_traditional_title_in_the_tc_face(traditional_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(traditional_pdf)) as pdf:
        for page in pdf.pages[1:3]:  # the header on pages after the first
            faces = {c["fontname"].split("+")[-1] for c in page.chars if c["top"] < 60}
            han = {
                c["fontname"].split("+")[-1]
                for c in page.chars
                if c["top"] < 60 and 0x4E00 <= ord(c["text"][0]) <= 0x9FFF
            }
            assert han and all("CJK-TC" in f for f in han), faces
