"""Random keys at the interview's prompts, in a real terminal: never a traceback, never a lost
answer, never a file that does not load.

Each sequence starts a new review (the small GARE rubric), or, one in three, resumes a review
stopped halfway; it answers a random number of the first prompts as an analyst would (so the
keys land on the proposal's prompts, the choice of pace, a narrative box, a list of choices, a
checkbox, a yes/no list, the section menu, "Change one answer…", a section's questions and the
change-or-clear menu),
then, once the next prompt is drawn, presses random keys, then Ctrl-C until it stops. The file
is read after every key. `make test` runs 200 sequences (KEY_FUZZ=200); the default is 40.
"""

from __future__ import annotations

import os
import random
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pexpect
import yaml
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.review import load_review
from tests.test_terminal import drawn, spawn

KEYS = {
    "up": "\x1b[A",
    "down": "\x1b[B",
    "left": "\x1b[D",
    "right": "\x1b[C",
    "esc": "\x1b",
    "alt+enter": "\x1b\r",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "ctrl+d": "\x04",
    "ctrl+c": "\x03",
    "enter": "\r",
    "backspace": "\x7f",
    "space": " ",
    "a": "a",
    "n": "n",
    "x": "x",
    "1": "1",
    "7": "7",
    "0": "0",
}
# Ctrl-C ends a sequence early, so it is rarer than the rest; "y" is left out so that a
# finished interview does not spend seconds on a PDF.
WEIGHTS = {name: 1 for name in KEYS} | {"ctrl+c": 0.2, "enter": 3, "down": 2}

# What an analyst types to reach the first sections' prompts of a new review.
SCRIPT = [
    ("Proposal id", "G-7\r"),
    ("Proposal title", "Library fines\r"),
    ("What kind of proposal", "\x1b[B\r"),
    ("Department", "Library\r"),
    ("Who prepared this review", "\r"),
    ("How do you want to go through", "\r"),
    ("3 required questions and 2 optional", "\r"),  # step 1: answer all
    ("What is the proposal?", "End overdue fines.\x1b\r"),
    ("desired results", "Overdue fines fall to zero for every card holder in the county.\x1b\r"),
    ("How clearly", "\x1b[B\r"),
    ("Which outcomes inside government", "\x1b\r"),  # optional: left empty
    ("have the ability to affect?", "\r"),  # optional checkbox: nothing ticked
    ("2 required questions and 4 optional", "\r"),  # step 2: answer all
    ("What data did you use", "Circulation records by branch and ZIP code.\x1b\r"),
    ("broken down by race", "\x1b[B\r"),
]
# ... and to reach the section menu, the change list and a change-or-clear menu of a review
# stopped halfway (the proposal and the first section answered).
RESUME_SCRIPT = [
    ("Sections", "\x1b[B" * 7 + "\r"),  # past Continue and six sections: "Change one answer…"
    ("Which answer?", "\x1b[B" * 3 + "\r"),  # from Back: proposal, reviewer, section 1
    ("Which question?", "\r"),  # its first: summary
    ("Change it", "\r"),
    ("What is the proposal?", "\x1b\r"),
]
HALFWAY = {
    "format": "esj-review/1",
    "rubric": {"id": "gare-racial-equity", "version": "2.0.0"},
    "proposal": {"id": "G-7", "title": "Library fines", "kind": "policy"},
    "answers": {
        "summary": "End overdue fines.",
        "desired_results": "Overdue fines fall to zero for every card holder in the county.",
        "outcome_clarity": "measurable",
    },
    "meta": {"passed": ["proposal.department"]},
}

N = int(os.environ.get("KEY_FUZZ", "40"))


