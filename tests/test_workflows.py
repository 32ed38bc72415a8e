"""The README's four workflows run as written: each ```sh block of "After the first draft", in a
scratch folder holding the files it names (throwaway keys in place of the county's)."""

from __future__ import annotations

import csv
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pki import Authority

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## After the first draft: four workflows", 1)[1].split("\n## ", 1)[0]
BLOCKS = SECTION.split("```sh\n")[1:]
COMMANDS = [
    [line.strip() for line in block.split("```", 1)[0].splitlines() if line.strip()]
    for block in BLOCKS
]
PASS = "correct horse"


def esj(folder: Path, line: str) -> subprocess.CompletedProcess[str]:
    """One README line, run as the `esj-review` on the PATH would run it."""
    words = shlex.split(line)
    assert words[0] == "esj-review", line
    env = {**os.environ, "ESJ_REVIEW_PASSPHRASE": PASS, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "esj_review", *words[1:]],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def run_block(folder: Path, index: int) -> list[subprocess.CompletedProcess[str]]:
    results = []
    for line in COMMANDS[index]:
        result = esj(folder, line)
        assert "Traceback" not in result.stderr, (line, result.stderr)
        results.append(result)
    return results


def transit() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "reduced-fare-transit.yaml").read_text())
    return data


def test_there_are_four_workflows() -> None:
    assert len(COMMANDS) == 4 and all(COMMANDS)


def test_sign_off(tmp_path: Path) -> None:
    data = transit()
    data["signoff"] = {"roles": ["Analyst", "Manager", "Equity office"]}
    (tmp_path / "review.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    ca = Authority.make("County Root CA")
    ca.write(tmp_path, "county-root-ca.pem")
    key, cert = ca.issue("Ana Analyst").write_pem(tmp_path, "analyst")
    key.rename(tmp_path / "analyst-key.pem")
    cert.rename(tmp_path / "analyst.pem")
    p12 = ca.issue("Max Manager").write_pkcs12(tmp_path, "manager", PASS.encode())
    assert p12.name == "manager.p12"
    results = run_block(tmp_path, 0)
    assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stderr for r in results]
    verdict = results[-1].stdout
    assert "all 2 signatures intact" in verdict and "chains to the trust roots" in verdict
    assert "not yet signed by: Equity office" in verdict
    assert {p.name for p in tmp_path.glob("*.pdf")} == {
        "review.pdf",
        "review-signed.pdf",
        "council-packet.pdf",
    }


def test_revisions(tmp_path: Path) -> None:
    data = transit()
    (tmp_path / "review.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    assert esj(tmp_path, "esj-review report review.yaml -o council-packet.pdf").returncode == 0
    data["answers"]["engagement_level"] = "consult"
    (tmp_path / "review-draft.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    with (EXAMPLES / "budget-equity" / "requests.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))[:4]
    fields = list(rows[0])

    def write(name: str, chosen: list[dict[str, str]]) -> None:
        with (tmp_path / name).open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fields)
            writer.writeheader()
            writer.writerows(chosen)

    write("requests-2027.csv", rows[:3])
    write("requests-2028.csv", rows[1:])
    last_year = "esj-review batch requests-2027.csv --rubric budget-equity --out fy2027"
    assert esj(tmp_path, last_year + " --format json").returncode == 0
    diff, batch = run_block(tmp_path, 1)
    assert diff.returncode == 0 and "engagement" in diff.stdout.lower()
    assert batch.returncode in (0, 1), batch.stderr
    compared = json.loads((tmp_path / "fy2028" / "summary.json").read_text())["compared"]
    text = json.dumps(compared)
    assert rows[0]["proposal.id"] in text and rows[3]["proposal.id"] in text


def test_commitments(tmp_path: Path) -> None:
    reviews = tmp_path / "reviews"
    shutil.copytree(EXAMPLES, reviews)
    listed, calendar = run_block(tmp_path, 2)
    assert listed.returncode == 0, listed.stderr
    assert "2027-03-01" in listed.stdout and "2028-03-31" not in listed.stdout
    assert calendar.returncode == 0, calendar.stderr
    ics = (tmp_path / "transit.ics").read_text()
    assert ics.startswith("BEGIN:VCALENDAR") and ics.count("BEGIN:VEVENT") >= 1


def test_a_new_rubric_version(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "capital-facility-siting.yaml", tmp_path / "last-year.yaml")
    old, migrated, new = run_block(tmp_path, 3)
    assert old.returncode == 0 and "migrate" in old.stderr
    assert migrated.returncode == 0, migrated.stderr
    assert new.returncode == 0 and "newer version" not in new.stderr
    assert (tmp_path / "last-year.yaml").read_bytes() == (
        EXAMPLES / "capital-facility-siting.yaml"
    ).read_bytes()


@pytest.mark.parametrize("index", range(4))
def test_each_block_uses_only_documented_commands(index: int) -> None:
    for line in COMMANDS[index]:
        command = shlex.split(line)[1]
        assert f"### `esj-review {command}" in README, line
