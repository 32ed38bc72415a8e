"""`rubric doc`: a Markdown catalogue of a rubric that a policy analyst can check line by line,
in the current language: each fixed text one message, the Markdown outside the messages (so a
translation cannot break it), the rubric's own texts translated with the rubric."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from esj_review.core import i18n
from esj_review.core.conditions import AllOf, Answered, AnyOf, Condition, Equals, In, Not
from esj_review.core.i18n import N_, _, ngettext, number
from esj_review.core.lint import ComponentMax, component_maxima
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.qtypes.select import ChoiceQuestion
from esj_review.core.rubric import TAXONOMIES, Question, Rubric, ValueMap
from esj_review.report.method import WorkedExample, plain_method, worked_example
from esj_review.report.rules import impact_rule_words

_TAXONOMY_NAMES = {"determinants": N_("Determinants"), "goal_areas": N_("Goal areas"),
                   "strategies": N_("Strategies"), "policy_areas": N_("Policy areas"),
                   "populations": N_("Populations")}  # fmt: skip
_SEVERITIES = {"info": N_("info"), "warning": N_("warning"), "critical": N_("critical")}

# The sentences the question types write (`rule_text`, `facts`), each translated whole; a
# sentence not listed here stays English rather than being half translated.
_TYPE_TEXTS = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"(?P<points>\S+) for an answer", N_("%(points)s for an answer")),
        (r"(?P<points>\S+) for an answer of at least (?P<length>\d+) characters",
         N_("%(points)s for an answer of at least %(length)s characters")),
        (r"yes (?P<yes>\S+), no (?P<no>\S+)", N_("yes %(yes)s, no %(no)s")),
        (r"the chosen choice's points", N_("the chosen choice's points")),
        (r"the sum of the chosen choices' points", N_("the sum of the chosen choices' points")),
        (r"the sum of the chosen choices' points, capped at (?P<most>\S+)",
         N_("the sum of the chosen choices' points, capped at %(most)s")),
        (r"Choose at least (?P<count>\d+)\.", N_("Choose at least %(count)s.")),
        (r"Asked once for each choice made in `(?P<question>\w+)`\.",
         N_("Asked once for each choice made in %(question)s.")),
        (r"Must be (?P<limits>.+)\.", N_("Must be %(limits)s.")),
        (r"at least (?P<min>\S+)", N_("at least %(min)s")),
        (r"at most (?P<max>\S+)", N_("at most %(max)s")),
        (r"a whole number", N_("a whole number")),
    )
)  # fmt: skip


def _type_text(text: str) -> str:
    """A sentence a question type wrote, in the current language."""
    for pattern, message in _TYPE_TEXTS:
        found = pattern.fullmatch(text)
        if found:
            return _(message) % {k: _type_value(k, v) for k, v in found.groupdict().items()}
    return text


def _type_value(key: str, value: str) -> str:
    if key == "question":
        return f"`{value}`"
    if key == "limits":
        return i18n.comma().join(_type_text(part) for part in value.split(", "))
    try:  # a bound stays as the type wrote it: it may be a year (2000, not 2,000)
        return value if key in ("min", "max") else number(float(value))
    except ValueError:
        return value


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def score_rule_text(q: Question) -> str:
    """How a question scores, in words (the question type says how)."""
    if q.score is None:
        return _("not scored")
    return f"`{q.score.component}`{i18n.colon()}{_type_text(kind_of(q).rule_text(q))}"


def _condition(cond: Condition) -> str:
    """A condition in words, in the current language (in English, `describe`'s words)."""
    if isinstance(cond, AllOf | AnyOf):
        conds, joined = (
            (cond.all_, N_("%(condition)s and %(next)s"))
            if isinstance(cond, AllOf)
            else (cond.any_, N_("%(condition)s or %(next)s"))
        )
        texts = [
            i18n.noted("", _condition(c)).strip() if isinstance(c, AllOf | AnyOf) else _condition(c)
            for c in conds
        ]
        return functools.reduce(lambda a, b: _(joined) % {"condition": a, "next": b}, texts)
    if isinstance(cond, Not):
        return _("not (%(condition)s)") % {"condition": _condition(cond.not_)}
    if isinstance(cond, Answered):
        return _("%(question)s is answered") % {"question": f"`{cond.answered}`"}
    if isinstance(cond, In):
        listed = {"question": f"`{cond.in_.question}`"}
        listed["values"] = i18n.comma().join(_value(v) for v in cond.in_.values)
        return _("%(question)s is one of %(values)s") % listed
    test, message = (
        (cond.equals, N_("%(question)s is %(value)s"))
        if isinstance(cond, Equals)
        else (cond.includes, N_("%(question)s includes %(value)s"))
    )
    return _(message) % {"question": f"`{test.question}`", "value": _value(test.value)}


def _value(value: object) -> str:
    """A value a condition tests: an id as written (`'burden'`), yes or no in words."""
    if isinstance(value, bool):
        return _("True") if value else _("False")
    return repr(value)


def _impact_tables(rubric: Rubric) -> list[str]:
    """The impact rules as tables: each effect's size, share and mitigation values."""
    impact = rubric.scoring.impact
    assert impact is not None
    rows = []
    for side, effects in ((N_("Benefit"), impact.benefits), (N_("Burden"), impact.burdens)):
        for e in effects:
            parts = [_condition(e.when)]
            for name, vmap in ((N_("size"), e.size), (N_("priority share"), e.weight)):
                parts.append(f"{_(name)}{i18n.colon()}{_map_text(vmap)}")
            for vmap in e.mitigation:
                parts.append(_("share mitigated x %(values)s") % {"values": _map_text(vmap)})
            rows.append([_(side), e.label, i18n.list_separator().join(parts)])
    for vmap in impact.benefit_factors:
        rows.append([_("Every benefit"), _("multiplied by"), _map_text(vmap)])
    out = _table([_("Side"), _("Effect"), _("When, and how it counts")], rows)
    if rubric.scoring.confidence:
        out += ["### " + _("Confidence"), ""]
        head = [_("Level"), _("From (percent)"), _("Rating at most"), _("Meaning")]
        levels = rubric.scoring.confidence
        rows = [[c.label, number(c.min), _cap(rubric, c.cap), c.description] for c in levels]
        out += _table(head, rows)
    adjusts = rubric.scoring.adjustments
    if adjusts:
        out += ["### " + _("Answers scored as what the review supports"), ""]
        head = [_("Question"), _("Scored as"), _("When"), _("Message")]
        rows = [[f"`{a.question}`", f"`{a.value}`", _condition(a.when), a.message] for a in adjusts]
        out += _table(head, rows)
    return out


def _cap(rubric: Rubric, band: str | None) -> str:
    """The band a confidence level or a flag caps the rating at."""
    return rubric.band(band).label if band else _("no cap")


def _map_text(vmap: ValueMap | float) -> str:
    if not isinstance(vmap, ValueMap):
        return number(vmap)
    parts = [f"{k} {number(v)}" for k, v in vmap.values.items()]
    if vmap.answered is not None:
        parts.append(_("any answer %(points)s") % {"points": number(vmap.answered)})
    parts.append(_("unanswered %(points)s") % {"points": number(vmap.otherwise)})
    return i18n.noted(f"`{vmap.question}`", i18n.comma().join(parts))


def _most_points(most: ComponentMax) -> str:
    """The most a component can earn (`12 + 9 per determinant_impacts item`)."""
    parts = [number(most.fixed)] if most.fixed or not most.per_item else []
    for rid, points in most.per_item.items():
        parts.append(
            _("%(points)s per %(question)s item") % {"points": number(points), "question": rid}
        )
    return " + ".join(parts)


def _worked_example(rubric: Rubric, example: WorkedExample) -> list[str]:
    """The worked example as Markdown lines; in another language than English the engine's
    arithmetic in that language's words."""
    card = example.card
    english = i18n.current_language() == i18n.DEFAULT
    title = {"title": f"*{example.title}*", "file": f"`examples/{example.source}`"}
    out = [_("Worked example: %(title)s (%(file)s).") % title, ""]
    for heading, rows in ((N_("Benefits:"), example.benefits), (N_("Burdens:"), example.burdens)):
        if rows:
            out.append(_(heading))
            for label, rule, _points in rows:
                shown = rule if english else impact_rule_words(rubric, rule)
                out.append(f"- {label}{i18n.colon()}{shown}")
            out.append("")
    if card.impact is not None and card.score is not None and card.band is not None:
        impact, net = card.impact, card.impact.net
        figures = (impact.benefit, impact.burden, net, abs(net), impact.scale, card.score)
        names = ("benefits", "burdens", "net_value", "size", "scale", "score")
        values = dict(zip(names, map(number, figures), strict=True))
        values |= {"net": i18n.signed(net), "band": (card.uncapped_band or card.band).label}
        arithmetic = _(
            "Net = %(benefits)s - %(burdens)s = %(net)s; score = 50 + 50 x %(net_value)s / "
            "(%(size)s + %(scale)s) = %(score)s, in “%(band)s”."
        )
        out.append(arithmetic % values)
        if card.confidence is not None:
            level = {"percent": i18n.percent(card.confidence.percent)}
            level["level"] = card.confidence.label
            said = _("Confidence: %(percent)s of the process and evidence points, “%(level)s”.")
            out.append(said % level)
        flags = [f.message for f in card.flags if f.cap]
        if flags:
            out.append(_("Flags that cap the rating: %(messages)s") % {"messages": " ".join(flags)})
        out.append(_("Rating: %(band)s.") % {"band": f"**{card.band.label}**"})
    return out


def render_catalogue(rubric: Rubric) -> str:
    """The whole rubric as Markdown: method, bands, flags, taxonomies, every question, sources."""
    out = [f"# {rubric.title}", ""]
    named = {"id": f"`{rubric.id}`", "version": rubric.version}
    out += [
        "- " + _("Rubric id: %(id)s, version %(version)s") % named,
        "- " + _("Content hash (sha256)") + f"{i18n.colon()}`{rubric.content_hash}`",
    ]
    if rubric.publisher:
        out.append("- " + _("Publisher") + f"{i18n.colon()}{rubric.publisher}")
    out += ["", rubric.description, ""] if rubric.description else [""]
    notes = " ".join(n for n in (rubric.score_note, rubric.disclaimer) if n)
    if notes:
        out += [f"> {notes}", ""]

    out += ["## " + _("The method in two minutes"), ""]
    for paragraph in plain_method(rubric):
        out += [paragraph, ""]
    example = worked_example(rubric)
    if example is not None:
        out += [*_worked_example(rubric, example), ""]
    out += ["## " + _("How the score is computed"), ""]
    if rubric.scoring.method:
        out += [rubric.scoring.method, ""]
    if rubric.scoring.model == "impact" and rubric.scoring.impact is not None:
        scale = {"scale": number(rubric.scoring.impact.scale)}
        out += [
            _(
                "Score = 50 + 50 x net / (|net| + %(scale)s), where net = the sum of benefits - "
                "the sum of burdens left after mitigation. Confidence = 100 x sum over "
                "applicable components of (weight / sum of applicable weights) x (points / most "
                "points); the components below measure confidence, not the score."
            )
            % scale,
            "",
        ]
        out += _impact_tables(rubric)
    else:
        out += [
            _(
                "Score = 100 x sum over applicable components of (weight / sum of applicable "
                "weights) x (points / most points). A component applies when at least one of "
                "its questions is shown. Each ledger entry's share of the 100 is "
                "100 x (weight / applicable weights) x (points / component most points)."
            ),
            "",
        ]
    maxima = component_maxima(rubric)
    head = [_("Component"), _("Id"), _("Weight"), _("Most points"), _("What it measures")]
    out += _table(head, [
        [c.label, f"`{c.id}`", number(c.weight), _most_points(maxima[c.id]), c.description]
        for c in rubric.scoring.components
    ])  # fmt: skip
    bands_note = _(
        "A band holds scores from its minimum up to, not including, its maximum; 100 belongs to "
        "the top band."
    )
    out += ["### " + _("Bands"), "", bands_note, ""]
    head = [_("Band"), _("Id"), _("From"), _("Below"), _("Meaning")]
    bands = rubric.scoring.bands
    out += _table(
        head, [[b.label, f"`{b.id}`", number(b.min), number(b.max), b.description] for b in bands]
    )
    flags_note = _(
        "Flags override arithmetic: a flag with a cap limits the band whatever the score. In "
        "a message, %(item)s stands for the item's label."
    )
    out += ["### " + _("Flags"), "", flags_note % {"item": "`{item}`"}, ""]
    head = [_("Flag"), _("Severity"), _("Raised when"), _("Band at most"), _("Message")]
    rows = []
    for f in rubric.scoring.flags:
        when = {"question": f"`{f.for_each}`", "condition": _condition(f.when)}
        each = _("for each item of %(question)s: %(condition)s") % when
        severity = _(_SEVERITIES.get(f.severity, f.severity))
        rows.append(
            [
                f"`{f.id}`",
                severity,
                each if f.for_each else when["condition"],
                _cap(rubric, f.cap),
                f.message,
            ]
        )
    out += _table(head, rows)

    fields = ("id", "title", "kind", "department")
    out += ["## " + _("Proposal fields"), ""]
    out += [
        _("Every review names its proposal with %(id)s, %(title)s, %(kind)s and %(department)s.")
        % {name: f"`proposal.{name}`" for name in fields},
        "",
    ]
    out += _table([_("Kind"), _("Id")], [[c.label, f"`{c.id}`"] for c in rubric.proposal_kinds])
    out += ["## " + _("Taxonomies"), ""]
    out += _taxonomies(rubric)

    out += ["## " + _("Sections and questions"), ""]
    out += [
        _(
            "Prompts and help texts are this tool's wording. Where a question follows a source, "
            'its "Why we ask" names the source; a phase or label not checked against the '
            "primary document says so."
        ),
        "",
    ]
    for n, section in enumerate(rubric.sections, 1):
        out += ["### " + i18n.noted(f"{n}. {section.title}", f"`{section.id}`"), ""]
        if section.phase:
            phase = {"phase": section.phase}
            unverified = _("%(phase)s (phase wording as commonly cited, not verified).") % phase
            out += [f"{section.phase}." if section.verified else unverified, ""]
        if section.description:
            out += [section.description, ""]
        if section.when:
            shown = {"condition": _condition(section.when)}
            out += [_("Section shown when %(condition)s.") % shown, ""]
        for q in section.questions:
            out += _question(rubric, q, "####")
            for sub in q.children():
                out += _question(rubric, sub, "#####", parent=q)

    out += ["## " + _("Sources"), ""]
    for s in rubric.sources:
        issued = ", ".join(p for p in (s.publisher, str(s.year) if s.year else "") if p)
        line = f"- `{s.id}`: *{s.title}*" + (f". {issued}" if issued else "")
        if s.url:
            line += f". <{s.url}>"
        if s.note:
            line += f". {s.note}"
        out.append(line if i18n.ends_sentence(line) else line + ".")
    return "\n".join(out).rstrip() + "\n"


def _taxonomies(rubric: Rubric) -> list[str]:
    """Each taxonomy as a table: its items, where each comes from and whether it is checked."""
    out: list[str] = []
    sources = {s.id: s for s in rubric.sources}
    for name in TAXONOMIES:
        items = rubric.taxonomy(name)
        if not items:
            continue
        optional = sum(1 for item in items if item.optional)
        title = _(_TAXONOMY_NAMES.get(name, name.replace("_", " ").capitalize()))
        counts = {"name": title, "optional": number(optional)}
        counts["count"] = number(len(items) - optional)
        heading = _("%(name)s (%(count)s)")
        if optional:  # one English form; another language may need the number's plural form
            heading = ngettext(
                "%(name)s (%(count)s, plus %(optional)s optional)",
                "%(name)s (%(count)s, plus %(optional)s optional)",
                optional,
            )
        out += ["### " + heading % counts, ""]
        rows = []
        for i, item in enumerate(items, 1):
            status = (
                _("label as in source") if item.verified else "**" + _("label not verified") + "**"
            )
            if item.optional:
                optional_note = _("%(status)s; optional, off unless a review enables it")
                status = optional_note % {"status": status}
            if item.note:
                status += f"{i18n.full_stop()} {item.note}"
            src = f"`{item.source}`" if item.source in sources else ""
            said = item.description
            if said and item.quoted_from in sources:
                quoted = {"description": said, "source": f"`{item.quoted_from}`"}
                said = _("%(description)s (quoted from %(source)s)") % quoted
            elif said:
                said = _("%(description)s (this tool's words)") % {"description": said}
            rows.append([number(i), item.label, f"`{item.id}`", said, src, status])
        headers = ["#", _("Label"), _("Id"), _("Description"), _("Source"), _("Status")]
        out += _table(headers, rows)
    return out


def _question(rubric: Rubric, q: Question, level: str, parent: Question | None = None) -> list[str]:
    path = f"{parent.id}.<item>.{q.id}" if parent else q.id
    flags = [q.type, _("required") if q.required else _("optional")]
    if getattr(q, "multiline", False):
        flags.append(_("multi-line"))
    out = [i18n.noted(f"{level} `{path}`", i18n.comma().join(flags)), "", f"**{q.prompt}**", ""]
    if q.help:
        out += [_("Why we ask: %(help)s") % {"help": q.help}, ""]
    kind = kind_of(q)
    facts = [_type_text(f) for f in kind.facts(q)] if isinstance(q, RepeatQuestion) else []
    if q.when:
        facts.append(_("Shown when %(condition)s.") % {"condition": _condition(q.when)})
    if not isinstance(q, RepeatQuestion):
        facts += [_type_text(f) for f in kind.facts(q)]
        scored = {"rule": score_rule_text(q)}
        facts.append(_("Scores into %(rule)s.") % scored if q.score else _("Not scored."))
    if isinstance(q, ChoiceQuestion) and q.choices_from:
        taxonomy = {"taxonomy": f"`{q.choices_from}`"}
        facts.append(_("Choices: the %(taxonomy)s taxonomy.") % taxonomy)
    out += [" ".join(facts), ""]
    if isinstance(q, ChoiceQuestion) and q.choices:
        src = next((s.title for s in rubric.sources if s.id == q.choices_source), None)
        if src:
            out += [_("Choice labels from: %(source)s.") % {"source": src}, ""]
        head = [_("Choice"), _("Id"), _("Points")][: 3 if q.score else 2]
        rows = [[c.label, f"`{c.id}`", number(c.points)][: len(head)] for c in q.choices]
        out += _table(head, rows)
    return out
