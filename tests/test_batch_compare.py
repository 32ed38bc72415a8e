"""`batch --compare PREVIOUS_OUT`: the portfolio says what changed since a previous run."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from esj_review.cli import app
from tests.conftest import EXAMPLES

TRANSIT = "EX-TRANSIT-2027-01"
FEE = "EX-SOLIDWASTE-2027-11"
LANG = "EX-LANG-2027-02"
FIRST = ["budget-reduction", "capital-facility-siting", "fee-increase", "reduced-fare-transit"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--format", "none", "--jobs", "1"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def compared(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return data["compared"]  # type: ignore[no-any-return]


def ids(entries: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in entries]


def section(html: str) -> str:
    """The text of the "changes" section, tags taken out."""
    start = html.index('<section id="changes">')
    body = html[start : html.index("</section>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def set_engagement(path: Path, level: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(r"engagement_level: \w+", f"engagement_level: {level}", text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


@pytest.fixture
def first(tmp_path: Path) -> tuple[Path, Path]:
    """Four example reviews, reviewed once into out1."""
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    for name in FIRST:
        shutil.copy(EXAMPLES / f"{name}.yaml", reviews / f"{name}.yaml")
    code, err = run("batch", str(reviews), "--out", str(tmp_path / "out1"))
    assert code == 0, err
    return reviews, tmp_path / "out1"


def test_new_removed_and_moved_proposals(first: tuple[Path, Path], tmp_path: Path) -> None:
    reviews, out1 = first
    set_engagement(reviews / "reduced-fare-transit.yaml", "inform")  # Advances -> Likely
    (reviews / "fee-increase.yaml").unlink()
    shutil.copy(EXAMPLES / "language-access-expansion.yaml", reviews / "lang.yaml")
    out2 = tmp_path / "out2"
    code, err = run("batch", str(reviews), "--out", str(out2), "--compare", str(out1))
    assert code == 0, err
    assert "1 new, 1 no longer present, 0 moved up a band, 1 moved down, 2 unchanged" in err
    c = compared(out2)
    before = json.loads((out1 / "summary.json").read_text(encoding="utf-8"))
    assert c["generated"] == before["generated"]
    assert c["rubric"] == {"id": before["rubric"]["id"], "version": before["rubric"]["version"]}
    assert c["rubric_note"] is None
    assert ids(c["new"]) == [LANG]
    assert ids(c["removed"]) == [FEE]
    assert c["removed"][0]["band"] == "needs_work" and c["removed"][0]["score"] == 33.3
    assert c["up"] == []
    assert c["down"] == [
        {
            "id": TRANSIT,
            "title": c["down"][0]["title"],
            "from_band": "advances",
            "from_label": "Advances equity",
            "to_band": "promising",
            "to_label": "Likely to advance equity",
            "score_before": 88.9,
            "score_after": 88.9,
        }
    ]
    assert c["unchanged"] == 2
    html = (out2 / "portfolio.html").read_text(encoding="utf-8")
    text = section(html)
    assert text.startswith("Changes since the previous run")
    assert "1 new, 1 no longer present, 0 moved up a band, 1 moved down a band, 2 unchanged" in text
    assert f"{TRANSIT} " in text and "Advances equity Likely to advance equity 88.9 88.9" in text
    assert f"{FEE} : Raise the transfer station disposal fee by 8 percent (was Needs" in text
    assert f"{LANG} :" in text
    ranked = html[html.index('<section id="ranked">') :]
    row = next(r for r in ranked.split("<tr>") if TRANSIT in r)
    assert "↓ down from Advances equity" in row
    assert "new since the previous run" in next(r for r in ranked.split("<tr>") if LANG in r)
    unmoved = next(r for r in ranked.split("<tr>") if "EX-HEALTH-2027-07" in r)
    assert "moved" not in unmoved


def test_same_folder_and_a_move_up(first: tuple[Path, Path]) -> None:
    """--compare may be --out itself: the previous summary is read before it is replaced."""
    reviews, out1 = first
    set_engagement(reviews / "reduced-fare-transit.yaml", "inform")
    code, err = run("batch", str(reviews), "--out", str(out1), "--compare", str(out1))
    assert code == 0, err
    assert ids(compared(out1)["down"]) == [TRANSIT]
    shutil.copy(EXAMPLES / "reduced-fare-transit.yaml", reviews / "reduced-fare-transit.yaml")
    summary = out1 / "summary.json"  # the file itself also works
    code, err = run("batch", str(reviews), "--out", str(out1), "--compare", str(summary))
    assert code == 0, err
    c = compared(out1)
    assert (ids(c["up"]), c["down"], c["new"], c["removed"]) == ([TRANSIT], [], [], [])
    assert (c["up"][0]["from_band"], c["up"][0]["to_band"]) == ("promising", "advances")
    assert c["unchanged"] == 3
    html = (out1 / "portfolio.html").read_text(encoding="utf-8")
    assert "↑ up from Likely to advance equity" in html
    assert "Bands moved down None." in section(html)


def test_without_compare_there_is_no_section(first: tuple[Path, Path]) -> None:
    _, out1 = first
    assert "compared" not in json.loads((out1 / "summary.json").read_text(encoding="utf-8"))
    html = (out1 / "portfolio.html").read_text(encoding="utf-8")
    assert "Changes since the previous run" not in html and "moved" not in html


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "malformed JSON"),
        ("[1, 2]", "not an esj-review batch summary"),
        ('{"rubric": {"id": "king-county-esj", "version": "3.0.0"}}', "no generated date"),
        (
            '{"rubric": {"id": "king-county-esj", "version": "3.0.0"}, "generated": "2026-01-01",'
            ' "proposals": [{"id": 5}]}',
            "proposal 1 has no id",
        ),
        (
            '{"rubric": {"id": "gare", "version": "3.0.0"}, "generated": "2026-01-01",'
            ' "proposals": []}',
            "made with rubric gare, not king-county-esj",
        ),
    ],
)
def test_a_bad_previous_summary_is_one_line(
    first: tuple[Path, Path], tmp_path: Path, content: str, says: str
) -> None:
    reviews, _ = first
    bad = tmp_path / "old"
    bad.mkdir()
    (bad / "summary.json").write_text(content, encoding="utf-8")
    out = tmp_path / "out3"
    code, err = run("batch", str(reviews), "--out", str(out), "--compare", str(bad))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert str(bad / "summary.json") in lines[0] and says in lines[0]
    assert not out.exists()  # refused before anything was reviewed


def test_a_missing_previous_folder(first: tuple[Path, Path], tmp_path: Path) -> None:
    reviews, _ = first
    for missing in (tmp_path / "nowhere", tmp_path):  # no folder; a folder without a summary
        code, err = run(
            "batch", str(reviews), "--out", str(tmp_path / "o"), "--compare", str(missing)
        )
        assert code == 1
        assert len(err.strip().splitlines()) == 1 and str(missing) in err, err


def test_another_rubric_version_compares_and_says_so(
    first: tuple[Path, Path], tmp_path: Path
) -> None:
    reviews, out1 = first
    data = json.loads((out1 / "summary.json").read_text(encoding="utf-8"))
    data["rubric"]["version"] = "2.0.0"
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    code, err = run("batch", str(reviews), "--out", str(tmp_path / "o"), "--compare", str(old))
    assert code == 0, err
    assert "The previous run used king-county-esj 2.0.0 and this one" in err
    c = compared(tmp_path / "o")
    assert c["rubric"]["version"] == "2.0.0" and c["unchanged"] == 4
    assert "previous run used king-county-esj 2.0.0" in section(
        (tmp_path / "o" / "portfolio.html").read_text(encoding="utf-8")
    )
