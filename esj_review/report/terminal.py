"""Rich renderings for the terminal: the scorecard, the ledger, rubric summaries.

User text is always passed as `Text` (never markup), so brackets in a proposal title are shown
as typed, and through `core.text.neutral`, so a terminal escape in a title is shown, never run.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from esj_review.core import i18n
from esj_review.core.answers import plain_answer
from esj_review.core.i18n import _, ngettext
from esj_review.core.lint import LintReport
from esj_review.core.rubric import TAXONOMIES, Rubric
from esj_review.core.scoring import Scorecard
from esj_review.core.text import neutral

SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}


def scorecard_view(card: Scorecard, rubric: Rubric, *, ledger: bool = False) -> RenderableType:
    """The scorecard as a terminal screen: headline, components, flags, gaps."""
    head = Text()
    head.append(neutral(card.proposal.title) + "\n", style="bold")
    head.append(neutral(f"{card.proposal.id} · {rubric.title} {rubric.version} "), style="dim")
    head.append(_("(rubric hash %(hash)s)") % {"hash": card.rubric.hash[:12]} + "\n\n", style="dim")
    if card.score is None:
        head.append(_("Incomplete:") + " ", style="bold yellow")
        n = len(card.gaps)
        missing = ngettext(
            "%(num)d required answer missing, so there is no score yet.",
            "%(num)d required answers missing, so there is no score yet.",
            n,
        )
        head.append(missing % {"num": n} + "\n")
    else:
        assert card.band is not None
        head.append(
            _("Score %(score)s / 100") % {"score": i18n.number(card.score)} + " · ", style="bold"
        )
        head.append(card.band.label, style="bold green" if card.band.id == "advances" else "bold")
        head.append("\n")
        if card.impact is not None:
            impact = _("Impact: benefits %(benefits)s - burdens left %(burdens)s = net %(net)s")
            values = {
                "benefits": i18n.number(card.impact.benefit),
                "burdens": i18n.number(card.impact.burden),
                "net": i18n.signed(card.impact.net),
            }
            head.append(impact % values + "\n")
        if card.confidence is not None:
            confidence = _("Confidence %(level)s (%(percent)s of the process and evidence points)")
            values = {
                "level": card.confidence.label,
                "percent": i18n.percent(card.confidence.percent),
            }
            head.append(confidence % values + "\n")
        if card.uncapped_band and card.uncapped_band.id != card.band.id:
            capped = (
                _("Capped by a flag or low confidence; the impact alone gives: %(band)s")
                if card.confidence
                else _("Capped by a flag; the impact alone gives: %(band)s")
            )
            head.append(capped % {"band": card.uncapped_band.label} + "\n")
    completeness = _("Completeness %(percent)s of required questions answered")
    head.append(completeness % {"percent": i18n.percent(card.completeness)} + "\n")

    title = _("Confidence: process and evidence") if card.confidence else _("Components")
    table = Table(title=title, title_justify="left")
    table.add_column(_("Component"))
    table.add_column(_("Weight"), justify="right")
    table.add_column(_("Points"), justify="right")
    table.add_column(_("Percent"), justify="right")
    if card.complete:
        table.add_column(
            _("Of the confidence") if card.confidence else _("Of 100"), justify="right"
        )
    for comp in card.components:
        if comp.applicable:
            row = [
                f"{i18n.number(comp.points)}/{i18n.number(comp.max)}",
                i18n.percent(comp.percent or 0),
            ]
        else:
            row = ["-", _("n/a")]
        if card.complete:
            row.append(i18n.fixed(comp.contribution, 1))
        table.add_row(comp.label, i18n.number(comp.weight), *row)
    parts: list[RenderableType] = [head, table] if card.components else [head]
    if card.flags:
        flags = listing(_("Flags"))
        for flag in card.flags:
            message = Text(neutral(flag.message))
            if flag.cap:
                band = rubric.band(flag.cap).label
                message.append(" " + _("Band at most: %(band)s.") % {"band": band}, style="dim")
            flags.add_row(
                Text(severity_word(flag.severity), SEVERITY_STYLE.get(flag.severity, "")), message
            )
        parts.append(flags)
    if card.gaps:
        gaps = listing(_("Gaps (required, not answered)"))
        for gap in card.gaps:
            gaps.add_row(
                Text(neutral(gap.question), style="yellow", overflow="fold"),
                Text(neutral(gap.prompt)),
            )
        parts.append(gaps)
    if card.hidden_answers:
        hidden = listing(_("Answers kept but not scored (hidden by a condition)"))
        for path in card.hidden_answers:
            hidden.add_row(Text(neutral(path)), Text(""))
        parts.append(hidden)
    if ledger:
        parts.append(ledger_view(card))
    note = rubric.score_note.rstrip(".。")
    closing = (
        _("%(note)s; this score is esj-review's method (esj-review rubric doc).") % {"note": note}
        if note
        else _("This score is esj-review's method (esj-review rubric doc).")
    )
    parts.append(Text(closing, style="dim"))  # the rubric's note: no jurisdiction named here
    return Group(*parts)


SEVERITY_WORDS = {
    "critical": i18n.N_("CRITICAL"),
    "warning": i18n.N_("WARNING"),
    "info": i18n.N_("INFO"),
}


def severity_word(severity: str) -> str:
    """A flag's severity as the terminal shows it ("CRITICAL")."""
    word = SEVERITY_WORDS.get(severity)
    return _(word) if word else severity.upper()


