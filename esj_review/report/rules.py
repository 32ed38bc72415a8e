"""Ledger rules in the reader's words: how each answer scored, without ids or length
thresholds, and (in another language than English) in that language, the impact lines'
arithmetic with the rubric's own words for the questions and answers it names.

The engine writes its rules in a small fixed grammar (core.scoring, core.impact); these
functions reword them and never change a number.
"""

from __future__ import annotations

import re

from esj_review.core import i18n
from esj_review.core.i18n import _
from esj_review.core.rubric import Question, Rubric

_LENGTH_RULES = (
    (re.compile(r" of at least \d+ characters"), ""),
    (re.compile(r"answer shorter than \d+ characters"), "not counted as an answer"),
)


def plain_impact_rule(rule: str) -> str:
    """An impact line's arithmetic with words for ids ("funding status", not "funding_status")
    and a real multiplication sign."""
    rule = re.sub(r"\b([a-z]+(?:_[a-z0-9]+)+)\b", lambda m: m[1].replace("_", " "), rule)
    rule = re.sub(r"\bx(?=\d)", "× ", rule)
    return rule.replace(" x ", " × ")


_SUM = re.compile(r"^sum of chosen choices \(([^)]*)\) = (.*)$")


def plain_rule(q: Question | None, rule: str) -> str:
    """A ledger rule in the reader's words: the answer stands beside it, so the rule says how
    it scored without repeating it, and never states a length threshold."""
    for pattern, plain in _LENGTH_RULES:
        rule = pattern.sub(plain, rule)
    rule = rule.replace(": no points of ", ": 0 of ")
    if q is None:
        return plain_impact_rule(rule)
    if rule.startswith("choice '"):
        return "this choice" + rule[rule.index(" scores") :]
    if rule.startswith(("yes scores", "no scores")):
        return f"“{rule[: rule.index(' ')].capitalize()}”" + rule[rule.index(" scores") :]
    summed = _SUM.match(rule)
    if summed:
        points = {part.rsplit(" ", 1)[-1] for part in summed[1].split(", ") if part}
        each = (
            f"{points.pop()} for each one chosen"
            if len(points) == 1
            else "points of each one chosen, added"
        )
        return f"{each}: {summed[2]}"
    return rule


_RULE_FORMS = (
    (re.compile(r"^this choice scores (?P<points>\S+) of (?P<most>\S+)$"),
     i18n.N_("this choice scores %(points)s of %(most)s")),
    (re.compile(r"^“(?P<answer>Yes|No)” scores (?P<points>\S+) of (?P<most>\S+)$"),
     i18n.N_("“%(answer)s” scores %(points)s of %(most)s")),
    (re.compile(r"^an answer scores (?P<points>\S+) of (?P<most>\S+)$"),
     i18n.N_("an answer scores %(points)s of %(most)s")),
    (re.compile(r"^not answered: (?P<points>\S+) of (?P<most>\S+)$"),
     i18n.N_("not answered: %(points)s of %(most)s")),
    (re.compile(r"^(?P<each>\S+) for each one chosen: (?P<points>\S+) of (?P<most>\S+)$"),
     i18n.N_("%(each)s for each one chosen: %(points)s of %(most)s")),
    (re.compile(r"^points of each one chosen, added: (?P<points>\S+) of (?P<most>\S+)$"),
     i18n.N_("points of each one chosen, added: %(points)s of %(most)s")),
)  # fmt: skip


def rule_words(rubric: Rubric, q: Question | None, rule: str) -> str:
    """A ledger rule in the current language: the forms `plain_rule` writes, translated
    whole; an impact line's arithmetic with the rubric's words for its ids."""
    if q is None:
        return impact_rule_words(rubric, rule)
    plain = plain_rule(q, rule)
    for pattern, message in _RULE_FORMS:
        found = pattern.match(plain)
        if found:
            values = {k: _number_word(v) for k, v in found.groupdict().items()}
            if "answer" in values:
                values["answer"] = _(found["answer"])
            return _(message) % values
    return plain


def _number_word(text: str) -> str:
    try:
        return i18n.number(float(text))
    except ValueError:
        return text


# --- an impact line's arithmetic in another language ---------------------------------------

_IMPACT_WORDS = {
    "size": i18n.N_("size"),
    "priority share": i18n.N_("priority share"),
    "so": i18n.N_("so"),
    "mitigated": i18n.N_("mitigated"),
    "fixed": i18n.N_("fixed"),
    "no answer": i18n.N_("no answer"),
    "answered": i18n.N_("answered"),
}
_WORD = re.compile(r"\b(priority share|no answer|size|so|mitigated|fixed|answered)\b")


