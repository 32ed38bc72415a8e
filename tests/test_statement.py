"""Page 1, the Equity Impact Statement: it always ends on page 1, never below the type floor,
and carries what a reader looks for first.

Large reviews are generated from the rubric itself: every determinant touched with benefits
and burdens, every population named, as many flags as the rubric can raise at once, long
narratives in several scripts, and (in the incomplete ones) many gaps. Each is rendered to a
PDF and read back with pdfplumber.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import tinyhtml5

from esj_review.batch.sheets import dictionary_rows, row_to_review
from esj_review.core.columns import REVIEWER_COLUMNS, header_problems, sheet_columns
from esj_review.core.qtypes.multiselect import MultiselectQuestion
from esj_review.core.qtypes.number import NumberQuestion
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import Review, Reviewer, load_review, parse_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import score
from esj_review.interview.session import new_review, resume_review
from esj_review.report.context import build_context
from esj_review.report.fit import Pool, cut, lines, share
from esj_review.report.render import render_html, render_report
from tests.conftest import EXAMPLES
from tests.scripted import At, Scripted, flatten

DATE = dt.date(2026, 11, 29)
NS = "{http://www.w3.org/1999/xhtml}"
FLOOR = 10.0  # pt: the smallest type page 1 may use
TOP, BOTTOM = 0.85 * 72, 11 * 72 - 0.8 * 72  # the page's body, inside the margin boxes

SENTENCES = {
    "en": "Community members described long waits, missed appointments and costs they could "
    "not carry, and asked that the county measure who is reached before and after. ",
    "es": "Las familias describieron largas esperas y citas perdidas por el costo del "
    "transporte, y pidieron información en su idioma. ",
    "vi": "Các gia đình cho biết họ phải chờ đợi lâu và bỏ lỡ các cuộc hẹn vì chi phí đi lại. ",
    "zh": "居民表示，交通费用使他们错过了工作和医疗预约，并希望县政府用他们的语言提供信息。",
    "ko": "주민들은 교통비 때문에 일자리와 진료 예약을 놓쳤다고 말했으며 "
    "자신의 언어로 된 안내를 요청했습니다. ",
    "ar": "قال السكان إن تكاليف النقل جعلتهم يفوتون مواعيد العمل والرعاية الصحية، "
    "وطلبوا معلومات بلغتهم. ",
    "am": "ነዋሪዎች የትራንስፖርት ወጪ ሥራና የሕክምና ቀጠሮ እንዲያመልጣቸው አድርጓል ብለዋል፤ በቋንቋቸው መረጃ ጠይቀዋል። ",
    "ru": "Жители сообщили, что из-за стоимости проезда они пропускали работу и приёмы у врача. ",
    "so": "Dadka degaanka ayaa sheegay in kharashka gaadiidku ka dhigay inay seegaan shaqada "
    "iyo ballamaha caafimaadka. ",
}

# Answers that raise as many of the rubric's flags as can stand together.
FLAGGING = {
    "engagement_level": "collaborate",  # claimed, but late and without a role: adjusted
    "engagement_timing": "late",
    "community_role": "informed",
    "language_access": "english_only",
    "data_disaggregated": ["income", "language"],  # no race
    "funding_status": "unfunded",
    "report_back": "none",
    "community_compensated": False,
    "geography": "specific_places",
    "amount": -1_300_000,
}
IMPACT: list[dict[str, Any]] = [  # cycled over the determinants: every firmness of burden
    {"direction": "mixed", "burden_size": "large", "mitigation_status": "none"},
    {"direction": "mixed", "burden_size": "large", "mitigation_status": "partial"},
    {"direction": "burden", "burden_size": "moderate", "mitigation_status": "planned"},
    {"direction": "mixed", "burden_size": "small", "mitigation": None},
]


def narrative(rng: random.Random, langs: list[str], size: int) -> str:
    """A long answer of about `size` characters, its sentences drawn from `langs`."""
    out = ""
    while len(out) < size:
        out += SENTENCES[rng.choice(langs)]
        if rng.random() < 0.15:
            out += "\n\n"
    return out.strip()


def large_review(rubric: Rubric, langs: list[str], *, complete: bool, seed: int) -> Review:
    """A review that touches everything the rubric has, with long answers in `langs`."""
    rng = random.Random(seed)
    enabled = rubric.every_item()
    answers: dict[str, Any] = {}
    for _, q in rubric.iter_questions():
        if isinstance(q, RepeatQuestion):
            continue
        if q.id in FLAGGING:
            answers[q.id] = FLAGGING[q.id]
        elif q.type == "text":
            answers[q.id] = narrative(rng, langs, rng.choice([1500, 3000, 6000]))
        elif isinstance(q, MultiselectQuestion):
            answers[q.id] = [c.id for c in rubric.choices_for(q, enabled)]
        elif q.type in {"select", "scale"}:
            answers[q.id] = rubric.choices_for(q, enabled)[-1].id
        elif isinstance(q, NumberQuestion):
            answers[q.id] = int(q.min if q.min is not None else 0) + 1
        elif q.type == "date":
            answers[q.id] = "2027-06-30"
        elif q.type == "bool":
            answers[q.id] = rng.random() < 0.5
    for _, q in rubric.iter_questions():
        if not isinstance(q, RepeatQuestion):
            continue
        items = {}
        for n, key in enumerate(answers.get(q.over or "", [])):
            item: dict[str, Any] = {}
            for sub in q.questions:
                if sub.type == "text":
                    item[sub.id] = narrative(rng, langs, rng.choice([400, 2500]))
                elif isinstance(sub, MultiselectQuestion):
                    item[sub.id] = [c.id for c in rubric.choices_for(sub, enabled)]
                elif sub.type in {"select", "scale"}:
                    item[sub.id] = rubric.choices_for(sub, enabled)[0].id
                elif sub.type == "date":
                    item[sub.id] = "2027-09-30"
            item.update({"benefit_size": "large", "burden_bearers": "priority"})
            item.update(IMPACT[n % len(IMPACT)])
            items[key] = {k: v for k, v in item.items() if v is not None}
        answers[q.id] = items
    if not complete:  # every other required question left blank: many gaps
        keep = {rubric.report.populations, rubric.report.impacts and rubric.report.impacts.repeat}
        keep |= {q.over for _, q in rubric.iter_questions() if isinstance(q, RepeatQuestion)}
        required = [q.id for _, q in rubric.iter_questions() if q.required and q.id not in keep]
        for qid in required[::2]:
            answers.pop(qid, None)
    data = {
        "format": "esj-review/1",
        "rubric": {"id": rubric.id, "version": rubric.version, "enable": sorted(enabled)},
        "proposal": {
            "id": f"GEN-{seed:04d}-" + "X" * 40,
            "title": narrative(rng, langs, 400)[:300],
            "kind": rubric.proposal_kinds[-1].id,
            "department": narrative(rng, langs, 300)[:200],
        },
        "answers": answers,
        "meta": {
            "reviewer": {
                "name": narrative(rng, langs, 300)[:200],
                "role": "Senior equity analyst, " + "Office of Budget " * 8,
                "contact": "equity.analyst@example.gov, +1 206 555 0100 " * 3,
            }
        },
    }
    return parse_review(data, "generated.yaml")


def pdf_of(rubric: Rubric, review: Review) -> Any:
    return pdfplumber.open(io.BytesIO(render_report(rubric, review, "pdf", "archival", DATE)))


def body(page: Any) -> Any:
    """A page without its running header and footer."""
    return page.crop((0, TOP, page.width, BOTTOM))


def flat(text: str) -> str:
    return " ".join(text.split())


def squashed(text: str) -> str:
    """Text without any space: pdfplumber drops some between a bold word and the next."""
    return "".join(text.split())


def assert_statement_is_page_one(rubric: Rubric, review: Review) -> str:
    """The checks every review must pass; returns page 1's text."""
    with pdf_of(rubric, review) as pdf:
        first, second = body(pdf.pages[0]), body(pdf.pages[1])
        text = squashed(first.extract_text() or "")
        sizes = [c["size"] for c in first.chars]
        after = squashed(second.extract_text() or "")
    assert "1.EQUITYIMPACTSTATEMENT" in text
    assert "Preparedby:" in text
    assert squashed(rubric.publisher) in text  # "… not published or endorsed by …"
    assert squashed(rubric.score_note) in text
    assert after.startswith("2.Scorecard"), after[:200]  # nothing of page 1 spilled over
    assert min(sizes) >= FLOOR - 0.01, min(sizes)
    return text


