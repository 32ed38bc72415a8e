"""The lists and short answers page 1 shows, each gathered from the review and cut to its
share of the page: priority populations with the determinants they gain on and bear, burdens
with their mitigations, flags by severity, engagement and accountability, and the preparer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from esj_review.core import i18n
from esj_review.core.answers import Slot
from esj_review.core.conditions import MISSING, is_answered
from esj_review.core.i18n import N_, _, ngettext
from esj_review.core.review import Review
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import Flag, Scorecard
from esj_review.report.fit import LIST_ITEM, ROW_PADDING, WIDTH, cut, height
from esj_review.report.language import answer_words
from esj_review.report.text import Run, dir_of, lang_of, runs_of, visible

POPULATION_COLUMN = {1: 0.30, 2: 0.26}  # the population column's share of the table
NAMED_ALL = 6  # up to this many impacts, a population's row names two of each kind; else one
SIZES = ("large", "moderate", "small")  # choice ids of the size scales, largest first
SEVERITY = ("critical", "warning", "info")

# Questions read for the engagement and accountability lines, by their conventional ids (the
# first id the rubric has is used): (label, candidate ids, how much of a line a narrative
# answer may take, in percent).
ENGAGEMENT = (
    (N_("Level"), ("engagement_level",), 100),
    (N_("Who"), ("engaged_who",), 100),
    (N_("What changed because of it"), ("community_influence", "engagement_changes"), 150),
)
ACCOUNTABILITY = (
    (N_("Measure"), ("metrics",), 100),
    (N_("Owner"), ("metrics_owner", "responsible"), 60),
    (N_("First results"), ("metrics_first_report",), 100),
    (N_("Reporting back"), ("report_back", "reporting"), 100),
    (N_("Looked at again"), ("review_date",), 100),
)


# --- what the statement shows ------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """User text for the template: shown safely, with its language, its direction and its
    runs (Korean words kept whole, CJK inside other text in its own face), as in the other
    sections."""

    text: str
    lang: str | None = None

    @property
    def dir(self) -> str:
        """rtl or ltr, from the language."""
        return dir_of(self.lang)

    @property
    def runs(self) -> tuple[Run, ...]:
        """The text in runs that need their own markup."""
        return runs_of(self.text, self.lang)


@dataclass(frozen=True)
class More:
    """ "and 3 more populations, see section 3": how many were left out and where they are."""

    count: int
    target: str  # the id of a report section
    section: int  # its number, as a reader finds it
    kind: str = "population"  # what was left out: population, mitigation, flag or gap

    @property
    def where(self) -> str:
        """The section as a reader finds it ("section 3")."""
        return _("section %(number)s") % {"number": self.section}

    def phrase(self, shown: bool) -> str:
        """How many more ("and 3 more populations"), or how many (`shown` false: none of
        them is listed, "3 populations"): one whole phrase per kind, for the catalogue."""
        n = self.count
        if self.kind == "mitigation":
            text = (
                ngettext(
                    "and %(num)d more burden and its mitigation",
                    "and %(num)d more burdens and their mitigations",
                    n,
                )
                if shown
                else ngettext(
                    "%(num)d burden and its mitigation", "%(num)d burdens and their mitigations", n
                )
            )
        elif self.kind == "flag":
            text = (
                ngettext("and %(num)d more flag", "and %(num)d more flags", n)
                if shown
                else ngettext("%(num)d flag", "%(num)d flags", n)
            )
        elif self.kind == "gap":
            text = (
                ngettext("and %(num)d more gap", "and %(num)d more gaps", n)
                if shown
                else ngettext("%(num)d gap", "%(num)d gaps", n)
            )
        else:
            text = (
                ngettext("and %(num)d more population", "and %(num)d more populations", n)
                if shown
                else ngettext("%(num)d population", "%(num)d populations", n)
            )
        return text % {"num": n}


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
        last = self.parts[-1].text if self.parts else ""
        return "" if i18n.ends_sentence(last) else i18n.full_stop()


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


def shown_text(text: str) -> Text:
    return Text(visible(text), lang_of(text))


FACT_LINES = 1  # a long fact (the places a proposal covers) is cut to about one line


def fact(part: Any, share_of_line: float = 0.6) -> Text:
    """One part of a fact under the title (or of the preparer line), cut when it is long.
    A context part (`Shown`) is already safe to show; a raw string is made so."""
    raw = str(getattr(part, "text", part))
    lang = getattr(part, "lang", None) or lang_of(raw)
    text, _was_cut = cut(raw, FACT_LINES, WIDTH * share_of_line)
    return Text(visible(text) if isinstance(part, str) else text, lang)


def text_of(shown: dict[str, Slot], qid: str | None) -> str | None:
    slot = shown.get(qid or "")
    if slot is None or not slot.answered:
        return None
    return str(slot.value)


def answer_lines(
    rubric: Rubric,
    shown: dict[str, Slot],
    enabled: frozenset[str],
    spec: tuple[tuple[str, tuple[str, ...], int], ...],
    scale: float = 1.0,
) -> list[Line]:
    """Labelled answers for the questions of `spec` that this review shows; a narrative is
    cut to its share of a line (the third number)."""
    out = []
    for message, ids, share_of_lines in spec:
        label = _(message)
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
            parts = answer_words(rubric, q, slot.value, enabled)
            out.append(Line(label, [shown_text(p) for p in parts]))
    return out


def lines_height(lead: str, items: list[Line]) -> float:
    """A paragraph: the lead, then each label and answer in turn."""
    if not items:
        return 0.0
    text = (
        lead
        + ". "
        + " ".join(
            f"{i.label}: " + ("; ".join(p.text for p in i.parts) or _("not answered")) + "."
            for i in items
        )
    )
    return height(text) + 4


def preparer_parts(review: Review) -> list[Text]:
    who = review.meta.reviewer
    if who is None:
        return []
    parts = [p.strip() for p in (who.name, who.role, who.contact) if p and p.strip()]
    return [fact(p, 0.3) for p in parts]


def endorsement(rubric: Rubric) -> str:
    """The line that says whose method this is and that no one endorsed it: the rubric's own
    words (publisher, note on scores), never the template's."""
    parts = [
        _("Method: %(publisher)s.") % {"publisher": rubric.publisher} if rubric.publisher else ""
    ]
    if rubric.score_note:
        parts.append(rubric.score_note)
    elif rubric.disclaimer:
        first = re.split(r"(?<=\.)\s+|(?<=。)", rubric.disclaimer, maxsplit=1)[0]
        parts.append(first if first.endswith(("。", ".")) else first + ".")
    return " ".join(p for p in parts if p)


