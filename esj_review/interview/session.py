"""The interview commands' work: new, resume and edit, with saving on Ctrl-C and on EOF.

No questionary here: the CLI passes in the prompter.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.text import Text

from esj_review.core.answers import Slot
from esj_review.core.checks import check_input, hidden_reason, load_checked
from esj_review.core.errors import InputFileError, Problem, UsageError
from esj_review.core.files import load_data, safe_filename
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import (
    REVIEW_FORMAT,
    Proposal,
    Review,
    Reviewer,
    RubricRef,
    load_review,
    tidy_hidden,
)
from esj_review.core.rubric import Rubric, Section
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import Scorecard
from esj_review.interview.flow import InteractiveRequired, Interrupted, Interview, Prompter
from esj_review.interview.prompts import Option, PromptSpec, answer_from
from esj_review.interview.reviewer import ask_reviewer, reviewer_of

T = TypeVar("T")


def ask_proposal(
    rubric: Rubric,
    known: dict[str, Any],
    prompter: Prompter,
    keys: tuple[str, ...] = ("id", "title", "kind", "department"),
    store: Any = None,
) -> dict[str, Any]:
    """Ask the proposal fields in `keys` that are missing from `known`; `store` saves each."""
    fields = dict(known)
    kinds = tuple(Option(c.label, c.id) for c in rubric.proposal_kinds)

    def must(label: str, limit: int) -> Any:
        return lambda value: (
            None if 0 < len(str(value).strip()) <= limit else f"{label}: 1 to {limit} characters"
        )

    specs = [
        PromptSpec(
            "proposal.id",
            "text",
            "Proposal id (used in file names and page headers)",
            help="A short id, like DOT-2027-014.",
            required=True,
            check=must("id", 80),
            convert=str.strip,
            instruction="(for example DOT-2027-014)",
        ),
        PromptSpec(
            "proposal.title",
            "text",
            "Proposal title",
            required=True,
            check=must("title", 300),
            convert=str.strip,
        ),
        PromptSpec(
            "proposal.kind", "select", "What kind of proposal is it?", options=kinds, required=True
        ),
        PromptSpec(
            "proposal.department",
            "text",
            "Department or office (optional)",
            convert=str.strip,
            check=must("department", 200),
        ),
    ]
    for spec in specs:
        key = spec.path.split(".")[1]
        if key not in keys or fields.get(key):
            continue
        while True:
            value = answer_from(spec, prompter.ask(spec))
            if value is not None or not spec.required:
                break
            prompter.show(Text("  This one is needed to save the review.", style="yellow"))
        if value is not None:
            fields[key] = value
            if store is not None:
                store(key, value)
    return fields


def ask_optional_items(rubric: Rubric, prompter: Prompter) -> list[str]:
    """Offer the rubric's optional items (a determinant a review may switch on, say)."""
    enabled = []
    for item in rubric.optional_items():
        note = f" {item.note}" if item.note else ""
        spec = PromptSpec(
            f"rubric.enable.{item.id}",
            "confirm",
            f"Include '{item.label}' (optional, off by default)?",
            help=f"It can be added as an extra item: {item.description}{note}",
            default=False,
        )
        if prompter.ask(spec) is True:
            enabled.append(item.id)
    return enabled


def start_review(
    rubric: Rubric,
    prompter: Prompter,
    proposal: dict[str, Any],
    answers: dict[str, Any],
    enable: list[str] | None,
) -> Review:
    """A new review from the proposal's id and title (asked for when missing)."""
    fields = ask_proposal(rubric, proposal, prompter, keys=("id", "title"))
    review = Review(
        rubric=RubricRef(id=rubric.id, version=rubric.version, enable=enable or []),
        proposal=Proposal(**fields),
        answers=answers,
    )
    tidy_hidden(rubric, review)
    return review


def finish_proposal(interview: Interview, ask_enable: bool) -> None:
    """Ask the remaining proposal fields and the optional rubric items, saving each."""

    def store(key: str, value: Any) -> None:
        setattr(interview.review.proposal, key, value)
        interview.save()

    known = interview.review.proposal.model_dump()
    ask_proposal(interview.rubric, known, interview.prompter, ("kind", "department"), store)
    if ask_enable and interview.rubric.optional_items():
        interview.review.rubric.enable = ask_optional_items(interview.rubric, interview.prompter)
        tidy_hidden(interview.rubric, interview.review)
        interview.save()


