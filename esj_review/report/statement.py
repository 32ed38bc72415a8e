"""Page 1, the Equity Impact Statement: what it shows, cut to a budget that fits one page.

The statement must end on page 1 whatever the review holds, with no type below the floor
(10 pt). So instead of shrinking type it shows the most telling part of each list (the
largest impacts, the most severe flags) and says how many more there are and where to find
them. How much fits is estimated from the text itself: the width of each character in em,
the lines each block takes at the sizes `statement.css` sets, and the height of a US Letter
page inside the margins `page.css` sets. The estimates lean long, so a page that is full by
the estimate still has room left in the PDF.

Pure, like the rest of the context: the same review gives the same statement.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from esj_review._version import __version__
from esj_review.core.answers import Slot, answer_parts
from esj_review.core.conditions import MISSING, is_answered
from esj_review.core.review import Review
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import Flag, Gap, Scorecard
from esj_review.report.text import lang_of, visible

# --- the page, in points; these mirror page.css (margins) and statement.css (type) ----------

PAGE_HEIGHT = (11 - 0.85 - 0.8) * 72  # US Letter inside the top and bottom margins
WIDTH = (8.5 - 0.75 - 0.75) * 72  # inside the side margins
RESERVE = 0.0  # what the estimate keeps free for what it cannot see (rounding, line boxes)
BODY = 10.0  # the statement's type size: the floor
LINE = 13.0  # BODY times line-height 1.3
TITLE_SIZE, TITLE_LINE = 14.0, 17.0
LONG_TITLE_LINE = 14.5  # a title of more than three lines: 12 pt
H2 = 23.0  # a heading: 11 pt on 1.25 lines, its margins and rule
LIST_ITEM = 2.0  # the gap under each list item
ROW_PADDING = 3.5  # a table row's padding and rule

BOLD = 1.08  # bold text is this much wider
WRAP = 1.05  # what word wrap loses at the ends of lines

POPULATION_COLUMN = {1: 0.30, 2: 0.26}  # the population column's share of the table
NAMED_ALL = 6  # up to this many impacts, a population's row names two of each kind; else one
SIZES = ("large", "moderate", "small")  # choice ids of the size scales, largest first
SEVERITY = ("critical", "warning", "info")

# Questions read for the engagement and accountability lines, by their conventional ids;
# the first id a rubric has is used. (label, candidate ids)
# (label, candidate ids, how much of a line a narrative answer may take, in percent)
ENGAGEMENT = (
    ("Level", ("engagement_level",), 100),
    ("Who", ("engaged_who",), 100),
    ("What changed because of it", ("community_influence", "engagement_changes"), 150),
)
ACCOUNTABILITY = (
    ("Measure", ("metrics",), 100),
    ("Owner", ("metrics_owner", "responsible"), 60),
    ("First results", ("metrics_first_report",), 100),
    ("Reporting back", ("report_back", "reporting"), 100),
    ("Looked at again", ("review_date",), 100),
)
CLOSING = (  # the closing paragraph's own words, as long as they get
    "The score is this tool's method: see section 5, page 10. Answers that end in “…” are "
    "shortened here; section 4, page 10, has them whole."
)
# The lists and narratives that share what is left of the page, in the order they grow
# (and, backwards, the order in which they give up items when the minimums do not fit).
GROWTH = ("populations", "benefits", "flags", "summary", "mitigations", "gaps", "results")


def _em(ch: str) -> float:
    """The width of one character in em, leaning wide (measured on Noto Sans at 10 pt)."""
    if unicodedata.combining(ch) or ch in "\u200b\u200d\ufe0e\ufe0f":
        return 0.0
    if unicodedata.east_asian_width(ch) in {"W", "F"}:
        return 1.0
    code = ord(ch)
    if 0x1200 <= code <= 0x139F:  # Ethiopic
        return 0.85
    if 0x0590 <= code <= 0x08FF or 0x0900 <= code <= 0x0DFF:  # Hebrew, Arabic, Indic
        return 0.62
    if ch == " ":
        return 0.26
    if ch in ".,;:'’“”()-–·!|/":
        return 0.3
    if ch.isupper() or ch in "mwMW@%—":
        return 0.75 if ch in "mwMW@%—" else 0.66
    if ch.isdigit():
        return 0.57
    return 0.55 if ch.isascii() else 0.6


def text_em(text: str) -> float:
    """The width of a text on one line, in em."""
    return sum(_em(ch) for ch in text)


def _tall(text: str) -> bool:
    """Scripts whose fonts make taller line boxes than Latin at the same line-height."""
    return lang_of(text) is not None and lang_of(text) not in {"ru", "uk", "he"}


def lines(text: str, width: float = WIDTH, size: float = BODY, bold: bool = False) -> int:
    """How many lines a text takes in a box `width` points wide (word wrap included)."""
    capacity = width / size
    total = 0
    for paragraph in text.split("\n") or [""]:
        em = text_em(paragraph) * (BOLD if bold else 1.0)
        total += max(1, math.ceil(em * WRAP / capacity))
    return total


def height(text: str, width: float = WIDTH, line: float = LINE, bold: bool = False) -> float:
    """The height of a text block, taller for scripts with tall fonts."""
    size = line / 1.3
    h = lines(text, width, size, bold) * line
    return h * 1.25 if _tall(text) else h


POINTER = " …"  # what ends a cut text


def cut(text: str, max_lines: int, width: float = WIDTH, lead: str = "") -> tuple[str, bool]:
    """The start of a text that fits in `max_lines` lines after `lead` (a label on the same
    line), ended with "…" and room for the pointer to the whole answer; True when cut."""
    flat = re.sub(r"\s+", " ", text).strip()
    if _tall(flat):
        max_lines = max(1, int(max_lines / 1.25))
    room = max_lines * (width / BODY) / WRAP - text_em(lead) * BOLD
    if text_em(flat) <= room:
        return flat, False
    budget = room - text_em(POINTER)
    used = 0.0
    for i, ch in enumerate(flat):
        used += _em(ch)
        if used > budget:
            head = flat[:i]
            space = head.rfind(" ")
            if space > len(head) - 24 and space > 0:
                head = head[:space]
            return head.rstrip(" ,;:.") + " …", True
    return flat, False  # pragma: no cover (the whole text fits, see above)


# --- what the statement shows ------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """User text for the template: shown safely, with its language."""

    text: str
    lang: str | None = None


@dataclass(frozen=True)
class More:
    """ "and 3 more, see section 3": how many were left out and where they are."""

    count: int
    target: str  # the id of a report section
    where: str  # the section as a reader finds it


@dataclass
class PopulationRow:
    """One priority population: the determinants it gains on and those it bears a burden on."""

    label: str
    gains: list[str]
    bears: list[str]
    gains_more: int = 0
    bears_more: int = 0


@dataclass
class Line:
    """A labelled answer (engagement, accountability), cut to fit."""

    label: str
    parts: list[Text]
    cut: bool = False
    missing: bool = False

    @property
    def stop(self) -> str:
        """The full stop after the answer, unless it ends with one."""
        last = self.parts[-1].text.rstrip() if self.parts else ""
        return "" if last.endswith((".", "!", "?", "…", "。", "።", "؟")) else "."


@dataclass
class FlagLine:
    """A flag, or one rule's flags on several items at once."""

    severity: str
    message: str
    cap: str | None