def _size_rank(rubric: Rubric, entry: dict[str, Any], qid: str | None) -> int:
    value = entry["answers"].get(qid or "", MISSING)
    return SIZES.index(value) if value in SIZES else len(SIZES)


def population_rows(
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
        label = labels.get(key, key) if key else _("Not tied to a named population")
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
    return i18n.noted(str(entry["label"]), word) if word else str(entry["label"])


def row_height(row: PopulationRow, columns: tuple[str, ...]) -> float:
    """A table row: its tallest cell (statement.css: the population 26% of the width and
    the others share the rest; 30% and 70% when only gains or only burdens are shown)."""
    share = (1 - POPULATION_COLUMN[len(columns)]) / len(columns)
    cells = [(row.label, WIDTH * POPULATION_COLUMN[len(columns)])]
    for name in columns:
        names, more = (
            (row.gains, row.gains_more) if name == "gains" else (row.bears, row.bears_more)
        )
        more_text = (
            i18n.list_separator() + _("and %(count)s more") % {"count": more} if more else ""
        )
        cells.append((i18n.list_separator().join(names) + more_text, WIDTH * share))
    return max(height(text or "–", width - 8) for text, width in cells) + ROW_PADDING


def mitigation_items(
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
                i18n.list_separator().join(
                    answer_words(rubric, status_q, status_value, frozenset())
                )
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
    narrative = text_of(shown, rubric.report.mitigation)
    if narrative is not None:
        cut_text, was_cut = cut(narrative, 2, WIDTH - 14)
        out.append(
            (99, 99, Mitigation("", "", Text(visible(cut_text), lang_of(narrative)), was_cut))
        )
    return [m for _, _, m in sorted(out, key=lambda x: (x[0], x[1]))]


def mitigation_height(m: Mitigation) -> float:
    text = f"{m.determinant} ({m.status}): " + (
        m.text.text if m.text else _("no mitigation described")
    )
    return height(text, WIDTH - 14) + LIST_ITEM


def flag_lines(
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
            shown = i18n.list_separator().join(names[:named])
            if len(names) > named:
                shown += " " + _("and %(count)s more") % {"count": len(names) - named}
            message = rule.message.replace("{item}", shown)
        elif len(flags) > 1:
            out += [FlagLine(f.severity, f.message, f.cap) for f in flags]
            continue
        out.append(FlagLine(first.severity, message, first.cap))

    def rank(flag: FlagLine) -> int:
        return SEVERITY.index(flag.severity) if flag.severity in SEVERITY else len(SEVERITY)

    return sorted(out, key=rank)
