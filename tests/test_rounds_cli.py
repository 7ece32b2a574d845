"""``lovende simulate --rounds`` and ``lovende compare`` on simulated rounds; the rounds benchmark's mechanics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from lovende_research.cli import main
from lovende_research.config import PROJECT_ROOT
from lovende_research.study import Study


def test_simulate_rounds_writes_loadable_rounds_with_the_planted_change(tmp_path: Path, capsys) -> None:
    assert main(["simulate", str(tmp_path / "r"), "--rounds", "3", "--change", "0.25", "--seed", "5"]) == 0
    assert "runde-3" in capsys.readouterr().out
    studies = [Study.load(tmp_path / "r" / f"runde-{k}") for k in (1, 2, 3)]
    assert studies[2].config.rounds == ("../runde-1", "../runde-2")
    truth = json.loads((tmp_path / "r" / "truth.json").read_text(encoding="utf-8"))
    planted = pd.DataFrame(truth["changes"])
    # 14 practices × 3 changed elements of 11, each ±0.25 (RoundsSpec defaults)
    assert len(planted) == 14 * 11 and (planted["change"] != 0).sum() == 14 * 3
    assert set(planted.loc[planted["change"] != 0, "change"].abs().round(9)) == {0.25}
    # turnover: some informants of round 1 are gone by round 2, most stay
    first, second = (set(s.interviews["informant_id"]) for s in studies[:2])
    assert 0 < len(first - second) < len(first) / 2 + 5


def test_simulate_rounds_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert main(["simulate", str(tmp_path / name), "--rounds", "2", "--seed", "9"]) == 0
    for file in ("runde-1/codings.csv", "runde-2/interviews.csv", "truth.json"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_the_rounds_benchmark_runs_and_writes_every_rate(tmp_path: Path) -> None:
    out = tmp_path / "rounds.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "benchmarks" / "run_rounds.py"),
            "--seeds",
            "1",
            "--n-boot",
            "50",
            "--informants",
            "3",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert [row["size"] for row in results["cells"]] == [0.0, 0.2, 0.3, 0.4, 0.45]
    assert results["cells"][0]["overall_false_flags"]["n"] == results["cells"][0]["rank_false_flags"]["n"] == 14
    assert results["cells"][0]["detection"]["n"] == 0 and results["cells"][0]["false_flags"]["n"] == 14 * 11
    assert {row["coder_drift"] for row in results["drift"]} == {0.0, 0.3}
    assert "| 3 | 0.45 |" in completed.stdout


def test_compare_with_one_round_and_no_rounds_key_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["simulate", str(tmp_path / "r"), "--rounds", "2", "--seed", "1"]) == 0
    assert main(["compare", str(tmp_path / "r" / "runde-1"), "--out", str(tmp_path / "reports")]) == 1
    assert "mindst to runder, fandt 1" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


def test_compare_and_simulate_rounds_refuse_in_the_language_asked_for(tmp_path: Path, capsys) -> None:
    """Refused before any folder is read or written, in ``--lang``'s language (Danish without it)."""
    folder = str(tmp_path / "r")
    assert main(["compare", folder, folder, "--lang", "en", "--out", str(tmp_path / "reports")]) == 1
    assert f"the same folder is given twice: {folder}, {folder}" in capsys.readouterr().err
    assert main(["simulate", folder, "--rounds", "2", "--change", "0.5", "--lang", "en"]) == 1
    assert "change must lie between -0.45 and 0.45 (on the 0–1 scale)" in capsys.readouterr().err
    assert main(["simulate", folder, "--rounds", "2", "--change", "0.5"]) == 1
    assert "change skal ligge mellem -0,45 og 0,45 (på 0–1-skalaen)" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists() and not (tmp_path / "r").exists()


def test_compare_three_rounds_shows_each_consecutive_pair(tmp_path: Path) -> None:
    assert main(["simulate", str(tmp_path / "r"), "--rounds", "3", "--seed", "2"]) == 0
    assert (
        main(
            [
                "compare",
                str(tmp_path / "r" / "runde-3"),
                "--out",
                str(tmp_path / "reports"),
                "--n-boot",
                "50",
                "--lang",
                "en",
            ]
        )
        == 0
    )
    html = (tmp_path / "reports" / "runde-3" / "udvikling.html").read_text(encoding="utf-8")
    # the latest pair first, and only its sections carry the anchors the practice pages link to
    assert html.index("<h2>runde-2 → runde-3</h2>") < html.index("<h2>runde-1 → runde-2</h2>")
    assert html.count('id="Q001"') == 1 and html.index('id="Q001"') < html.index("<h2>runde-1 → runde-2</h2>")
    for pair in ("runde-1_runde-2", "runde-2_runde-3"):
        assert (tmp_path / "reports" / "runde-3" / "udvikling" / pair / "overall.csv").is_file()