@dataclass
class Mitigation:
    """A burden and how it is mitigated."""

    determinant: str
    status: str
    text: Text | None
    cut: bool = False


@dataclass
class Statement:
    """Everything page 1 shows, already cut to the page."""

    facts: list[tuple[str, list[Text]]] = field(default_factory=list)
    department: Text | None = None
    long_title: bool = False  # set a step smaller (never below the floor)
    shortened: bool = False  # some answer here ends in "…": say where it is whole
    fits: bool = True  # by the estimate, at least one item of each list fits
    columns: tuple[str, ...] = (
        "gains",
        "bears",
    )  # the who-is-affected table's, beside the population
    summary: Text | None = None
    summary_cut: bool = False
    results: Text | None = None
    results_cut: bool = False
    whole: frozenset[str] = frozenset()  # narratives (question ids) shown whole on page 1
    populations: list[PopulationRow] = field(default_factory=list)
    populations_more: More | None = None
    benefits: Text | None = None  # a narrative, where a rubric does not itemise impacts
    benefits_cut: bool = False
    mitigations: list[Mitigation] = field(default_factory=list)
    mitigations_more: More | None = None
    burdens_found: bool = False
    engagement: list[Line] = field(default_factory=list)
    accountability: list[Line] = field(default_factory=list)
    flags: list[FlagLine] = field(default_factory=list)
    flags_more: More | None = None
    gaps: list[Gap] = field(default_factory=list)
    gaps_more: More | None = None
    preparer: list[Text] = field(default_factory=list)
    endorsement: str = ""
    budget: dict[str, int] = field(default_factory=dict)  # what was shown of each list