def impact_rule_words(rubric: Rubric, rule: str) -> str:
    """An impact line's arithmetic in the current language: the engine's words translated,
    each question id as its label and each answer id as its choice's label (from the
    rubric, translated with it), the numbers as they are."""
    labels, choices = _vocabulary(rubric)
    out: list[str] = []
    asked: str | None = None  # the question (or "size") whose answer comes next
    for token in re.split(r"(\s+)", rule):
        if not token.strip():
            out.append(token)
        elif asked is not None:
            known = (asked, token) in choices  # its own choice: never another question's
            out.append((choices[(asked, token)] if known else choices.get(("*", token))) or token)
            asked = None
        elif token in labels or token == "size":
            out.append(labels.get(token, token))
            asked = token
        else:
            out.append(token)
    text = _WORD.sub(lambda m: _(_IMPACT_WORDS[m[1]]), "".join(out))
    text = re.sub(r" ?\((\w+)\)", lambda m: i18n.noted("", choices.get(("*", m[1]), m[1])), text)
    return plain_impact_rule(text)


SHORT = 8
"""Words a label may have to stand in for an id inside the arithmetic; a longer one (a
question's prompt, a choice that explains itself) would swamp the numbers, so its first
clause stands in ("Upstream" for "Upstream: changes systems…")."""
_SYLLABLES = {"vi"}  # languages that write each syllable as a word: two count as one
_CLAUSE = re.compile(r"\s*(?::|：|,|，|;|；|\(|（| - | — )")
_HAN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _length(text: str) -> int:
    """Words in `text`, two Chinese, Japanese or Korean characters (or two Vietnamese
    syllables) counting as one."""
    words = len(text.split())
    if i18n.current_language() in _SYLLABLES:
        words = (words + 1) // 2
    return words + len(_HAN.findall(text)) // 2


def short_form(text: str) -> str:
    """`text` when it has at most SHORT words and no "Name: explanation" form, else the
    name before its colon, else its first clause, however long: in another language than
    English a reader is better served by words than by an id."""
    text = text.strip().strip("?:？：¿").strip()
    named = re.split(r"\s*[:：]\s*", text, maxsplit=1)[0]  # "Upstream: changes…" names itself
    if _length(text) <= SHORT and named == text:
        return text
    return named if _length(named) <= SHORT else _CLAUSE.split(text, maxsplit=1)[0].strip()


def _later_labels(rubric: Rubric) -> dict[str, str]:
    """For a review under an earlier shipped version (its shipped text, not a changed copy):
    the short labels the current version gives the same questions (same id, same type), in
    the current language."""
    from esj_review.core.errors import EsjError
    from esj_review.core.rubrics import load_rubric, shipped_rubrics
    from esj_review.core.translations import translated

    if rubric.id not in shipped_rubrics():
        return {}
    try:
        if load_rubric(f"{rubric.id}@{rubric.version}").content_hash != rubric.content_hash:
            return {}
        current = translated(load_rubric(rubric.id), i18n.current_language())
    except EsjError:
        return {}
    if current.version == rubric.version:
        return {}
    kinds = {q.id: q.type for _s, top in rubric.iter_questions() for q in (top, *top.children())}
    found = (q for _section, top in current.iter_questions() for q in (top, *top.children()))
    return {
        q.id: short_form(q.label)
        for q in found
        if short_form(q.label) and kinds.get(q.id) == q.type
    }


Vocabulary = tuple[dict[str, str], dict[tuple[str, str], str]]
_LAST: list[tuple[Rubric, str, Vocabulary]] = []  # the last rubric's, in its language


def _vocabulary(rubric: Rubric) -> Vocabulary:
    """`_words` of the rubric, built once for all the impact lines of a report."""
    lang = i18n.current_language()
    if not (_LAST and _LAST[0][0] is rubric and _LAST[0][1] == lang):
        _LAST[:] = [(rubric, lang, _words(rubric))]
    return _LAST[0][2]


def _words(rubric: Rubric) -> Vocabulary:
    """Question ids to their short labels, and (question id, answer) to the answer's short
    label, lower case; ("*", choice id) for a choice named without its question, ("size",
    choice id) for the size an impact line starts with. A question with no short label
    takes the current version's (for an earlier one) or its prompt's, if short."""
    labels: dict[str, str] = {}
    choices: dict[tuple[str, str], str] = {}
    later: dict[str, str] | None = None
    questions = [q for _section, top in rubric.iter_questions() for q in (top, *top.children())]
    for q in sorted(questions, key=lambda q: "size" not in q.id):  # size questions first
        label = short_form(str(getattr(q, "label", None) or ""))
        if not label:
            later = _later_labels(rubric) if later is None else later
            label = later.get(q.id) or short_form(q.prompt)
        labels[q.id] = _lower(label) if label else q.id
        if q.type == "bool":
            choices[(q.id, "yes")] = _lower(_("Yes"))
            choices[(q.id, "no")] = _lower(_("No"))
        for choice in getattr(q, "choices", None) or []:
            word = _lower(short_form(choice.label))
            choices[(q.id, choice.id)] = word  # "" when too long: the id, never another's
            if not word:
                continue
            choices.setdefault(("*", choice.id), word)
            if "size" in q.id:
                choices.setdefault(("size", choice.id), word)
    return labels, choices


def _lower(text: str) -> str:
    """A label as a word inside a sentence: its first letter in lower case."""
    return text[:1].lower() + text[1:]
