"""Safe file I/O (size limits, hostile YAML, atomic writes, file names) and how errors read."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator

from esj_review.core.errors import (
    EsjError,
    ExitCode,
    InputFileError,
    Problem,
    RubricNotFound,
    UsageError,
    ValidationFailed,
    field_path,
    problems_from_pydantic,
)
from esj_review.core.files import (
    MAX_FILE_BYTES,
    atomic_write,
    load_data,
    parse_data,
    read_text,
    safe_filename,
)


def refused(text: str, source: str = "r.yaml") -> str:
    with pytest.raises(InputFileError) as info:
        parse_data(text, source)
    return info.value.message


# --- reading ----------------------------------------------------------------------------------


def test_the_size_limit_is_inclusive(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(b"a" * 2_000_000)
    assert len(read_text(path, limit=2_000_000)) == 2_000_000
    path.write_bytes(b"a" * 2_000_001)
    with pytest.raises(InputFileError) as info:
        read_text(path, limit=2_000_000)
    assert info.value.message == f"{path}: file is 2.0 MB; the limit is 2 MB"
    assert MAX_FILE_BYTES == 8 * 1024 * 1024


def test_sizes_are_shown_in_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(b"a" * 1_150_001)
    with pytest.raises(InputFileError) as info:
        read_text(path, limit=1_000_000)
    assert info.value.message == f"{path}: file is 1.2 MB; the limit is 1 MB"
    path.write_bytes(b"a" * 1_600_000)
    with pytest.raises(InputFileError) as info:
        read_text(path, limit=1_500_000)
    assert info.value.message == f"{path}: file is 1.6 MB; the limit is 2 MB"


def test_an_unreadable_path_says_why(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    with pytest.raises(InputFileError) as info:
        read_text(loop)
    assert info.value.message == f"{loop}: cannot read: Too many levels of symbolic links"


def test_a_file_that_grows_while_read_is_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)  # reports size 0, then delivers more than the limit

    def feed() -> None:
        try:
            with pipe.open("wb") as handle:
                handle.write(b"a" * 3_000_000)
        except BrokenPipeError:
            pass  # the reader stopped at the limit

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        with pytest.raises(InputFileError) as info:
            read_text(pipe, limit=2_000_000)
    finally:
        writer.join(timeout=10)
    assert info.value.message == f"{pipe}: file is larger than the 2 MB limit"


def test_a_file_that_grows_past_a_limit_in_megabytes(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)

    def feed() -> None:
        try:
            with pipe.open("wb") as handle:
                handle.write(b"a" * 2_000_000)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        with pytest.raises(InputFileError) as info:
            read_text(pipe, limit=1_500_000)
    finally:
        writer.join(timeout=10)
    assert info.value.message == f"{pipe}: file is larger than the 2 MB limit"


def test_missing_folder_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as info:
        read_text(tmp_path / "nope.yaml")
    assert info.value.message == f"{tmp_path / 'nope.yaml'}: file not found"
    with pytest.raises(InputFileError) as info:
        read_text(tmp_path)
    assert info.value.message == f"{tmp_path}: is a folder, not a file"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"a: caf\xe9\n")
    with pytest.raises(InputFileError) as info:
        read_text(latin)
    assert info.value.message == f"{latin}: not UTF-8 text (byte 6)"


def test_a_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes("\ufeffa: é\n".encode())
    assert read_text(path) == "a: é\n"
    assert load_data(path) == {"a": "é"}


def test_yaml_aliases_and_duplicate_keys_are_refused() -> None:
    assert (
        refused("a: &x [1, 2]\nb: *x\n") == "r.yaml: YAML aliases (*name) are not allowed (line 2)"
    )
    assert refused("a: 1\nb:\n  c: 2\n  c: 3\n") == "r.yaml: duplicate key 'c' (line 4)"
    assert refused("? [a]\n: 1\n") == (
        "r.yaml: malformed YAML at line 1, column 3: a mapping key must be a plain value"
    )
    assert parse_data("a: 1\nb: 1\n", "r.yaml") == {"a": 1, "b": 1}


def test_malformed_yaml_names_line_and_column() -> None:
    assert refused("a: b: c\n") == (
        "r.yaml: malformed YAML at line 1, column 5: mapping values are not allowed here"
    )
    assert refused("a: [1,\n") == (
        "r.yaml: malformed YAML at line 2, column 1: "
        "expected the node content, but found '<stream end>'"
    )
    assert refused("a: \x00\n").startswith("r.yaml: malformed YAML: unacceptable character")


def test_hostile_nesting_and_values() -> None:
    assert refused("[" * 5000) == "r.yaml: nested too deeply to be a review or rubric"
    assert refused("[" * 100_000, "r.json") == "r.json: nested too deeply to be a review or rubric"
    assert refused("a: !!int x\n") == (
        "r.yaml: cannot read a value: invalid literal for int() with base 10: 'x'"
    )


def test_json_is_parsed_as_json_by_suffix() -> None:
    assert parse_data('{"a": [1, 2]}', "R.JSON") == {"a": [1, 2]}
    assert refused('{"a": 1,\n}', "r.json") == (
        "r.json: malformed JSON at line 2: Expecting property name enclosed in double quotes"
    )
    # YAML's extras are not JSON
    assert refused("a: 1", "r.json").startswith("r.json: malformed JSON at line 1")


def test_dates_stay_text_for_the_validator() -> None:
    assert parse_data("d: 2027-02-31\ne: 2027-01-05\n", "r.yaml") == {
        "d": "2027-02-31",
        "e": "2027-01-05",
    }


# --- writing ----------------------------------------------------------------------------------


def test_atomic_write_creates_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "out.txt"
    atomic_write(path, "héllo")
    assert path.read_bytes() == "héllo".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    path.chmod(0o600)
    atomic_write(path, b"\x00bytes")
    assert path.read_bytes() == b"\x00bytes"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ["out.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old")
    bad: Any = 12345  # neither text nor bytes
    with pytest.raises(TypeError):
        atomic_write(path, bad)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("EX-2027/01", "EX-2027-01"),
        ("../../etc/passwd", "etc-passwd"),
        ("..hidden", "hidden"),
        ("a  b", "a-b"),
        ("café ok", "caf-ok"),
        ("under_score.v2", "under_score.v2"),
        ("---", "review"),
        ("", "review"),
        ("x" * 79 + ".y", "x" * 79),
        ("a" * 100, "a" * 80),
        ("." + "a" * 100, "a" * 80),
        ("X-1", "X-1"),
        ("BOX", "BOX"),
    ],
)
def test_safe_filename(text: str, name: str) -> None:
    assert safe_filename(text) == name


def test_safe_filename_fallback() -> None:
    assert safe_filename("///", "row-7") == "row-7"


# --- errors -----------------------------------------------------------------------------------


def test_problems_render_as_file_path_message() -> None:
    assert Problem("answers.x", "bad").render("r.yaml") == "r.yaml: answers.x: bad"
    assert Problem("answers.x", "odd", "warning").render() == "answers.x: warning: odd"
    assert Problem("", "empty file").render(Path("r.yaml")) == "r.yaml: empty file"
    assert Problem("", "bad").render() == "bad"
    assert Problem("p", "m").severity == "error"


def test_exceptions_carry_their_problems_and_exit_codes() -> None:
    err = InputFileError("r.yaml", "file not found", "format")
    assert err.message == str(err) == "r.yaml: format: file not found"
    assert err.problems == [Problem("format", "file not found")] and err.source == "r.yaml"
    assert err.exit_code == ExitCode.PROBLEMS and int(err.exit_code) == 1
    many = ValidationFailed(Path("r.yaml"), [Problem("a", "one"), Problem("b", "two", "warning")])
    assert many.message == "r.yaml: a: one\nr.yaml: b: warning: two"
    assert many.source == "r.yaml" and len(many.problems) == 2
    assert UsageError("no").exit_code == ExitCode.USAGE and int(ExitCode.USAGE) == 2
    assert RubricNotFound("x").exit_code == 1
    assert EsjError("stop", exit_code=ExitCode.INTERRUPTED).exit_code == 130
    assert EsjError("plain").exit_code == 1


def test_field_path_names_list_items_by_id() -> None:
    data = {"sections": [{"id": "scope", "questions": [{"type": "x"}, {"id": "geo"}]}]}
    assert field_path(("sections", 0, "questions", 1, "type"), data=data) == (
        "sections[scope].questions[geo].type"
    )
    assert field_path(("sections", 0, "questions", 0, "type"), data=data) == (
        "sections[scope].questions[0].type"
    )
    assert field_path(("sections", 5, "id"), data=data) == "sections[5].id"
    assert field_path(("a", "b"), prefix="answers") == "answers.a.b"
    assert field_path((0, "x"), data=[{"id": ""}]) == "[0].x"
    assert field_path((0, "x"), data=[{"id": 7}]) == "[0].x"
    assert field_path(()) == ""


class _Model(BaseModel):
    name: str = Field(max_length=3)
    count: int = 0
    values: list[int] | dict[str, int] = []
    odd: int = 1

    @field_validator("odd")
    @classmethod
    def _odd(cls, value: int) -> int:
        assert value % 2, "must be odd"
        return value

    @field_validator("count")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("must be even")
        return value


def pydantic_problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        _Model.model_validate(data)
    return [p.render() for p in problems_from_pydantic(info.value, "top", data)]


def test_pydantic_errors_read_as_actions() -> None:
    assert pydantic_problems({"count": 0}) == ["top.name: required field is missing"]
    assert pydantic_problems({"name": "abcd"}) == [
        "top.name: String should have at most 3 characters (got 'abcd')"
    ]
    assert pydantic_problems({"name": "a", "count": 3}) == ["top.count: must be even"]
    long = "x" * 100
    assert pydantic_problems({"name": long}) == [
        f"top.name: String should have at most 3 characters (got {repr(long)[:60]}...)"
    ]
    over = "x" * 59  # its repr is 61 characters: cut
    assert pydantic_problems({"name": over}) == [
        f"top.name: String should have at most 3 characters (got {repr(over)[:60]}...)"
    ]
    (odd,) = pydantic_problems({"name": "a", "odd": 2})
    assert odd.startswith("top.odd: Assertion failed, must be odd") and "(got" not in odd
    assert pydantic_problems({"name": "a", "values": "x"})[0].startswith(
        "top.values: Input should be"
    )
    exact = "x" * 58  # its repr is 60 characters: shown whole
    assert pydantic_problems({"name": exact}) == [
        f"top.name: String should have at most 3 characters (got {exact!r})"
    ]
