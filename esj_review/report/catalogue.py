"""`rubric doc`: a Markdown catalogue of a rubric that a policy analyst can check line by line."""

from __future__ import annotations

from collections.abc import Sequence

from esj_review.core.conditions import describe
from esj_review.core.lint import component_maxima
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.qtypes.select import ChoiceQuestion
from esj_review.core.rubric import TAXONOMIES, Question, Rubric, ValueMap
from esj_review.report.method import plain_method, worked_example, worked_example_text


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def score_rule_text(q: Question) -> str:
    """How a question scores, in words (the question type says how)."""
    if q.score is None:
        return "not scored"
    return f"`{q.score.component}`: {kind_of(q).rule_text(q)}"


def _impact_tables(rubric: Rubric) -> list[str]:
    """The impact rules as tables: each effect's size, share and mitigation values."""
    impact = rubric.scoring.impact
    assert impact is not None
    rows = []
    for side, effects in (("Benefit", impact.benefits), ("Burden", impact.burdens)):
        for e in effects:
            parts = [describe(e.when)]
            for name, vmap in (("size", e.size), ("priority share", e.weight)):
                parts.append(f"{name}: {_map_text(vmap)}")
            for vmap in e.mitigation:
                parts.append(f"share mitigated x {_map_text(vmap)}")
            rows.append([side, e.label, "; ".join(parts)])
    for vmap in impact.benefit_factors:
        rows.append(["Every benefit", "multiplied by", _map_text(vmap)])
    out = _table(["Side", "Effect", "When, and how it counts"], rows)
    if rubric.scoring.confidence:
        out += ["### Confidence", ""]
        out += _table(
            ["Level", "From (percent)", "Rating at most", "Meaning"],
            [
                [
                    c.label,
                    f"{c.min:g}",
                    rubric.band(c.cap).label if c.cap else "no cap",
                    c.description,
                ]
                for c in rubric.scoring.confidence
            ],
        )
    if rubric.scoring.adjustments:
        out += ["### Answers scored as what the review supports", ""]
        out += _table(
            ["Question", "Scored as", "When", "Message"],
            [
                [f"`{a.question}`", f"`{a.value}`", describe(a.when), a.message]
                for a in rubric.scoring.adjustments
            ],
        )
    return out


def _map_text(vmap: ValueMap | float) -> str:
    if not isinstance(vmap, ValueMap):
        return f"{vmap:g}"
    parts = [f"{k} {v:g}" for k, v in vmap.values.items()]
    if vmap.answered is not None:
        parts.append(f"any answer {vmap.answered:g}")
    parts.append(f"unanswered {vmap.otherwise:g}")
    return f"`{vmap.question}` ({', '.join(parts)})"