def _shown(text: str) -> Text:
    return Text(visible(text), lang_of(text))


def _label(rubric: Rubric, slot: Slot | None, enabled: frozenset[str]) -> list[str]:
    if slot is None or not slot.answered:
        return []
    return answer_parts(rubric, slot.question, slot.value, enabled)


# --- pools: lists that share what is left of the page -------------------------------------


@dataclass
class _Pool:
    """Candidate items of one list, best first, with their heights."""

    name: str
    heights: list[float]
    more: float  # the "and K more" line
    minimum: int = 1
    floor: int = 1  # never fewer, even when the minimums do not fit
    taken: int = 0

    def cost(self, taken: int | None = None) -> float:
        n = self.taken if taken is None else taken
        left = n < len(self.heights)
        return sum(self.heights[:n]) + (self.more if left else 0.0)


def share(room: float, pools: list[_Pool]) -> dict[str, int]:
    """How many items of each pool fit in `room` points. Minimums first (when even they do
    not fit, the last pools give theirs up first), then one more of each pool in turn, in
    the pools' order, while anything still fits."""
    for pool in pools:
        pool.taken = min(pool.minimum, len(pool.heights))
    for pool in reversed(pools):
        floor = min(pool.floor, len(pool.heights))
        while sum(p.cost() for p in pools) > room and pool.taken > floor:
            pool.taken -= 1
    grew = True
    while grew:
        grew = False
        for pool in pools:
            if pool.taken >= len(pool.heights):
                continue
            total = sum(p.cost() for p in pools)
            if total - pool.cost() + pool.cost(pool.taken + 1) <= room:
                pool.taken += 1
                grew = True
    return {p.name: p.taken for p in pools}


# --- building it ---------------------------------------------------------------------------


def build_statement(
    rubric: Rubric,
    review: Review,
    card: Scorecard,
    shown: dict[str, Slot],
    impacts: list[dict[str, Any]],
    facts: list[tuple[str, list[Any]]],
    reason: str,
) -> Statement:
    """Page 1's content, cut to fit the page. `facts` are the context's (label, shown parts)
    pairs under the title; `reason` is the verdict's sentence. When even one item of each
    list would not fit, the short answers (facts, engagement, accountability, preparer) are
    cut to half their usual length and the lists are built again."""
    args = (rubric, review, card, shown, impacts, facts, reason)
    out = _build(*args, scale=1.0)
    return out if out.fits else _build(*args, scale=0.5)


