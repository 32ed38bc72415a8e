"""Outputs that fight back: a FIFO, a device, a folder or a link where a file should go, a full
disk, a read-only folder, the input itself. Each is one line on stderr with a documented exit
code, never a traceback, and whatever was in the way is left as it was."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core import files, rubrics
from esj_review.core.errors import ExitCode, InputFileError, OutputError
from esj_review.core.files import atomic_write, load_data
from tests.conftest import EXAMPLES, ROOT, RUBRICS

TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
WRITE = "from pathlib import Path; from esj_review.core.files import atomic_write;"
OLD = time.time() - 3600  # an mtime an hour ago: a temporary file that old is stale


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout, stderr; fails if anything escaped as an exception (a traceback)."""
    result = CliRunner().invoke(app, list(args))
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def refused(args: list[str], code: ExitCode, line: str) -> None:
    """The command fails with exactly one line on stderr."""
    got, _, err = run(*args)
    assert (got, err) == (code, f"error: {line}\n")


@pytest.fixture
def review(tmp_path: Path) -> Path:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(yaml.safe_load(TRANSIT.read_text()), default=str))
    return path


# --- what is at the output path ----------------------------------------------------------------


def test_a_fifo_or_a_folder_is_refused_and_left_as_it_was(review: Path, tmp_path: Path) -> None:
    fifo, folder = tmp_path / "out.json", tmp_path / "reports"
    os.mkfifo(fifo)
    folder.mkdir()
    for target, line in (
        (fifo, f"{fifo}: is not a regular file (a FIFO); refusing to replace it"),
        (folder, f"{folder}: is a folder, not a file"),
    ):
        refused(["report", str(review), "-f", "json", "-o", str(target)], ExitCode.USAGE, line)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and list(folder.iterdir()) == []
    assert sorted(os.listdir(tmp_path)) == ["out.json", "r.json", "reports"]


def test_a_device_or_a_socket_is_refused_and_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("making a device node needs privileges")
    refused(
        ["score", str(TRANSIT), "-f", "json", "-o", str(node)],
        ExitCode.USAGE,
        f"{node}: is not a regular file (a character device); refusing to replace it",
    )
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("s")  # relative: a socket's path has a short limit
        with pytest.raises(OutputError, match=r"^s: is not a regular file \(a socket\)"):
            atomic_write(Path("s"), "x")
        assert stat.S_ISSOCK(os.lstat("s").st_mode)


def test_a_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    code, _, err = run("template", "-o", str(link))
    assert code == 0 and err == f"wrote {link}\n"
    assert link.is_symlink() and real.read_text() == run("template")[1]
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to("made/by/the/write.json")  # as the shell's `>` does, the target is made
    atomic_write(dangling, "new")
    assert dangling.is_symlink() and (tmp_path / "made/by/the/write.json").read_text() == "new"


def test_a_link_to_a_fifo_or_in_a_loop_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "out.txt"
    link.symlink_to(fifo)
    refused(
        ["template", "-o", str(link)],
        ExitCode.USAGE,
        f"{link}: is not a regular file (a FIFO); refusing to replace it",
    )
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    with pytest.raises(OutputError, match="loop: is a symbolic link that leads round in a loop"):
        atomic_write(loop, "x")


# --- the system says no ------------------------------------------------------------------------