def render_catalogue(rubric: Rubric) -> str:
    """The whole rubric as Markdown: method, bands, flags, taxonomies, every question, sources."""
    out = [f"# {rubric.title}", ""]
    out += [
        f"- Rubric id: `{rubric.id}`, version {rubric.version}",
        f"- Content hash (sha256): `{rubric.content_hash}`",
    ]
    if rubric.publisher:
        out.append(f"- Publisher: {rubric.publisher}")
    out += ["", rubric.description, ""] if rubric.description else [""]
    notes = " ".join(n for n in (rubric.score_note, rubric.disclaimer) if n)
    if notes:
        out += [f"> {notes}", ""]

    out += ["## The method in two minutes", ""]
    for paragraph in plain_method(rubric):
        out += [paragraph, ""]
    example = worked_example(rubric)
    if example is not None:
        out += [*worked_example_text(example), ""]
    out += ["## How the score is computed", ""]
    if rubric.scoring.method:
        out += [rubric.scoring.method, ""]
    if rubric.scoring.model == "impact" and rubric.scoring.impact is not None:
        scale = rubric.scoring.impact.scale
        out += [
            f"Score = 50 + 50 x net / (|net| + {scale:g}), where net = the sum of benefits - "
            "the sum of burdens left after mitigation. Confidence = 100 x sum over applicable "
            "components of (weight / sum of applicable weights) x (points / most points); the "
            "components below measure confidence, not the score.",
            "",
        ]
        out += _impact_tables(rubric)
    else:
        out += [
            "Score = 100 x sum over applicable components of (weight / sum of applicable "
            "weights) x (points / most points). A component applies when at least one of its "
            "questions is shown. Each ledger entry's share of the 100 is "
            "100 x (weight / applicable weights) x (points / component most points).",
            "",
        ]
    maxima = component_maxima(rubric)
    out += _table(
        ["Component", "Id", "Weight", "Most points", "What it measures"],
        [
            [c.label, f"`{c.id}`", f"{c.weight:g}", maxima[c.id].describe(), c.description]
            for c in rubric.scoring.components
        ],
    )
    out += [
        "### Bands",
        "",
        "A band holds scores from its minimum up to, not including, its "
        "maximum; 100 belongs to the top band.",
        "",
    ]
    out += _table(
        ["Band", "Id", "From", "Below", "Meaning"],
        [
            [b.label, f"`{b.id}`", f"{b.min:g}", f"{b.max:g}", b.description]
            for b in rubric.scoring.bands
        ],
    )
    out += [
        "### Flags",
        "",
        "Flags override arithmetic: a flag with a cap limits the band "
        "whatever the score. In a message, `{item}` stands for the item's label.",
        "",
    ]
    out += _table(
        ["Flag", "Severity", "Raised when", "Band at most", "Message"],
        [
            [
                f"`{f.id}`",
                f.severity,
                (f"for each item of `{f.for_each}`: " if f.for_each else "") + describe(f.when),
                rubric.band(f.cap).label if f.cap else "no cap",
                f.message,
            ]
            for f in rubric.scoring.flags
        ],
    )

    out += [
        "## Proposal fields",
        "",
        "Every review names its proposal with `proposal.id`, "
        "`proposal.title`, `proposal.kind` and `proposal.department`.",
        "",
    ]
    out += _table(["Kind", "Id"], [[c.label, f"`{c.id}`"] for c in rubric.proposal_kinds])

    out += ["## Taxonomies", ""]
    sources = {s.id: s for s in rubric.sources}
    for name in TAXONOMIES:
        items = rubric.taxonomy(name)
        if not items:
            continue
        optional = sum(1 for item in items if item.optional)
        count = f"{len(items) - optional}, plus {optional} optional" if optional else len(items)
        out += [f"### {name.replace('_', ' ').capitalize()} ({count})", ""]
        rows = []
        for i, item in enumerate(items, 1):
            status = "label as in source" if item.verified else "**label not verified**"
            if item.optional:
                status += "; optional, off unless a review enables it"
            if item.note:
                status += f". {item.note}"
            src = f"`{item.source}`" if item.source in sources else ""
            said = item.description
            if said:
                quoted = item.quoted_from in sources
                said += f" (quoted from `{item.quoted_from}`)" if quoted else " (this tool's words)"
            rows.append([i, item.label, f"`{item.id}`", said, src, status])
        out += _table(["#", "Label", "Id", "Description", "Source", "Status"], rows)

    out += [
        "## Sections and questions",
        "",
        "Prompts and help texts are this tool's wording. Where a question follows a source, its "
        '"Why we ask" names the source; a phase or label not checked against the primary '
        "document says so.",
        "",
    ]
    for n, section in enumerate(rubric.sections, 1):
        out += [f"### {n}. {section.title} (`{section.id}`)", ""]
        if section.phase:
            note = "" if section.verified else " (phase wording as commonly cited, not verified)"
            out += [f"{section.phase}{note}.", ""]
        if section.description:
            out += [section.description, ""]
        if section.when:
            out += [f"Section shown when {describe(section.when)}.", ""]
        for q in section.questions:
            out += _question(rubric, q, "####")
            for sub in q.children():
                out += _question(rubric, sub, "#####", parent=q)

    out += ["## Sources", ""]
    for s in rubric.sources:
        issued = ", ".join(p for p in (s.publisher, str(s.year) if s.year else "") if p)
        line = f"- `{s.id}`: *{s.title}*" + (f". {issued}" if issued else "")
        if s.url:
            line += f". <{s.url}>"
        if s.note:
            line += f". {s.note.rstrip('.')}"
        out.append(line + ".")
    return "\n".join(out).rstrip() + "\n"


def _question(rubric: Rubric, q: Question, level: str, parent: Question | None = None) -> list[str]:
    path = f"{parent.id}.<item>.{q.id}" if parent else q.id
    flags = [q.type] + (["required"] if q.required else ["optional"])
    if getattr(q, "multiline", False):
        flags.append("multi-line")
    out = [f"{level} `{path}` ({', '.join(flags)})", "", f"**{q.prompt}**", ""]
    if q.help:
        out += [f"Why we ask: {q.help}", ""]
    kind = kind_of(q)
    facts = kind.facts(q) if isinstance(q, RepeatQuestion) else []
    if q.when:
        facts.append(f"Shown when {describe(q.when)}.")
    if not isinstance(q, RepeatQuestion):
        facts += kind.facts(q)
        facts.append(f"Scores into {score_rule_text(q)}." if q.score else "Not scored.")
    if isinstance(q, ChoiceQuestion) and q.choices_from:
        facts.append(f"Choices: the `{q.choices_from}` taxonomy.")
    out += [" ".join(facts), ""]
    if isinstance(q, ChoiceQuestion) and q.choices:
        src = next((s.title for s in rubric.sources if s.id == q.choices_source), None)
        if src:
            out += [f"Choice labels from: {src}.", ""]
        if q.score:
            rows = [[c.label, f"`{c.id}`", f"{c.points:g}"] for c in q.choices]
            out += _table(["Choice", "Id", "Points"], rows)
        else:
            out += _table(["Choice", "Id"], [[c.label, f"`{c.id}`"] for c in q.choices])
    return out