def _build(
    rubric: Rubric,
    review: Review,
    card: Scorecard,
    shown: dict[str, Slot],
    impacts: list[dict[str, Any]],
    facts: list[tuple[str, list[Any]]],
    reason: str,
    scale: float,
) -> Statement:
    """The statement, with short answers cut to `scale` of their usual length."""
    enabled = review.enabled
    out = Statement()
    fields = rubric.report
    out.facts = [(label, [_fact(p, 0.6 * scale) for p in parts]) for label, parts in facts]
    if review.proposal.department:
        out.department = _fact(review.proposal.department, 0.6 * scale)
    kinds = {c.id: c.label for c in rubric.proposal_kinds}
    pairs = [
        ("Proposal", [review.proposal.id]),
        ("Kind", [kinds.get(review.proposal.kind or "", review.proposal.kind or "Not stated")]),
        *([("Department", [out.department.text])] if out.department else []),
        *((label, [p.text for p in parts]) for label, parts in out.facts),
    ]
    out.long_title = lines(review.proposal.title, size=TITLE_SIZE, bold=True) > 3
    used = _fixed_height(review.proposal.title, pairs, reason, card, out.long_title)

    # engagement and accountability, the preparer, and whose method this is
    out.engagement = _lines(rubric, shown, enabled, ENGAGEMENT, scale)
    out.accountability = _lines(rubric, shown, enabled, ACCOUNTABILITY, scale)
    if out.engagement or out.accountability:
        used += H2 + _lines_height("Engagement", out.engagement)
        used += _lines_height("Accountability", out.accountability)
    out.preparer = _preparer(review)
    preparer_text = " · ".join(t.text for t in out.preparer) or "not stated in the review"
    used += height("Prepared by: " + preparer_text) + 6
    out.endorsement = _endorsement(rubric)
    provenance = (
        f"Generated 2026-11-29 by esj-review {__version__} · answers hash 0123456789ab · "
        f"rubric {rubric.id} {rubric.version}."
    )
    used += height(f"{out.endorsement} {CLOSING} {provenance}") + 10

    # the lists and narratives share what is left
    summary_text = _text_of(shown, fields.summary)
    results_text = _text_of(shown, fields.results)
    benefits_text = _text_of(shown, fields.benefits) if not impacts else None
    rows = _population_rows(rubric, shown, impacts, per_cell=2 if scale == 1 else 1)
    flags = _flag_lines(rubric, card, impacts, named=2 if scale == 1 else 1)
    mitigations = _mitigations(rubric, impacts, shown)
    out.burdens_found = any(e["burden"] for e in impacts) or bool(mitigations)
    gaps = list(card.gaps)

    more = LINE + LIST_ITEM
    pools: list[_Pool] = []  # in the order they grow
    narratives: list[_Pool] = []
    if summary_text is not None or results_text is not None:
        used += H2
    for name, text in (("summary", summary_text), ("results", results_text)):
        if text is not None:
            used += 4  # the paragraph's margin
            step = LINE * (1.25 if _tall(text) else 1)
            floor = 1 if name == "summary" else 0
            minimum = 2 if name == "summary" else 1
            narratives.append(_Pool(name, [step] * min(lines(text), 8), 0, minimum, floor))
    used += H2  # who is affected
    if rows:
        used += LINE + ROW_PADDING + 2  # the table's header row
        out.columns = tuple(
            name
            for name, found in (
                ("gains", any(r.gains for r in rows)),
                ("bears", any(r.bears for r in rows)),
            )
            if found
        ) or ("gains", "bears")
        heights = [_row_height(r, out.columns) for r in rows]
        pools.append(_Pool("populations", heights, more, 3))
    elif benefits_text is not None:
        narratives.append(_Pool("benefits", [LINE] * min(lines(benefits_text), 6), 0, 2))
    else:
        used += LINE + 4
    used += H2  # mitigations
    if mitigations:
        heights = [_mitigation_height(m) for m in mitigations]
        pools.append(_Pool("mitigations", heights, more, 2, floor=0))
    else:
        used += LINE + 4
    used += H2  # flags and gaps
    if flags or gaps:
        caps = {b.id: b.label for b in rubric.scoring.bands}
        flag_heights = [
            height(
                f"{f.severity}: {f.message}"
                + (f" (rating at most “{caps.get(f.cap, f.cap)}”)" if f.cap else ""),
                WIDTH - 14,
            )
            + LIST_ITEM
            for f in flags
        ]
        pools.append(_Pool("flags", flag_heights, more, 3))
        gap_heights = [height(f"Gap: {g.prompt}", WIDTH - 14) + LIST_ITEM for g in gaps]
        pools.append(_Pool("gaps", gap_heights, more, 2, floor=0 if flags else 1))
    else:
        used += LINE + 4
    # the narratives grow after the lists' first items, and give up lines first
    by_name = {p.name: p for p in pools + narratives}
    order = [by_name[n] for n in GROWTH if n in by_name]
    room = PAGE_HEIGHT - RESERVE - used
    budget = share(room, order)
    out.budget = budget
    out.fits = sum(p.cost() for p in order) <= room

    whole = set()
    if summary_text is not None:
        text, was_cut = cut(summary_text, budget["summary"])
        out.summary, out.summary_cut = Text(visible(text), lang_of(summary_text)), was_cut
        whole |= set() if was_cut else {fields.summary or ""}
    if results_text is not None and budget["results"]:
        text, was_cut = cut(results_text, budget["results"], lead="Desired results: ")
        out.results, out.results_cut = Text(visible(text), lang_of(results_text)), was_cut
        whole |= set() if was_cut else {fields.results or ""}
    out.whole = frozenset(whole)
    if benefits_text is not None:
        text, was_cut = cut(benefits_text, budget["benefits"])
        out.benefits, out.benefits_cut = Text(visible(text), lang_of(benefits_text)), was_cut
    n = budget.get("populations", 0)
    out.populations = rows[:n]
    if len(rows) > n:
        out.populations_more = More(len(rows) - n, "determinants", "section 3")
    n = budget.get("mitigations", 0)
    out.mitigations = mitigations[:n]
    if len(mitigations) > n:
        out.mitigations_more = More(len(mitigations) - n, "answers", "section 4")
    n = budget.get("flags", 0)
    out.flags = flags[:n]
    if len(flags) > n:
        out.flags_more = More(len(flags) - n, "scorecard", "section 2")
    n = budget.get("gaps", 0)
    out.gaps = gaps[:n]
    if len(gaps) > n:
        out.gaps_more = More(len(gaps) - n, "answers", "section 4")
    texts = [
        *(p for _, parts in out.facts for p in parts),
        *([out.department] if out.department else []),
        *out.preparer,
        *(p for line in out.engagement + out.accountability for p in line.parts),
        *(m.text for m in out.mitigations if m.text),
        *(t for t in (out.summary, out.results, out.benefits) if t),
    ]
    out.shortened = any(t.text.endswith(POINTER) for t in texts)
    return out