def listing(title: str, *, gap: int = 2, narrow_lead: bool = False) -> Table:
    """A borderless two-column list whose second column wraps with a hanging indent: a lead
    of up to 36 columns (wrapping), or, `narrow_lead`, a short one that never wraps (a bullet,
    "was"/"now") beside a second column that takes the rest of the line."""
    grid = Table.grid(padding=(0, gap), pad_edge=True, expand=narrow_lead)
    grid.title = title
    grid.title_justify = "left"
    grid.title_style = "bold"
    if narrow_lead:
        grid.add_column(no_wrap=True, min_width=4)
    else:
        grid.add_column(no_wrap=False, max_width=36)
    grid.add_column(ratio=1)
    return grid


def ledger_view(card: Scorecard) -> Table:
    """Every scored answer, grouped by component: question, answer, points, share, rule."""
    table = Table(title=_("Ledger"), title_justify="left")
    table.add_column(_("Question"), overflow="fold")
    table.add_column(_("Answer"), overflow="fold", max_width=24)
    table.add_column(_("Points"), justify="right", no_wrap=True)
    table.add_column(_("Of 100"), justify="right", no_wrap=True)
    table.add_column(_("Rule"), overflow="fold")
    labels = {"impact": _("Impact (benefits and burdens)")}
    labels.update({c.id: c.label for c in card.components})
    order = list(labels)
    current = None
    for entry in sorted(card.ledger, key=lambda e: order.index(e.component)):
        if entry.component != current:
            current = entry.component
            table.add_row(Text(labels.get(current, current), style="bold"), end_section=False)
        shown = plain_answer(entry.answer)
        if len(shown) > 40:
            shown = shown[:39] + "…"
        table.add_row(
            Text(neutral(entry.question)),
            Text(neutral(shown)),
            f"{i18n.number(entry.points)}/{i18n.number(entry.max)}",
            i18n.fixed(entry.contribution, 2),
            Text(entry.rule),
        )
    return table


def rubric_list_view(rubrics: list[Rubric]) -> Table:
    """The shipped rubrics."""
    table = Table(title="Rubrics", title_justify="left")
    for name in ("Id", "Version", "Title", "Questions"):
        table.add_column(name)
    for r in rubrics:
        count = sum(1 + len(q.children()) for _, q in r.iter_questions())
        table.add_row(r.id, r.version, r.title, str(count))
    return table


def rubric_text_view(rubric: Rubric) -> RenderableType:
    """A compact overview of a rubric for `rubric show`."""
    parts: list[RenderableType] = []
    head = Text(f"{rubric.title}\n", style="bold")
    head.append(f"{rubric.id} {rubric.version}  hash {rubric.content_hash[:12]}\n", style="dim")
    parts.append(head)
    for name in TAXONOMIES:
        items = rubric.taxonomy(name)
        if not items:
            continue
        text = Text(f"{name.replace('_', ' ').capitalize()} ({len(items)})\n", style="bold")
        for i, item in enumerate(items, 1):
            text.append(f"  {i:2}. {item.label}")
            if item.optional:
                text.append("  [optional, off by default]", style="dim")
            if not item.verified:
                text.append("  [wording not verified]", style="dim")
            text.append(f"  ({item.id})\n", style="dim")
        parts.append(text)
    sections = Text("Sections\n", style="bold")
    for section in rubric.sections:
        count = sum(1 + len(q.children()) for q in section.questions)
        sections.append(f"  {section.id:12} {section.title} ({count} questions)\n")
    parts.append(sections)
    weights = Text("Components\n", style="bold")
    for comp in rubric.scoring.components:
        weights.append(f"  {comp.weight:>5g}  {comp.label}\n")
    parts.append(weights)
    return Group(*parts)


def lint_view(report: LintReport, rubric: Rubric) -> RenderableType:
    """Maximum points per component, as `rubric validate` prints them."""
    table = Table(title="Maximum points per component", title_justify="left")
    table.add_column("Component")
    table.add_column("Weight", justify="right")
    table.add_column("Most points")
    for comp in rubric.scoring.components:
        table.add_row(comp.label, f"{comp.weight:g}", report.component_max[comp.id].describe())
    return table


def make_console(stderr: bool = False, width: int | None = None) -> Console:
    """A console that respects NO_COLOR; `width` fixes the layout for files. It never turns
    ":name:" codes in text (a title, an id) into emoji: what was typed is what is shown."""
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, emoji=False)
