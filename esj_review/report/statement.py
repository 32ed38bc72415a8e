"""Page 1, the Equity Impact Statement: what it shows, cut to a budget that fits one page.

The statement must end on page 1 whatever the review holds, with no type below the floor
(10 pt). So instead of shrinking type it shows the most telling part of each list (the
largest impacts, the most severe flags) and says how many more there are and where to find
them. How much fits is estimated from the text itself (report/fit.py); the lists come from
report/statement_lists.py. The estimates lean long, so a page that is full by the estimate
still has room left in the PDF.

Pure, like the rest of the context: the same review gives the same statement.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from esj_review._version import __version__
from esj_review.core.answers import Slot
from esj_review.core.i18n import N_, _
from esj_review.core.review import Review
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import Gap, Scorecard
from esj_review.report.fit import (
    BODY,
    BOLD,
    H2,
    LINE,
    LIST_ITEM,
    LONG_TITLE_LINE,
    PAGE_HEIGHT,
    POINTER,
    RESERVE,
    ROW_PADDING,
    TITLE_LINE,
    TITLE_SIZE,
    WIDTH,
    Pool,
    cut,
    height,
    lines,
    share,
    tall,
    text_em,
)
from esj_review.report.language import english
from esj_review.report.statement_lists import (
    ACCOUNTABILITY,
    ENGAGEMENT,
    POPULATION_COLUMN,
    FlagLine,
    Line,
    Mitigation,
    More,
    PopulationRow,
    Text,
    answer_lines,
    endorsement,
    fact,
    flag_lines,
    lines_height,
    mitigation_height,
    mitigation_items,
    population_rows,
    preparer_parts,
    row_height,
    text_of,
)
from esj_review.report.text import lang_of, visible

CLOSING = (  # the closing paragraph's own words, as long as they get (in the catalogue too)
    N_("The score is this tool's method: see %(section)s."),
    N_("Answers that end in “…” are shortened here; %(section)s has them whole."),
)
# The lists and narratives that share what is left of the page, in the order they grow
# (and, backwards, the order in which they give up items when the minimums do not fit).


def results_lead() -> str:
    """What the template prints before the desired results ("Desired results: ")."""
    return _("Desired results:") + " "


TRANSLATION_RESERVE = 2 * LINE
"""Room a translation keeps free on page 1 beyond the estimate, which was tuned on English:
longer words wrap sooner than the per-character estimate says."""
GROWTH = ("populations", "benefits", "flags", "summary", "mitigations", "gaps", "results")


@dataclass
class Statement:
    """Everything page 1 shows, already cut to the page."""

    facts: list[tuple[str, list[Text]]] = field(default_factory=list)
    department: Text | None = None
    long_title: bool = False  # set a step smaller (never below the floor)
    shortened: bool = False  # some answer here ends in "…": say where it is whole
    fits: bool = True  # by the estimate, at least one item of each list fits
    whole_lists: bool = True  # by the estimate, every list and narrative fits whole
    # the who-is-affected table's columns beside the population ("gains", "bears")
    columns: tuple[str, ...] = ("gains", "bears")
    summary: Text | None = None
    results: Text | None = None
    whole: frozenset[str] = frozenset()  # narratives (question ids) shown whole on page 1
    populations: list[PopulationRow] = field(default_factory=list)
    populations_more: More | None = None
    benefits: Text | None = None  # a narrative, where a rubric does not itemise impacts
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
    pairs under the title; `reason` is the verdict's sentence.

    The short answers (facts, engagement, accountability) get twice their usual length when
    everything else still fits whole; half of it when even one item of each list would not
    fit otherwise."""
    args = (rubric, review, card, shown, impacts, facts, reason)
    roomy = _build(*args, scale=2.0)
    if roomy.fits and roomy.whole_lists:
        return roomy
    out = _build(*args, scale=1.0)
    if out.fits:
        return out
    out = _build(*args, scale=0.5)
    if out.fits or english():
        return out
    # a translation's longer words: the populations table may give way to its "more" line
    return _build(*args, scale=0.5, bare=True)