def first_missing(interview: Interview) -> Section | None:
    """The first section that still has unanswered required questions."""
    states = interview.section_states()
    return next((s for s in interview.rubric.sections if states[s.id] != "done"), None)


def find_slot(interview: Interview, path: str) -> Slot:
    """The shown question at `path`; a clear error when it is unknown or hidden."""
    for slot in interview.review.slots(interview.rubric):
        if slot.path == path and not isinstance(slot.question, RepeatQuestion):
            if not slot.visible:
                why = hidden_reason(slot)
                raise UsageError(f"question {path!r} is not shown for this review ({why})")
            return slot
    raise UsageError(
        f"no question {path!r} in rubric {interview.rubric.id}; "
        "repeated questions look like determinant_impacts.housing.direction"
    )


def guarded(interview: Interview, work: Callable[[], T]) -> T:
    """Run part of an interview; on Ctrl-C or end of input, save first, then stop."""
    try:
        return work()
    except KeyboardInterrupt:
        interview.save()
        raise Interrupted(
            f"Interrupted. Your answers are saved in {interview.path}.\n"
            f"Resume with: esj-review resume {interview.path}"
        ) from None
    except EOFError:
        interview.save()
        raise InteractiveRequired() from None
    except InteractiveRequired:
        interview.save()
        raise


def prefill(
    path: Path, rubric: Rubric | None
) -> tuple[
    Rubric, dict[str, Any], dict[str, Any], list[str] | None, list[Problem], Reviewer | None
]:
    """Read an answers file (a review or part of one); drop what does not fit, say why.
    Returns the rubric, the known proposal fields, the answers, the optional items switched
    on (None: not decided), the problems, and who prepared it."""
    data = load_data(path)
    if not isinstance(data, dict):
        raise InputFileError(path, "expected a mapping with `proposal` and `answers`")
    ref = _mapping(data.get("rubric"))
    if rubric is None:
        rubric = load_rubric(str(ref.get("id") or "king-county-esj"))
    elif ref.get("id") not in (None, rubric.id):
        raise InputFileError(
            path, f"written for rubric {ref.get('id')!r}, not {rubric.id!r}", "rubric.id"
        )
    proposal = _mapping(data.get("proposal"))
    answers = _mapping(data.get("answers"))
    # a file that names its rubric has decided its optional items; otherwise they are asked
    enable = ref.get("enable") or [] if ref else None
    if not isinstance(enable, list | None):
        raise InputFileError(path, "expected a list of optional item ids", "rubric.enable")
    trial = {
        "format": REVIEW_FORMAT,
        "rubric": {"id": rubric.id, "version": rubric.version, "enable": enable or []},
        "proposal": {"id": "x", "title": "x"} | {k: v for k, v in proposal.items() if v},
        "answers": answers,
    }
    checked = check_input(trial, path, rubric)
    review, problems = checked.review, checked.errors
    for problem in problems:  # leave out what does not fit; it will be asked
        parts = problem.path.split(".")
        if parts[0] == "answers" and len(parts) > 1:
            _drop_path(review.answers, parts[1:])
        elif parts[0] == "proposal" and len(parts) > 1:
            proposal.pop(parts[1], None)
    known = {k: v for k, v in proposal.items() if k in {"id", "title", "kind", "department"} and v}
    return rubric, known, review.answers, enable, problems, reviewer_of(data)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _drop_path(tree: dict[str, Any], parts: list[str]) -> None:
    node: Any = tree
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(parts[-1], None)


def default_path(proposal_id: str) -> Path:
    """`<id>.yaml` in the current folder, never over an existing file."""
    base = safe_filename(proposal_id)
    path = Path(f"{base}.yaml")
    n = 2
    while path.exists():
        path = Path(f"{base}-{n}.yaml")
        n += 1
    return path