FACT_LINES = 1  # a long fact (the places a proposal covers) is cut to about one line


def _fact(part: Any, share_of_line: float = 0.6) -> Text:
    """One part of a fact under the title (or of the preparer line), cut when it is long.
    A context part (`Shown`) is already safe to show; a raw string is made so."""
    raw = str(getattr(part, "text", part))
    lang = getattr(part, "lang", None) or lang_of(raw)
    text, _ = cut(raw, FACT_LINES, WIDTH * share_of_line)
    return Text(visible(text) if isinstance(part, str) else text, lang)


def _fixed_height(
    title: str, facts: list[tuple[str, list[str]]], reason: str, card: Scorecard, long: bool
) -> float:
    """The kicker, the title, the facts and the verdict box."""
    used = LINE  # the kicker
    used += height(title, line=LONG_TITLE_LINE if long else TITLE_LINE, bold=True) + 4
    used += _facts_height(facts) + 10
    verdict = 2.4 + 12 + 17 + 14  # border, padding, the band line (and confidence), margins
    verdict += height(reason, WIDTH - 20) + 3
    return used + verdict


def _facts_height(facts: list[tuple[str, list[str]]]) -> float:
    """Label-value pairs flow as words do; a pair wider than the line wraps inside itself."""
    n, x = 1, 0.0
    for label, value in facts:
        w = (text_em(label) * BOLD + text_em("; ".join(value)) + 0.5) * BODY * 1.05 + 12
        if x and x + w > WIDTH:
            n, x = n + 1, 0.0
        if w > WIDTH:
            n += math.ceil(w / WIDTH) - 1
            x = WIDTH  # the next pair starts a new line
            continue
        x += w
    return n * LINE


def _text_of(shown: dict[str, Slot], qid: str | None) -> str | None:
    slot = shown.get(qid or "")
    if slot is None or not slot.answered:
        return None
    return str(slot.value)