def _build(
    rubric: Rubric,
    review: Review,
    card: Scorecard,
    shown: dict[str, Slot],
    impacts: list[dict[str, Any]],
    facts: list[tuple[str, list[Any]]],
    reason: str,
    scale: float,
    bare: bool = False,
) -> Statement:
    """The statement, with short answers cut to `scale` of their usual length."""
    enabled = review.enabled
    out = Statement()
    fields = rubric.report
    fact_share = min(0.6 * scale, 0.95)
    out.facts = [(label, [fact(p, fact_share) for p in parts]) for label, parts in facts]
    if review.proposal.department:
        out.department = fact(review.proposal.department, fact_share)
    kinds = {c.id: c.label for c in rubric.proposal_kinds}
    kind = kinds.get(review.proposal.kind or "", review.proposal.kind or _("Not stated"))
    pairs = [
        (_("Proposal"), [review.proposal.id]),
        (_("Kind"), [kind]),
        *([(_("Department"), [out.department.text])] if out.department else []),
        *((label, [p.text for p in parts]) for label, parts in out.facts),
    ]
    out.long_title = lines(review.proposal.title, size=TITLE_SIZE, bold=True) > 3
    used = _fixed_height(review.proposal.title, pairs, reason, card, out.long_title)
    used += _translated_band(card)

    # engagement and accountability, the preparer, and whose method this is
    out.engagement = answer_lines(rubric, shown, enabled, ENGAGEMENT, scale)
    out.accountability = answer_lines(rubric, shown, enabled, ACCOUNTABILITY, scale)
    if out.engagement or out.accountability:
        used += H2 + lines_height("Engagement", out.engagement)
        used += lines_height("Accountability", out.accountability)
    out.preparer = preparer_parts(review)
    preparer_text = " · ".join(t.text for t in out.preparer) or _("not stated in the review")
    used += height(_("Prepared by:") + " " + preparer_text) + 6
    out.endorsement = endorsement(rubric)
    provenance = _(
        "Generated %(date)s by esj-review %(version)s · answers hash %(hash)s · "
        "rubric %(rubric)s %(rubric_version)s."
    ) % {
        "date": "2026-11-29",
        "version": __version__,
        "hash": "0123456789ab",
        "rubric": rubric.id,
        "rubric_version": rubric.version,
    }
    page = _(", page %(page)s") % {"page": 10}  # as statement.css writes after a link
    sections = (_("section %(number)s") % {"number": n} + page for n in (5, 4))
    closing = " ".join(
        _(m) % {"section": s + "," * (n == 1)}
        for n, (m, s) in enumerate(zip(CLOSING, sections, strict=True))
    )
    used += height(f"{out.endorsement} {closing} {provenance}") + 10

    # the lists and narratives share what is left
    summary_text = text_of(shown, fields.summary)
    results_text = text_of(shown, fields.results)
    benefits_text = text_of(shown, fields.benefits) if not impacts else None
    rows = population_rows(rubric, shown, impacts, per_cell=2 if scale >= 1 else 1)
    flags = flag_lines(rubric, card, impacts, named=2 if scale >= 1 else 1)
    mitigations = mitigation_items(rubric, impacts, shown)
    # a burden is found when an impact, the ledger or a narrative says so, itemised or not
    out.burdens_found = (
        any(e["burden"] for e in impacts)
        or bool(mitigations)
        or any(e.component == "impact" and e.points < 0 for e in card.ledger)
        or text_of(shown, fields.burdens) is not None
    )
    gaps = list(card.gaps)

    more = LINE + LIST_ITEM
    pools: list[Pool] = []  # in the order they grow
    narratives: list[Pool] = []
    if summary_text is not None or results_text is not None:
        used += H2
    for name, text in (("summary", summary_text), ("results", results_text)):
        if text is not None:
            used += 4  # the paragraph's margin
            step = LINE * (1.25 if tall(text) else 1)
            floor = 1 if name == "summary" else 0
            minimum = 2 if name == "summary" else 1
            n = lines(results_lead() * (name == "results") + re.sub(r"\s+", " ", text))
            narratives.append(Pool(name, [step] * min(n, 8), 0, minimum, floor))
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
        used += _translated_header(out.columns)
        heights = [row_height(r, out.columns) for r in rows]
        pools.append(Pool("populations", heights, more, 3, floor=0 if bare else 1))
    elif benefits_text is not None:
        narratives.append(Pool("benefits", [LINE] * min(lines(benefits_text), 6), 0, 2))
    else:
        used += LINE + 4
    used += H2  # mitigations
    if mitigations:
        heights = [mitigation_height(m) for m in mitigations]
        pools.append(Pool("mitigations", heights, more, 2, floor=0))
    else:
        used += LINE + 4
    used += H2  # flags and gaps
    if flags or gaps:
        caps = {b.id: b.label for b in rubric.scoring.bands}
        flag_heights = [
            height(
                f"{f.severity}: {f.message}"
                + (
                    " " + _("(rating at most “%(band)s”)") % {"band": caps.get(f.cap, f.cap)}
                    if f.cap
                    else ""
                ),
                WIDTH - 14,
            )
            + LIST_ITEM
            for f in flags
        ]
        pools.append(Pool("flags", flag_heights, more, 3))
        gap_heights = [height(f"{_('Gap:')} {g.prompt}", WIDTH - 14) + LIST_ITEM for g in gaps]
        pools.append(Pool("gaps", gap_heights, more, 2, floor=0 if flags else 1))
    else:
        used += LINE + 4
    # the narratives grow after the lists' first items, and give up lines first
    by_name = {p.name: p for p in pools + narratives}
    order = [by_name[n] for n in GROWTH if n in by_name]
    room = PAGE_HEIGHT - RESERVE - used - (0.0 if english() else TRANSLATION_RESERVE)
    budget = share(room, order)
    out.budget = budget
    out.fits = sum(p.cost() for p in order) <= room
    out.whole_lists = all(p.taken == len(p.heights) for p in order)

    whole = set()
    langs = review.meta.lang  # the analyst's word over the guess

    def lang(qid: str | None, text: str) -> str | None:
        return langs.get(f"answers.{qid}") or lang_of(text)

    if summary_text is not None:
        text, was_cut = cut(summary_text, budget["summary"])
        out.summary = Text(visible(text), lang(fields.summary, summary_text))
        whole |= set() if was_cut else {fields.summary or ""}
    if results_text is not None and budget["results"]:
        text, was_cut = cut(results_text, budget["results"], lead=results_lead())
        out.results = Text(visible(text), lang(fields.results, results_text))
        whole |= set() if was_cut else {fields.results or ""}
    out.whole = frozenset(whole)
    if benefits_text is not None:
        text, _was_cut = cut(benefits_text, budget["benefits"])
        out.benefits = Text(visible(text), lang(fields.benefits, benefits_text))
    n = budget.get("populations", 0)
    out.populations = rows[:n]
    if len(rows) > n:
        out.populations_more = More(len(rows) - n, "determinants", 3, "population")
    n = budget.get("mitigations", 0)
    out.mitigations = mitigations[:n]
    if len(mitigations) > n:
        out.mitigations_more = More(len(mitigations) - n, "answers", 4, "mitigation")
    n = budget.get("flags", 0)
    out.flags = flags[:n]
    if len(flags) > n:
        out.flags_more = More(len(flags) - n, "scorecard", 2, "flag")
    n = budget.get("gaps", 0)
    out.gaps = gaps[:n]
    if len(gaps) > n:
        out.gaps_more = More(len(gaps) - n, "answers", 4, "gap")
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


# --- what a translation's longer words take (English keeps the estimates it was tuned by) ----


def _translated_band(card: Scorecard) -> float:
    """The verdict's band line, score and confidence, when in another language they take
    more than one line (13 pt bold, 17 pt a line)."""
    if english() or card.band is None:
        return 0.0
    confidence = ""
    if card.confidence is not None:
        confidence = " · " + _("Confidence: %(level)s") % {"level": card.confidence.label}
    score = f"{card.score:g} / 100"
    width = (text_em(card.band.label) * BOLD + text_em(score)) * 13 + text_em(confidence) * 10
    return (math.ceil((width + 12) / (WIDTH - 20)) - 1) * 17.0


def _translated_header(columns: tuple[str, ...]) -> float:
    """The who-is-affected table's header row, when in another language its headings wrap."""
    if english():
        return 0.0
    share_of_width = (1 - POPULATION_COLUMN[len(columns)]) / len(columns)
    titles = {
        "gains": _("Gains on (largest first)"),
        "bears": _("Bears a burden on (largest first)"),
    }
    most = max(lines(titles[c], WIDTH * share_of_width - 8, bold=True) for c in columns)
    return (most - 1) * LINE