def answers_in(path: Path) -> dict[str, Any]:
    """The answers on disk (answered or set aside), flattened to dotted paths."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    flat: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict) and node:
            for key, value in node.items():
                walk(f"{prefix}.{key}", value)
        elif prefix:  # an empty block is no answer (a cleared one moves to set_aside)
            flat[prefix] = node

    for block in ("answers", "set_aside"):
        walk("", data.get(block) or {})
    proposal = data.get("proposal") or {}
    flat.update({f"proposal.{k}": v for k, v in proposal.items() if v is not None})
    return flat


def drain(child: pexpect.spawn, seconds: float) -> str:
    """What the program printed within `seconds` (it may have stopped)."""
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            out.append(child.read_nonblocking(65536, timeout=max(0.0, end - time.monotonic())))
        except pexpect.TIMEOUT:
            break
        except pexpect.EOF:
            break
    return "".join(out)


def run_sequence(seed: int, workdir: Path) -> tuple[str, int | None, list[str]]:
    """Play one seeded sequence; return the output, the exit status and the keys pressed."""
    rng = random.Random(seed)
    path = workdir / "r.yaml"
    if seed % 3 == 2:
        path.write_text(yaml.safe_dump(HALFWAY))
        child = spawn("resume", "r.yaml", cwd=workdir)
        script = RESUME_SCRIPT
    else:
        child = spawn("new", "r.yaml", "--rubric", "gare-racial-equity", cwd=workdir)
        script = SCRIPT
    shown = []
    steps = rng.randint(0, len(script) - 1)
    for n, (prompt, keys) in enumerate(script[: steps + 1]):
        drawn(child, prompt)
        shown.append(str(child.before) + str(child.after))
        if n < steps:  # the last prompt waited for gets the random keys
            child.send(keys)
    names = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()), k=rng.randint(3, 12))
    seen: dict[str, Any] = {}
    for name in names:
        if not child.isalive():
            break
        child.send(KEYS[name])
        shown.append(drain(child, 0.06))
        now = answers_in(path)
        lost = [key for key in seen if key not in now]
        assert not lost, (seed, names, lost, "".join(shown))
        seen = now
    for _ in range(4):  # Ctrl-C until it stops (a first one may only end a pager or a box)
        if child.isalive():
            child.send("\x03")
        try:
            child.expect(pexpect.EOF, timeout=10)
            shown.append(str(child.before))
            break
        except pexpect.TIMEOUT:
            shown.append(str(child.before))
    alive = child.isalive()
    child.close(force=True)
    if alive:  # still running after four Ctrl-C: a hang, reported with what it showed
        shown.append(f"\n[still running after Ctrl-C; signal {child.signalstatus}]")
    now = answers_in(path)
    assert not [key for key in seen if key not in now], (seed, names, "".join(shown))
    # A Ctrl-C that lands while Python is shutting down ends it by SIGINT: a shell's 130.
    status = child.exitstatus if child.signalstatus != signal.SIGINT else 130
    return "".join(shown), status, names


def check_sequence(seed: int, workdir: Path) -> None:
    """One seeded sequence and everything that must hold after it."""
    shown, status, names = run_sequence(seed, workdir)
    assert "Traceback" not in shown, (seed, names, shown)
    assert status in {0, 2, 130}, (seed, names, status, shown)
    path = workdir / "r.yaml"
    if path.exists():
        load_review(path)  # the file always loads: incomplete at worst, never broken
    if status == 130 and path.exists():
        assert "esj-review resume r.yaml" in shown, (seed, names, shown)


def test_random_keys_never_crash_or_lose_an_answer(tmp_path: Path) -> None:
    # Each sequence mostly waits for the terminal, so several run at once.
    def one(seed: int) -> str | None:
        workdir = tmp_path / str(seed)
        workdir.mkdir()
        try:
            check_sequence(seed, workdir)
        except AssertionError as exc:
            return f"seed {seed}: {exc}"
        return None

    with ThreadPoolExecutor(max_workers=6) as pool:
        failures = [f for f in pool.map(one, range(N)) if f]
    assert not failures, "\n\n".join(failures[:3])
    for path in sorted(tmp_path.glob("*/r.yaml")):  # the runner is not thread-safe
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code in {0, 1}, (path.parent.name, result.output, result.stderr)