def _lines(
    rubric: Rubric,
    shown: dict[str, Slot],
    enabled: frozenset[str],
    spec: tuple[tuple[str, tuple[str, ...], int], ...],
    scale: float = 1.0,
) -> list[Line]:
    """Labelled answers for the questions of `spec` that this review shows; a narrative is
    cut to its share of a line (the third number)."""
    out = []
    for label, ids, share_of_lines in spec:
        qid = next((i for i in ids if rubric.question(i) is not None), None)
        if qid is None:
            continue  # the rubric does not ask it
        slot = shown.get(qid)
        if slot is None:
            continue  # hidden for this review
        if not slot.answered:
            out.append(Line(label, [], missing=True))
            continue
        q = slot.question
        if q.type == "text":
            raw = str(slot.value)
            width = WIDTH * share_of_lines / 100 * scale
            text, was_cut = cut(raw, 1, width, f"{label}: ")
            out.append(Line(label, [Text(visible(text), lang_of(raw))], was_cut))
        else:
            parts = answer_parts(rubric, q, slot.value, enabled)
            out.append(Line(label, [_shown(p) for p in parts]))
    return out


def _lines_height(lead: str, items: list[Line]) -> float:
    """A paragraph: the lead, then each label and answer in turn."""
    if not items:
        return 0.0
    text = (
        lead
        + ". "
        + " ".join(
            f"{i.label}: " + ("; ".join(p.text for p in i.parts) or "not answered") + "."
            for i in items
        )
    )
    return height(text) + 4


def _preparer(review: Review) -> list[Text]:
    who = review.meta.reviewer
    if who is None:
        return []
    parts = [p.strip() for p in (who.name, who.role, who.contact) if p and p.strip()]
    return [_fact(p, 0.3) for p in parts]


def _endorsement(rubric: Rubric) -> str:
    """The line that says whose method this is and that no one endorsed it: the rubric's own
    words (publisher, note on scores), never the template's."""
    parts = [f"Method: {rubric.publisher}." if rubric.publisher else ""]
    if rubric.score_note:
        parts.append(rubric.score_note)
    elif rubric.disclaimer:
        parts.append(rubric.disclaimer.split(". ")[0].rstrip(".") + ".")
    return " ".join(p for p in parts if p)


def _size_rank(rubric: Rubric, entry: dict[str, Any], qid: str | None) -> int:
    value = entry["answers"].get(qid or "", MISSING)
    return SIZES.index(value) if value in SIZES else len(SIZES)


def _population_rows(
    rubric: Rubric, shown: dict[str, Slot], impacts: list[dict[str, Any]], per_cell: int = 2
) -> list[PopulationRow]:
    """One row per priority population: the determinants it gains on and bears, largest
    first, at most `per_cell` of each named (one when there are many) and the rest counted."""
    spec = rubric.report.impacts
    if spec is None:
        return []
    labels = {p.id: p.label for p in rubric.populations}
    named: list[str] = []
    pops_q = rubric.report.populations
    if pops_q and pops_q in shown and isinstance(shown[pops_q].value, list):
        named = [str(p) for p in shown[pops_q].value]
    gains: dict[str, list[tuple[int, str]]] = {p: [] for p in named}
    bears: dict[str, list[tuple[int, str]]] = {p: [] for p in named}
    for entry in impacts:
        pops = entry["answers"].get(spec.populations or "", [])
        keys = [str(p) for p in pops] if isinstance(pops, list) and pops else [""]
        for key in keys:
            gains.setdefault(key, [])
            bears.setdefault(key, [])
            if entry["benefit"]:
                rank = _size_rank(rubric, entry, spec.benefit_size)
                gains[key].append((rank, _sized(entry, spec.benefit_size)))
            if entry["burden"]:
                rank = _size_rank(rubric, entry, spec.burden_size)
                bears[key].append((rank, _sized(entry, spec.burden_size)))
    rows = []
    order = [k for k in gains if k] + ([""] if "" in gains else [])
    for key in order:
        if key == "" and not (gains[key] or bears[key]):
            continue
        label = labels.get(key, key) if key else "Not tied to a named population"
        g = [t for _, t in sorted(gains[key], key=lambda x: x[0])]
        b = [t for _, t in sorted(bears[key], key=lambda x: x[0])]
        n = per_cell if len(impacts) <= NAMED_ALL else 1
        rows.append(PopulationRow(label, g[:n], b[:n], max(0, len(g) - n), max(0, len(b) - n)))
    return rows


def _sized(entry: dict[str, Any], qid: str | None) -> str:
    """A determinant's label with the size of the impact in words: "Housing (large)"."""
    value = entry["answers"].get(qid or "", MISSING)
    q = entry["questions"].get(qid or "")
    labels = {c.id: c.label.lower() for c in getattr(q, "choices", None) or []}
    word = labels.get(str(value)) if is_answered(value) else None
    return f"{entry['label']} ({word})" if word else str(entry["label"])