# --- every bundled example ---------------------------------------------------------------


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*/*.yaml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_statement_is_page_one(path: Path) -> None:
    review = load_review(path)
    rubric = load_rubric(review.rubric.id)
    text = assert_statement_is_page_one(rubric, review)
    reviewer = review.meta.reviewer
    if reviewer is not None and reviewer.name:
        assert squashed(f"Prepared by: {reviewer.name}") in text


# --- generated large reviews -------------------------------------------------------------


LARGE = {
    "latin-complete": (["en", "es", "vi", "so"], True),
    "cjk-complete": (["zh", "ko", "en"], True),
    "rtl-ethiopic-incomplete": (["ar", "am", "ru", "en"], False),
    "all-scripts-incomplete": (list(SENTENCES), False),
}


@pytest.mark.parametrize("name", sorted(LARGE))
def test_a_large_review_statement_is_page_one(name: str, kc: Rubric) -> None:
    langs, complete = LARGE[name]
    review = large_review(kc, langs, complete=complete, seed=sorted(LARGE).index(name))
    card = score(kc, review)
    assert len(card.flags) >= 8 and (complete or len(card.gaps) >= 8)
    text = assert_statement_is_page_one(kc, review)
    assert "more" in text and "seesection" in text  # the budget left things out, and said so


def test_a_large_gare_review_statement_is_page_one(gare: Rubric) -> None:
    review = large_review(gare, ["en", "ar", "zh"], complete=False, seed=7)
    assert_statement_is_page_one(gare, review)


# --- what page 1 says ----------------------------------------------------------------------


def statement_of(rubric: Rubric, review: Review) -> Any:
    html = render_html(build_context(rubric, review, score(rubric, review), DATE))
    found = tinyhtml5.parse(html).find(f".//{NS}section[@id='statement']")
    assert found is not None
    return found


def text_of(element: Any) -> str:
    return flat("".join(element.itertext()))


def test_a_burden_without_a_mitigation_is_never_called_no_burden() -> None:
    """A rubric whose impact is not itemised and whose statement names no mitigation answer:
    the scored burden is enough to know there is one."""
    review = load_review(EXAMPLES / "budget-equity" / "evening-clinic-hours.yaml")
    shipped = load_rubric(review.rubric.id)
    report = shipped.report.model_copy(update={"mitigation": None, "burdens": None})
    rubric = shipped.model_copy(update={"report": report})
    assert any(e.component == "impact" and e.points < 0 for e in score(rubric, review).ledger)
    text = text_of(statement_of(rubric, review))
    assert "No burden was identified" not in text
    assert "No mitigation described." in text
    for key in ("burden_size", "burden_bearers", "pops_burdened", "burdens"):
        review.answers.pop(key, None)
    review.answers["burdens"] = "None."
    assert not any(e.points < 0 for e in score(rubric, review).ledger)
    text = text_of(statement_of(rubric, review))
    assert "No burden was identified, so no mitigation is needed." in text


def test_one_row_per_population_naming_its_determinants(kc: Rubric) -> None:
    review = load_review(EXAMPLES / "reduced-fare-transit.yaml")
    section = statement_of(kc, review)
    rows = section.findall(f".//{NS}table/{NS}tbody/{NS}tr")
    labels = [text_of(r.find(f"{NS}th")) for r in rows]
    assert len(labels) == len(set(labels))  # each population once
    assert labels[0] == "Black, Indigenous and people of color"
    low = text_of(rows[labels.index("People with low or no income")])
    assert "Access to safe and efficient transportation (large)" in low
    assert low.index("(large)") < low.index("(moderate)")  # largest first
    assert len(rows) >= 2  # a short review has room for more than one population


def test_headings_on_page_one_do_not_skip_a_level(kc: Rubric) -> None:
    section = statement_of(kc, load_review(EXAMPLES / "capital-facility-siting.yaml"))
    levels = [int(e.tag[-1]) for e in section.iter() if e.tag[-2:-1] == "h" and e.tag[-1].isdigit()]
    assert levels[0] == 1 and set(levels[1:]) == {2}


def test_facts_are_label_value_pairs(kc: Rubric) -> None:
    section = statement_of(kc, load_review(EXAMPLES / "budget-reduction.yaml"))
    facts = section.find(f".//{NS}dl[@class='facts']")
    assert facts is not None
    pairs = {
        text_of(d.find(f"{NS}dt")): text_of(d.find(f"{NS}dd")) for d in facts.findall(f"{NS}div")
    }
    assert pairs["Fiscal year"] == "2027"
    assert pairs["Amount"] == "-$1,300,000"


def test_engagement_accountability_and_preparer_are_on_page_one(kc: Rubric) -> None:
    review = load_review(EXAMPLES / "reduced-fare-transit.yaml")
    review.meta.reviewer = review.meta.reviewer.model_copy(  # type: ignore[union-attr]
        update={"role": "Equity analyst", "contact": "analyst@example.gov"}
    )
    text = text_of(statement_of(kc, review))
    assert "Level: Collaborate: communities shared in the decision." in text
    assert "Who: A paid community panel" in text
    assert "What changed because of it: The panel asked for automatic enrollment" in text
    assert "Owner: Transit Department, Fare Programs manager." in text
    assert "First results: 2027-12-15." in text and "Looked at again: 2028-03-31." in text
    assert "Prepared by: Example analyst · Equity analyst · analyst@example.gov" in text


def test_a_review_without_a_preparer_says_so(kc: Rubric) -> None:
    review = load_review(EXAMPLES / "reduced-fare-transit.yaml")
    review.meta.reviewer = None
    assert "Prepared by: not stated in the review" in text_of(statement_of(kc, review))


def test_left_out_items_link_to_their_section(kc: Rubric) -> None:
    review = large_review(kc, ["en"], complete=False, seed=3)
    section = statement_of(kc, review)
    links = {a.get("href") for a in section.iter(f"{NS}a")}
    assert {"#determinants", "#scorecard", "#answers"} <= links
    text = text_of(section)
    assert re.search(r"\d+ (more )?flags, see section 2", text)
    assert re.search(r"\d+ (more )?gaps, see section 4", text)


def test_flags_are_ordered_by_severity(kc: Rubric) -> None:
    review = large_review(kc, ["en"], complete=True, seed=4)
    section = statement_of(kc, review)
    shown = [
        s.get("class", "").removeprefix("flag-")
        for s in section.iter(f"{NS}span")
        if s.get("class", "").startswith("flag-")
    ]
    order = ["critical", "warning", "info"]
    assert shown and shown == sorted(shown, key=order.index)


# --- the budget ----------------------------------------------------------------------------


def test_cut_ends_at_a_word_with_an_ellipsis() -> None:
    text = "word " * 400
    head, was_cut = cut(text, 2)
    assert was_cut and head.endswith("word …") and lines(head) <= 2
    assert cut("short", 1) == ("short", False)


def test_share_keeps_floors_and_grows_in_turn() -> None:
    pools = [Pool("a", [10.0] * 5, 5), Pool("b", [10.0] * 5, 5), Pool("c", [10.0], 0)]
    assert share(50, pools) == {"a": 2, "b": 1, "c": 1}
    assert share(0, pools) == {"a": 1, "b": 1, "c": 1}  # the floors stand
    assert share(1000, pools) == {"a": 5, "b": 5, "c": 1}


# --- who prepared it: the interview and the batch sheet ------------------------------------


class _TTY:
    def isatty(self) -> bool:
        return True


def test_the_interview_asks_who_prepared_the_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, transit_data: dict[str, Any], kc: Rubric
) -> None:
    monkeypatch.setattr("sys.stdin", _TTY())
    answers = {
        "proposal.id": "EX-1",
        "proposal.title": "A proposal",
        "proposal.kind": "program",
        "rubric.enable.digital_equity": False,
        "meta.reviewer.name": "Jo Analyst",
        "meta.reviewer.contact": "  jo@example.gov ",
        **flatten(transit_data["answers"]),
    }
    prompter = Scripted(answers, ["default"] * 8 + [True])
    new_review(tmp_path / "r.yaml", None, None, prompter)
    saved = load_review(tmp_path / "r.yaml")
    assert saved.meta.reviewer == Reviewer(name="Jo Analyst", contact="jo@example.gov")
    assert prompter.asked.index("meta.reviewer.role") < prompter.asked.index("summary")
    text = text_of(statement_of(kc, saved))
    assert "Prepared by: Jo Analyst · jo@example.gov" in text


def test_a_blank_name_skips_the_preparer_and_the_menu_can_add_it_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, transit_data: dict[str, Any]
) -> None:
    monkeypatch.setattr("sys.stdin", _TTY())
    answers = {"proposal.id": "EX-1", "proposal.title": "A proposal", "proposal.kind": "program"}
    prompter = Scripted(answers, [At("Sections", ("quit", ""))])
    new_review(tmp_path / "r.yaml", "king-county-esj", None, prompter)
    asked = [p for p in prompter.asked if p.startswith("meta.")]
    assert asked == ["meta.reviewer.name"]  # no name: role and contact are not asked
    assert load_review(tmp_path / "r.yaml").meta.reviewer is None
    later = Scripted({"meta.reviewer.role": "Budget Office"}, [("reviewer", ""), ("quit", "")])
    monkeypatch.setattr("sys.stdin", _TTY())
    resume_review(tmp_path / "r.yaml", later)
    assert load_review(tmp_path / "r.yaml").meta.reviewer == Reviewer(role="Budget Office")


def test_an_answers_file_that_names_its_preparer_is_not_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", _TTY())
    prefill = tmp_path / "prefill.yaml"
    text = (EXAMPLES / "reduced-fare-transit.yaml").read_text()
    prefill.write_text(text.replace("reviewer: Example analyst", "reviewer: {name: A, role: B}"))
    prompter = Scripted({})
    new_review(tmp_path / "out.yaml", None, prefill, prompter)
    assert not any(path.startswith("meta.") for path in prompter.asked)
    assert load_review(tmp_path / "out.yaml").meta.reviewer == Reviewer(name="A", role="B")


def test_the_sheet_has_the_preparer_columns(kc: Rubric) -> None:
    columns = sheet_columns(kc)
    assert set(REVIEWER_COLUMNS) <= set(columns)
    assert columns.index("meta.reviewer.name") < columns.index("summary")
    assert header_problems(kc, columns) == []
    assert {row[0] for row in dictionary_rows(kc)} >= set(REVIEWER_COLUMNS)
    cells = {"proposal.id": "P-1", "proposal.title": "T", "meta.reviewer.name": " Jo "}
    data, problems = row_to_review(kc, {**cells, "meta.reviewer.contact": "jo@example.gov"})
    assert problems == []
    review = parse_review(data, "row 2")
    assert review.meta.reviewer == Reviewer(name="Jo", contact="jo@example.gov")
    data, _ = row_to_review(kc, {"proposal.id": "P-2", "proposal.title": "T"})
    assert "meta" not in data  # no preparer given: none made up