def test_a_full_disk_is_one_line_and_leaves_the_old_file(
    review: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.json"
    out.write_text("old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    refused(
        ["report", str(review), "-f", "json", "-o", str(out)],
        ExitCode.USAGE,
        f"{out}: cannot write: No space left on device",
    )
    assert out.read_text() == "old" and sorted(os.listdir(tmp_path)) == ["out.json", "r.json"]

    def read_only(src: str, dst: str) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), src, dst)

    monkeypatch.undo()
    monkeypatch.setattr(os, "replace", read_only)  # the last step fails: the same clean-up
    with pytest.raises(OutputError, match=r"out\.txt: cannot write: Read-only file system"):
        atomic_write(tmp_path / "out.txt", "x")
    assert sorted(os.listdir(tmp_path)) == ["out.json", "r.json"]


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_a_read_only_folder_is_one_line(
    code: int, review: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Monkeypatched: root writes anywhere, and a read-only file system needs a mount."""

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(code, os.strerror(code), str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(Path, "mkdir", lambda self, **kw: self.is_dir() or refuse())
    for args, target in (
        (["template", "-o", str(tmp_path / "new" / "t.yaml")], "new/t.yaml"),  # cannot make new/
        (["report", str(review)], "r.pdf"),  # the default name, beside the review
        (["template", "-f", "xlsx", "-o", str(tmp_path / "t.xlsx")], "t.xlsx"),
    ):
        line = f"{tmp_path / target}: cannot write: {os.strerror(code)}"
        refused(args, ExitCode.USAGE, line)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")
def test_a_folder_without_write_permission(review: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    for args, target in (
        (["report", str(review), "-f", "json"], locked / "out.json"),
        (["template"], locked / "sub" / "t.yaml"),  # a folder it cannot make
    ):
        refused(
            [*args, "-o", str(target)], ExitCode.USAGE, f"{target}: cannot write: Permission denied"
        )


def test_missing_folders_are_made_but_not_through_a_file(review: Path, tmp_path: Path) -> None:
    deep = tmp_path / "new" / "sub" / "out.json"
    code, _, _ = run("report", str(review), "-f", "json", "-o", str(deep))
    assert code == 0 and deep.is_file()
    afile = tmp_path / "afile"
    afile.write_text("keep")
    for args in (["report", str(review), "-f", "json"], ["template"], ["template", "-f", "csv"]):
        target = afile / "sub" / "out.txt"
        refused(
            [*args, "-o", str(target)],
            ExitCode.USAGE,
            f"{target}: cannot write: {afile} is a file, not a folder",
        )
    assert afile.read_text() == "keep"


def test_a_name_too_long_is_one_line_and_a_long_name_that_fits_works(tmp_path: Path) -> None:
    target = tmp_path / ("x" * 300)
    refused(
        ["template", "-o", str(target)],
        ExitCode.USAGE,
        f"{target}: cannot write: File name too long",
    )
    fits = tmp_path / ("é" * 120 + ".yaml")  # 245 bytes: its temporary name is cut short
    atomic_write(fits, "ok")
    assert os.listdir(tmp_path) == [fits.name] and fits.read_text() == "ok"


def test_batch_into_a_file_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("keep")
    args = ["batch", str(TRANSIT), "--out", str(out), "--format", "none"]
    refused(args, ExitCode.USAGE, f"--out {out} is a file, not a folder")
    with pytest.raises(OutputError, match="is a file, not a folder") as info:
        files.ensure_folder(out)  # the shared helper says the same
    assert info.value.exit_code == ExitCode.USAGE and out.read_text() == "keep"


def test_any_other_os_failure_is_one_line_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import esj_review.core.checks

    def broken(*args: object) -> None:
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), "some/where")

    monkeypatch.setattr(esj_review.core.checks, "load_checked", broken)
    refused(["score", str(TRANSIT)], ExitCode.PROBLEMS, "some/where: Is a directory")
    result = CliRunner().invoke(app, ["--debug", "score", str(TRANSIT)])
    assert isinstance(result.exception, IsADirectoryError)
    for error, line in (
        (MemoryError(), "not enough memory to finish"),
        (RecursionError(), "the input is nested too deeply to process"),
    ):

        def fail(*args: object, error: BaseException = error) -> None:
            raise error

        monkeypatch.setattr(esj_review.core.checks, "load_checked", fail)
        refused(["score", str(TRANSIT)], ExitCode.PROBLEMS, line)


def test_extract_of_a_folder_is_one_line(tmp_path: Path) -> None:
    code, _, err = run("extract", str(tmp_path))
    assert code == ExitCode.PROBLEMS and err.count("\n") == 1
    assert err.startswith(f"error: {tmp_path}: ")


# --- never over an input -----------------------------------------------------------------------


def test_a_report_never_replaces_its_review(review: Path, tmp_path: Path) -> None:
    before = review.read_bytes()
    refused(
        ["report", str(review), "-f", "json"],  # the default name is the review's, as .json
        ExitCode.USAGE,
        f"{review}: is the input; refusing to write over it (name another file with -o)",
    )
    link = tmp_path / "link.json"
    link.symlink_to(review)
    hard = tmp_path / "hard.json"
    os.link(review, hard)
    for other in (link, hard):
        refused(
            ["report", str(review), "-f", "json", "-o", str(other)],
            ExitCode.USAGE,
            f"{other}: is the input {review}; refusing to write over it "
            "(name another file with -o)",
        )
    assert review.read_bytes() == before
    assert run("report", str(review), "-f", "json", "-o", "-")[0] == 0
    assert review.read_bytes() == before


def test_extract_score_template_and_demo_never_replace_their_input(
    review: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7 the only copy")
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text((RUBRICS / "king-county-esj.yaml").read_text())
    guide = tmp_path / "s-dictionary.csv"  # the rubric where a sheet's dictionary would go
    guide.write_text(rubric.read_text())
    example = tmp_path / "examples" / TRANSIT.name  # a copy: a regression must not eat the real one
    example.parent.mkdir()
    example.write_bytes(TRANSIT.read_bytes())
    real_dir = rubrics.data_dir
    monkeypatch.setattr(
        rubrics, "data_dir", lambda n: example.parent if n == "examples" else real_dir(n)
    )
    cases = [
        (["extract", str(pdf), "-o", str(pdf), "--force"], pdf),
        (["score", str(review), "-f", "json", "-o", str(review)], review),
        (["score", str(review), "--rubric", str(rubric), "-o", str(rubric)], rubric),
        (["template", "--rubric", str(rubric), "-o", str(rubric)], rubric),
        (
            ["template", "--rubric", str(guide), "-f", "csv", "-o", str(guide.parent / "s.csv")],
            guide,
        ),
    ]
    for args, victim in cases:
        before = victim.read_bytes()
        code, _, err = run(*args)
        assert code == ExitCode.USAGE and "refusing to write over it" in err, args
        assert victim.read_bytes() == before
    code, _, err = run("demo", "-o", str(example))
    assert code == ExitCode.USAGE and err.startswith(f"error: {example}: is the input")
    assert example.read_bytes() == TRANSIT.read_bytes()


# --- temporary files a killed run left -----------------------------------------------------------


def test_stale_temporary_files_of_the_target_are_removed(tmp_path: Path) -> None:
    def temp(name: str, *, old: bool = True) -> Path:
        path = tmp_path / name
        path.write_text("half")
        if old:
            os.utime(path, (OLD, OLD))
        return path

    stale = temp(".out.json.k9x_2abc.tmp")
    fresh = temp(".out.json.fresh123.tmp", old=False)  # maybe a writer between open and lock
    other = temp(".other.json.k9x_2abc.tmp")  # another file's
    unlike = temp(".out.json.notours.bak")  # not our pattern
    held = temp(".out.json.held0000.tmp")
    link = tmp_path / ".out.json.linkzzzz.tmp"
    link.symlink_to(other.name)
    with held.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # a live writer holds its file
        atomic_write(tmp_path / "out.json", "{}")
    assert not stale.exists()
    assert all(p.exists() for p in (fresh, other, unlike, held)) and link.is_symlink()


def test_a_killed_writer_leaves_a_temporary_file_the_next_run_removes(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    writer = f"""
import time
from pathlib import Path
from esj_review.core.files import atomic_write

def pieces():
    yield "half of it"
    print("half-way", flush=True)
    time.sleep(600)
    yield "never"

atomic_write(Path({str(target)!r}), pieces())
"""
    proc = subprocess.Popen([sys.executable, "-c", writer], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"half-way\n"
        [left] = [p for p in tmp_path.iterdir() if p.name.startswith(".out.yaml.")]
        os.utime(left, (OLD, OLD))
        again = [sys.executable, "-c", f"{WRITE} atomic_write(Path({str(target)!r}), 'done')"]
        subprocess.run(again, cwd=ROOT, check=True)
        assert left.exists()  # old, but its writer is alive and holds it
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert left.exists() and target.read_text() == "done"
        subprocess.run(again, cwd=ROOT, check=True)
        assert not left.exists()
        assert os.listdir(tmp_path) == ["out.yaml"]
    finally:
        proc.kill()
        proc.wait()


# --- what is read: duplicate keys, numbers JSON does not have, empty files ------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "a", "format": "b"}', "duplicate key 'format'"),
        ('{"answers": {"x": 1, "y": 2, "x": 3}}', "duplicate key 'x'"),
        ('{"answers": {"n": NaN}}', "NaN is not a number JSON allows; numbers must be finite"),
        ('{"n": -Infinity}', "-Infinity is not a number JSON allows; numbers must be finite"),
        ('{"n": 1e999}', "1e999 is too large a number; numbers must be finite"),
    ],
)
def test_json_duplicate_keys_and_non_finite_numbers_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "r.json"
    path.write_text(text)
    refused(["score", str(path)], ExitCode.PROBLEMS, f"{path}: {message}")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("r.yaml", "", "the file is empty"),
        ("r.yaml", "\n  \n", "the file is empty"),
        ("r.yaml", "# only\n# comments\n", "the file is empty (nothing but comments or null)"),
        ("r.yaml", "null\n", "the file is empty (nothing but comments or null)"),
        ("r.json", "", "the file is empty"),
        ("r.json", " null ", "the file is empty (nothing but comments or null)"),
    ],
)
def test_an_empty_file_says_so(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    refused(["score", str(path)], ExitCode.PROBLEMS, f"{path}: {message}")
    refused(["rubric", "validate", str(path)], ExitCode.PROBLEMS, f"{path}: {message}")
    with pytest.raises(InputFileError, match="the file is empty"):
        load_data(path)