def _row_height(row: PopulationRow, columns: tuple[str, ...]) -> float:
    """A table row: its tallest cell (statement.css: the population 26% of the width and
    the others share the rest; 30% and 70% when only gains or only burdens are shown)."""
    share = (1 - POPULATION_COLUMN[len(columns)]) / len(columns)
    cells = [(row.label, WIDTH * POPULATION_COLUMN[len(columns)])]
    for name in columns:
        names, more = (
            (row.gains, row.gains_more) if name == "gains" else (row.bears, row.bears_more)
        )
        cells.append(("; ".join(names) + (f"; and {more} more" if more else ""), WIDTH * share))
    return max(height(text or "–", width - 8) for text, width in cells) + ROW_PADDING


def _mitigations(
    rubric: Rubric, impacts: list[dict[str, Any]], shown: dict[str, Slot]
) -> list[Mitigation]:
    """Each burden with its mitigation, the largest burdens and the least firm first."""
    spec = rubric.report.impacts
    out: list[tuple[int, int, Mitigation]] = []
    if spec is not None:
        firmness = {"none": 0, "planned": 1, "partial": 2, "full": 3}
        for entry in impacts:
            if not entry["burden"]:
                continue
            text = entry["answers"].get(spec.mitigation or "", MISSING)
            status_value = entry["answers"].get(spec.mitigation_status or "", MISSING)
            status_q = entry["questions"].get(spec.mitigation_status or "")
            status = (
                "; ".join(answer_parts(rubric, status_q, status_value, frozenset()))
                if status_q is not None and is_answered(status_value)
                else ""
            )
            item = Mitigation(str(entry["label"]), status, None)
            if is_answered(text):
                lead = f"{item.determinant} ({status}): "
                cut_text, item.cut = cut(str(text), 2, WIDTH - 14, lead)
                item.text = Text(visible(cut_text), lang_of(str(text)))
            rank = _size_rank(rubric, entry, spec.burden_size)
            out.append((rank, firmness.get(str(status_value), -1), item))
    narrative = _text_of(shown, rubric.report.mitigation)
    if narrative is not None:
        cut_text, was_cut = cut(narrative, 2, WIDTH - 14)
        out.append(
            (99, 99, Mitigation("", "", Text(visible(cut_text), lang_of(narrative)), was_cut))
        )
    return [m for _, _, m in sorted(out, key=lambda x: (x[0], x[1]))]


def _mitigation_height(m: Mitigation) -> float:
    text = f"{m.determinant} ({m.status}): " + (
        m.text.text if m.text else "no mitigation described"
    )
    return height(text, WIDTH - 14) + LIST_ITEM


def _flag_lines(
    rubric: Rubric, card: Scorecard, impacts: list[dict[str, Any]], named: int = 2
) -> list[FlagLine]:
    """Flags by severity, most severe first; one rule raised on several items is one line
    that names `named` of them and counts the rest."""
    labels = {str(e["id"]): str(e["label"]) for e in impacts}
    rules = {r.id: r for r in rubric.scoring.flags}
    groups: dict[str, list[Flag]] = {}
    for flag in card.flags:
        groups.setdefault(flag.id, []).append(flag)
    out = []
    for flag_id, flags in groups.items():
        first = flags[0]
        rule = rules.get(flag_id)
        message = first.message
        if len(flags) > 1 and rule is not None and "{item}" in rule.message:
            names = [labels.get(f.item or "", f.item or "") for f in flags]
            shown = "; ".join(names[:named])
            if len(names) > named:
                shown += f" and {len(names) - named} more"
            message = rule.message.replace("{item}", shown)
        elif len(flags) > 1:
            out += [FlagLine(f.severity, f.message, f.cap) for f in flags]
            continue
        out.append(FlagLine(first.severity, message, first.cap))
    rank: Callable[[FlagLine], int] = lambda f: (  # noqa: E731
        SEVERITY.index(f.severity) if f.severity in SEVERITY else len(SEVERITY)
    )
    return sorted(out, key=rank)