def new_review(
    output: Path | None,
    rubric_ref: str | None,
    answers_file: Path | None,
    prompter: Prompter,
) -> Interview:
    """Start a review: pre-filled answers first, then only what is missing is asked."""
    if output is not None and output.exists():
        raise UsageError(f"{output} already exists; continue it with: esj-review resume {output}")
    rubric = load_rubric(rubric_ref) if rubric_ref else None
    proposal: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    enable: list[str] | None = None
    reviewer: Reviewer | None = None
    if answers_file is not None:
        rubric, proposal, answers, enable, problems, reviewer = prefill(answers_file, rubric)
        for problem in problems:
            prompter.show(
                Text(f"Not used, will be asked: {problem.render(answers_file)}", "yellow")
            )
    rubric = rubric or load_rubric("king-county-esj")
    interactive = sys.stdin.isatty()
    if not interactive and not {"id", "title"} <= proposal.keys():
        raise InteractiveRequired()
    review = start_review(rubric, prompter, proposal, answers, enable)
    review.meta.reviewer = reviewer
    interview = Interview(rubric, review, output or default_path(review.proposal.id), prompter)
    interview.save()
    prompter.show(Text(f"Saving to {interview.path} after every answer.", style="dim"))
    if not interactive and first_missing(interview) is None:
        return interview  # everything was pre-filled: nothing to ask
    guarded(interview, lambda: finish_proposal(interview, ask_enable=enable is None))
    if reviewer is None:  # a file that names its preparer has decided who that is
        guarded(interview, lambda: ask_reviewer(interview))
    guarded(interview, interview.menu)
    return interview


def open_review(path: Path, prompter: Prompter) -> Interview:
    """An interview on an existing review file, refusing one with errors."""
    review: Review = load_review(path)
    if not sys.stdin.isatty():
        raise InteractiveRequired()
    review, rubric, _ = load_checked(review, path)
    return Interview(rubric, review, path, prompter)


def resume_review(path: Path, prompter: Prompter) -> Interview:
    """Continue a review where it stopped: the section menu, on the first unfinished section."""
    interview = open_review(path, prompter)
    guarded(interview, lambda: finish_proposal(interview, ask_enable=False))
    guarded(interview, interview.menu)
    return interview


def edit_review(
    path: Path, section: str | None, question: str | None, prompter: Prompter
) -> tuple[Interview, Scorecard]:
    """Change one section or one answer (or use the menu); returns the scorecard before."""
    interview = open_review(path, prompter)
    before = interview.scorecard()
    if question:
        slot = find_slot(interview, question)
        guarded(interview, lambda: interview.ask_with_followups(slot))
    elif section:
        found = next((s for s in interview.rubric.sections if s.id == section), None)
        if found is None:
            ids = ", ".join(s.id for s in interview.rubric.sections)
            raise UsageError(f"no section {section!r}; sections: {ids}")
        guarded(interview, lambda: interview.ask_section(found, only_missing=False))
    else:
        guarded(interview, interview.menu)
    return interview, before


def offer_report(interview: Interview) -> Path | None:
    """At the end of an interview: offer to write the PDF report beside the review."""
    from contextlib import AbstractContextManager, nullcontext

    from esj_review.core.files import atomic_write
    from esj_review.report.render import render_report
    from esj_review.report.terminal import make_console

    target = interview.path.with_suffix(".pdf")
    spec = PromptSpec(
        "report.pdf",
        "confirm",
        f"Write the PDF report now ({target})?",
        help="The archival PDF for the council packet; esj-review report can write it later.",
        default=True,
    )
    try:
        wanted = interview.prompter.ask(spec)
    except (KeyboardInterrupt, EOFError):
        return None
    if wanted is not True:
        return None
    # Rendering takes seconds: a spinner on a terminal, one plain line otherwise.
    console = make_console(stderr=True)
    message = Text(f"Writing the PDF report ({target})…")
    waiting: AbstractContextManager[Any] = nullcontext()
    if console.is_terminal:
        waiting = console.status(message)
    else:
        console.print(message, soft_wrap=True)
    with waiting:
        data = render_report(interview.rubric, interview.review, "pdf", "archival")
    atomic_write(target, data)
    return target
