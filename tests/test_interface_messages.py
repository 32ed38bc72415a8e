"""The interview's own texts go through the `interface` catalogue.

Two checks. The template `esj_review/locale/interface.pot` holds exactly what the code marks.
And a pseudo-language whose catalogue wraps every message in "⟦…⟧" drives whole interviews:
every word a person is shown is then either inside a wrapper, rubric content, or what the
analyst typed or chose; and the saved review is the one the English interview saves. That
includes what core's question types and answer checks give the interview: prompt hints,
choice titles, and the messages for what is refused.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from rich.console import Console, RenderableType

from esj_review.core import i18n
from esj_review.core.answers import answer_parts
from esj_review.core.checks import check_review, check_value, hidden_reason
from esj_review.core.conditions import MISSING
from esj_review.core.errors import EsjError
from esj_review.core.review import load_review
from esj_review.core.rubric import Rubric
from esj_review.interview.prompter import InteractiveRequired, Interrupted
from esj_review.interview.prompts import Option, PromptSpec, spec_for
from esj_review.interview.session import edit_review, new_review, resume_review
from esj_review.interview.terminal import QuestionaryPrompter
from tests.conftest import EXAMPLES
from tests.pseudo import CLOSE, OPEN, PSEUDO, extract, wrap, write_pseudo
from tests.rubric_builder import YES, build, rubric_data
from tests.rubric_builder import review as rubric_review
from tests.scripted import Scripted, flatten

ROOT = Path(__file__).resolve().parent.parent
TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
"""A made-up language tag (the pseudo-locale convention's `qps`): no real catalogue has it."""
WRAPPED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
WORDS = re.compile(r"[^\W\d_]+")

PROPOSAL = {
    "proposal.id": "EX-TRANSIT-2027-01",
    "proposal.title": "Expand reduced-fare transit",
    "proposal.kind": "program",
    "proposal.department": "Transit Department (example)",
    "rubric.enable.digital_equity": False,
    "meta.reviewer.name": "Avery Analyst",
    "meta.reviewer.role": "Equity analyst",
}

pytestmark = pytest.mark.usefixtures("terminal")  # the interview checks for one


# --- the template --------------------------------------------------------------------------


def _ids(path: Path) -> set[Any]:
    with path.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_the_interface_template_holds_every_message_the_code_marks(tmp_path: Path) -> None:
    """A text marked in the interview or the command line but missing from interface.pot
    would stay English in every language (and one kept there that the code no longer marks
    is work for translators with nothing to show)."""
    out = extract(tmp_path / "now.pot", "babel-interface.cfg")
    now, kept = _ids(out), _ids(i18n.LOCALE_DIR / "interface.pot")
    assert now - kept == set(), "marked in the code, missing from interface.pot"
    assert kept - now == set(), "in interface.pot, no longer marked in the code"
    interview = {m for m in now if "Which answer?" in m or "Sections · %(score)s" in m}
    assert interview, "the interview's messages are extracted"
    core = {"(empty to skip)", "Skip for now (leaves a gap)", "expected a number"}
    assert core <= now, "core's texts for the interview are extracted (`ui` by name)"


# --- a pseudo-language ---------------------------------------------------------------------


@pytest.fixture
def pseudo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The pseudo-language's catalogues, for the interface (and the report's scorecard that
    the review screen shows); numbers written as in US English."""
    locale = tmp_path / "locale"
    for domain in (i18n.INTERFACE, i18n.DOMAIN):
        target = locale / PSEUDO / "LC_MESSAGES" / f"{domain}.po"
        write_pseudo(i18n.LOCALE_DIR / f"{domain}.pot", target)
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setitem(i18n.FORMAT_LOCALES, PSEUDO, "en_US")
    i18n.translations.cache_clear()
    yield PSEUDO
    i18n.translations.cache_clear()


class Recorder(Scripted):
    """Answers questions from a script and menus by the value to choose (whatever the menu
    says, in whatever language): at a menu offering the next step's value, choose it; other
    menus take their default. Records every text the interview shows."""

    def __init__(
        self,
        answers: dict[str, Any],
        steps: Sequence[Any] = (),
        later: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(answers)
        self.steps = list(steps)
        self.later = dict(later or {})  # the answer the second time a question is asked
        self.texts: list[str | None] = []
        self.instructions: list[str] = []  # of the rubric's questions: core's question types

    def ask(self, spec: PromptSpec) -> Any:
        if spec.path in self.later and spec.path in self.asked:
            self.answers[spec.path] = self.later.pop(spec.path)
        self.texts += [spec.message, spec.help, spec.instruction]
        if not spec.path.startswith(("proposal.", "meta.", "rubric.")):
            self.instructions.append(spec.instruction)
        self.texts += [t for o in spec.options for t in (o.label, o.description)]
        return super().ask(spec)

    def choose(self, message: str, options: Sequence[Option], default: Any = None) -> Any:
        self.menus.append(message)
        assert len(self.menus) < 300, f"menus without end: {self.menus[-5:]}"
        self.texts += [message, *(t for o in options for t in (o.label, o.description))]
        if self.steps and any(o.value == self.steps[0] for o in options):
            return self.steps.pop(0)
        return default

    def show(self, item: RenderableType) -> None:
        self.texts += _lines(item)

    def page(self, item: RenderableType) -> None:
        self.texts += _lines(item)


def _lines(item: RenderableType) -> list[str]:
    """What the screen shows, a line at a time, wide enough that nothing is wrapped."""
    screen = io.StringIO()
    Console(file=screen, width=3000, force_terminal=False, color_system=None).print(item)
    return screen.getvalue().splitlines()


def _strings(tree: Any) -> Iterator[str]:
    if isinstance(tree, str):
        yield tree
        yield from tree.splitlines()
    elif isinstance(tree, dict):  # values only: field names ("optional", "label") are not shown
        for value in tree.values():
            yield from _strings(value)
    elif isinstance(tree, list | tuple | set | frozenset):
        for value in tree:
            yield from _strings(value)
    elif isinstance(tree, int | float) and not isinstance(tree, bool):
        yield str(tree)


def _not_ours(rubric: Rubric, path: Path, answers: dict[str, Any]) -> re.Pattern[str]:
    """Whatever may be shown untranslated: every string of the rubric (labels, prompts, help,
    ids), what the script typed or chose and how core shows it, and the file's path."""
    known = set(_strings(rubric.model_dump())) | set(_strings(list(answers.values())))
    known |= {str(path), path.name, str(path.with_suffix(".pdf"))}
    review = load_review(path)
    for slot in review.slots(rubric):
        known |= set(answer_parts(rubric, slot.question, slot.value, review.enabled))
    known = {k.strip() for k in known if k.strip()}
    alternatives = "|".join(re.escape(k) for k in sorted(known, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _untranslated(texts: Sequence[str | None], not_ours: re.Pattern[str]) -> list[str]:
    """The texts that show a word outside every ⟦…⟧ and outside rubric and user content."""
    found = []
    for text in texts:
        if not text:
            continue
        rest, before = text, ""
        while rest != before:  # innermost wrappers first: a message inside a message
            before, rest = rest, WRAPPED.sub(" ", rest)
        rest = not_ours.sub(" ", rest)
        if WORDS.search(rest):
            found.append(f"{text!r} leaves {rest.strip()!r}")
    return found


def _saved(path: Path) -> dict[str, Any]:
    data = load_review(path).model_dump(mode="json")
    data["meta"].pop("created", None)
    data["meta"].pop("updated", None)
    return data


def _run(
    lang: str, path: Path, work: Callable[[Path], Recorder | list[Recorder]]
) -> list[Recorder]:
    with i18n.use_language(lang):
        recorders = work(path)
    return recorders if isinstance(recorders, list) else [recorders]


def _answers(transit_data: dict[str, Any]) -> dict[str, Any]:
    return {**PROPOSAL, **flatten(transit_data["answers"])}


def _new_walk(transit_data: dict[str, Any]) -> Callable[[Path], Recorder]:
    """A new review, every section in order, then the review screen and Finish."""

    def work(path: Path) -> Recorder:
        prompter = Recorder(_answers(transit_data))
        interview = new_review(path, None, None, prompter)
        assert interview.finished
        return prompter

    return work


def _menu_walk(transit_data: dict[str, Any]) -> Callable[[Path], Recorder]:
    """A new review left with a gap: the menu; change an answer (to one that shows another
    question), clear one, the optional parts, the proposal, the reviewer; the review screen
    and back; a section again; quit."""
    answers = _answers(transit_data) | {"geography_detail": "Tracts 1-9"}
    del answers["alternatives"]  # a gap: the interview ends on the menu
    steps = [
        ("change", ""),
        ("section", "scope"),
        "geography",
        "change",
        ("change", ""),
        ("section", "learn"),
        "metrics_owner",
        "clear",
        ("change", ""),
        ("options", ""),
        ("change", ""),
        ("proposal", ""),
        ("reviewer", ""),
        ("review", ""),
        "back",
        ("section", "analysis"),
        ("quit", ""),
    ]

    def work(path: Path) -> Recorder:
        prompter = Recorder(answers, steps, later={"geography": "specific_places"})
        interview = new_review(path, None, None, prompter)
        assert not interview.finished and prompter.steps == [] and prompter.later == {}
        return prompter

    return work


def _stops(path: Path) -> list[Recorder]:
    """Ctrl-C, no terminal, names `edit` does not know: the messages that stop an interview."""
    shown = Recorder({})
    answers = {"engagement_level": KeyboardInterrupt}
    with pytest.raises(Interrupted) as interrupted:
        resume_review(path, Recorder(answers, [("section", "assess")]))
    shown.texts.append(interrupted.value.message)
    for section, question in (
        (None, "colour"),
        (None, "geography_detail"),
        ("nope", None),
        (None, "determinant_impacts.housing.nothing"),
        (None, "determinant_impacts.hosing.direction"),
        (None, "determinant_impacts.housing.direction"),
    ):
        with pytest.raises(EsjError) as refused:
            edit_review(path, section, question, Recorder({}))
        shown.texts.append(refused.value.message)
    shown.texts.append(InteractiveRequired().message)
    return [shown]


@pytest.mark.parametrize("walk", ["new", "menu"])
def test_every_text_the_interview_shows_is_translated(
    walk: str, pseudo: str, tmp_path: Path, transit_data: dict[str, Any], kc: Rubric
) -> None:
    """In the pseudo-language every fixed text is wrapped; what is left unwrapped is the
    rubric's, the analyst's, or core's. The file saved is the English interview's."""
    work = _new_walk(transit_data) if walk == "new" else _menu_walk(transit_data)
    english = _run(i18n.DEFAULT, tmp_path / "en.yaml", work)
    translated = _run(pseudo, tmp_path / "qps.yaml", work)
    assert _saved(tmp_path / "qps.yaml") == _saved(tmp_path / "en.yaml")
    assert [r.asked for r in translated] == [r.asked for r in english]
    assert len(translated[0].menus) == len(english[0].menus)

    texts = [t for r in translated for t in r.texts]
    answers = _answers(transit_data) | {"geography_detail": "Tracts 1-9"}
    assert texts and len(translated[0].menus) > 3
    with i18n.use_language(pseudo):
        not_ours = _not_ours(kc, tmp_path / "qps.yaml", answers)
    assert _untranslated(texts, not_ours) == []
    # the English run shows the same texts unwrapped: the check can tell them apart
    english_texts = [t for r in english for t in r.texts]
    with i18n.use_language(i18n.DEFAULT):
        english_not_ours = _not_ours(kc, tmp_path / "en.yaml", answers)
    assert len(_untranslated(english_texts, english_not_ours)) > 20
    # the hints core's question types give are shown, each a whole wrapped message
    hints = {i for r in translated for i in r.instructions if i}
    assert len(hints) > 2 and all(WRAPPED.fullmatch(i) for i in hints), hints

    shown = "\n".join(t for t in texts if t)
    expected = ["⟦How do you want to go through", "⟦Finished? ", "⟦Id⟧", "⟦Saving to "]
    expected += ["⟦Every answer is saved", "⟦Who prepared this review?", "⟦Answer all "]
    if walk == "menu":
        expected += ["⟦Sections · ", "⟦Which answer?⟧", "⟦Which question?⟧", "⟦Cleared; "]
        expected += ["⟦Include '", "⟦Proposal id ", "⟦Back to the sections⟧"]
    assert [e for e in expected if e not in shown] == []


def test_the_messages_that_stop_an_interview_are_translated(
    pseudo: str, tmp_path: Path, kc: Rubric
) -> None:
    """Ctrl-C, no terminal, and each name `edit` refuses: one whole message each, wrapped
    (a message inside it, like a list of sections, wrapped too), English once unwrapped."""
    path = tmp_path / "r.yaml"
    path.write_text(TRANSIT.read_text())
    english = [t or "" for t in _run(i18n.DEFAULT, path, _stops)[0].texts]
    path.write_text(TRANSIT.read_text())
    texts = [t or "" for t in _run(pseudo, path, _stops)[0].texts]
    assert len(texts) == len(english) == 8
    for wrapped, plain in zip(texts, english, strict=True):
        assert wrapped.startswith(OPEN) and wrapped.endswith(CLOSE), wrapped
        assert wrapped.replace(OPEN, "").replace(CLOSE, "") == plain


CHOICES = [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Beta"}]
CORE_RUBRIC = build(
    rubric_data(
        YES,
        {"id": "gate", "type": "select", "prompt": "Gate?", "required": True, "choices": CHOICES},
        {"id": "amount", "type": "number", "prompt": "Amount?"},
        {"id": "count", "type": "number", "prompt": "Count?", "integer": True, "min": 1},
        {"id": "year", "type": "number", "prompt": "Year?", "min": 2000, "max": 2100},
        {"id": "due", "type": "date", "prompt": "Due?"},
        {"id": "note", "type": "text", "prompt": "Note?", "max_length": 3},
        {
            "id": "areas",
            "type": "multiselect",
            "prompt": "Areas?",
            "min_selected": 2,
            "choices": CHOICES,
            "when": {"equals": {"question": "gate", "value": "a"}},
        },
    )
)
REFUSED: list[tuple[str, str]] = [
    ("amount", "next year"),
    ("amount", "3 zillion"),
    ("amount", "1.2.3"),
    ("amount", "1,2,3"),
    ("amount", "1" * 20),
    ("count", "2.5"),
    ("year", "FY2027 next"),
    ("year", "2025-2027"),
    ("due", "next Tuesday"),
    ("due", "6/30/27"),
    ("due", "0000-01-01"),
    ("due", "13/30/2027"),
    ("due", "2027-13-01"),
    ("due", "2/30/2027"),
    ("due", "Smarch 3, 2027"),
]
WRONG: list[tuple[str, Any]] = [
    ("yes", "maybe"),
    ("gate", "c"),
    ("amount", "many"),
    ("amount", float("inf")),
    ("amount", 10**16),
    ("count", 0),
    ("count", 1.5),
    ("year", 2200),
    ("due", "soon"),
    ("due", "2027-02-30"),
    ("note", 7),
    ("note", "long"),
    ("areas", "a"),
    ("areas", ["c"]),
    ("areas", ["a", "a"]),
    ("areas", ["a"]),
]


def _core_texts() -> list[str]:
    """What core gives the interview for CORE_RUBRIC's questions, in the current language:
    hints, choice titles (not the rubric's choices), refusals of typed text and of values,
    and the problems of a review (a hidden answer among them) with why it is hidden."""
    rubric_choices = {c["id"] for c in CHOICES}
    specs = {
        q.id: spec_for(CORE_RUBRIC, q, q.id, MISSING, frozenset())
        for _s, q in CORE_RUBRIC.iter_questions()
    }
    shown: list[str] = []
    for spec in specs.values():  # a list (select) has no hint of core's
        shown += [spec.instruction] if spec.widget != "select" else []
        shown += [o.label for o in spec.options if o.value not in rubric_choices]
    shown.append(specs["areas"].check([]) or "")  # nothing ticked, at least two asked
    shown += [specs[qid].text_error(raw) or "" for qid, raw in REFUSED]
    for qid, value in WRONG:
        q = CORE_RUBRIC.question(qid)
        assert q is not None
        shown.append(check_value(CORE_RUBRIC, q, value, frozenset()) or "")
    data = rubric_review({"gate": "b", "areas": ["a", "b"], "bogus": 1}, CORE_RUBRIC)
    shown += [p.message for p in check_review(CORE_RUBRIC, data)]
    shown += [hidden_reason(s) for s in data.slots(CORE_RUBRIC) if not s.visible]
    return shown


def test_core_texts_the_interview_shows_are_translated(pseudo: str) -> None:
    """Core's question types and answer checks: each prompt hint, choice title ("Yes",
    "Skip for now (leaves a gap)") and refusal (of typed text, of a value, a hidden answer
    and why) is one whole message, wrapped; without the wrappers it is the English."""
    with i18n.use_language(i18n.DEFAULT):
        english = _core_texts()
    with i18n.use_language(pseudo):
        translated = _core_texts()
    assert len(english) == len(translated) > 40
    assert all(english) and not any(OPEN in text for text in english)
    for wrapped, plain in zip(translated, english, strict=True):
        assert wrapped.startswith(OPEN) and wrapped.endswith(CLOSE), wrapped
        assert wrapped.replace(OPEN, "").replace(CLOSE, "") == plain
    for expected in ("Yes", "No", "Skip for now", "Skip for now (leaves a gap)"):
        assert wrap(expected) in translated, expected
    assert any(t.startswith(f"{OPEN}is answered but hidden ({OPEN}shown only") for t in translated)


def test_the_terminal_prompters_own_words_are_translated(
    pseudo: str, kc: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the questionary prompter adds itself (the "Why we ask" line, a list's and a long
    answer's instruction) is translated; in English it is questionary's own wording."""
    import questionary
    from questionary.constants import INSTRUCTION_MULTILINE

    instructions: list[str | None] = []

    class Asked:
        def __init__(self, value: Any) -> None:
            self.value = value

        def unsafe_ask(self) -> Any:
            return self.value

    def select(message: str, **kwargs: Any) -> Asked:
        instructions.append(kwargs.get("instruction"))
        return Asked(kwargs["choices"][0].value)

    def text(message: str, **kwargs: Any) -> Asked:
        instructions.append(kwargs.get("instruction"))
        return Asked("A summary")

    monkeypatch.setattr(questionary, "select", select)
    monkeypatch.setattr(questionary, "text", text)
    question = kc.question("summary")
    assert question is not None

    def ask(lang: str) -> str:
        prompter = QuestionaryPrompter()
        screen = io.StringIO()
        prompter.console = Console(file=screen, width=3000, color_system=None)
        with i18n.use_language(lang):
            spec = spec_for(kc, question, "summary", MISSING, frozenset())
            assert spec.multiline and spec.help
            assert prompter.ask(spec) == "A summary"
            assert prompter.choose("Menu", [Option("First", 1)], 1) == 1
        return screen.getvalue()

    english = ask(i18n.DEFAULT)
    assert instructions == [INSTRUCTION_MULTILINE, "(Use arrow keys)"]
    assert english.lstrip().startswith("Why we ask: ")
    instructions.clear()
    translated = ask(pseudo)
    assert instructions == [wrap(INSTRUCTION_MULTILINE), wrap("(Use arrow keys)")]
    assert translated.lstrip().startswith(f"{OPEN}Why we ask: ")
