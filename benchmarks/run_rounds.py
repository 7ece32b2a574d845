"""Rounds benchmark: how often a planted change is found, and how often no change is flagged.

``.venv/bin/python benchmarks/run_rounds.py --seeds 100`` draws pairs of rounds from
:mod:`lovende_research.rounds.simulation` (its model, not the estimator's: Binomial answers, coder
shifts, a third of the informants replaced) with a planted change of each size in three elements of
every practice, estimates every change with :func:`lovende_research.rounds.round_change` as ``lovende
compare`` does, and counts:

- **detection**: planted cells marked in the planted direction, per planted size;
- **false flags**: cells without planted change marked improved or declined (in studies with no change
  at all, and beside the planted cells);
- **wrong direction**: planted cells marked the opposite way;
- **overall and rank**: in studies with no change at all, practices whose overall index is marked
  changed, and whose interval of places gained excludes 0;
- **coder drift**: studies in which a coder with no drift is flagged, and in which coder C1, drifting
  by 0.3 (in the generator's shift probability), is.

Targets: false flags ≤ 5 % and detection ≥ 80 % at the planted size. Wilson 95 % intervals
(``statsmodels`` ``proportion_confint``) over cells treat the cells as independent; cells of one study
share its variance estimates, so the intervals are a little narrow. Prints Markdown (pasted into
``benchmarks/README.md``, "Repeated mappings") and writes ``benchmarks/results/rounds.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from lovende_research.rounds import coder_drift, load_rounds, round_change, round_scores
from lovende_research.rounds.simulation import RoundsSpec, write_rounds

RESULTS = Path(__file__).resolve().parent / "results" / "rounds.json"
SIZES = (0.0, 0.2, 0.3, 0.4, 0.45)


def _one(root: Path, spec: RoundsSpec, seed: int, n_boot: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The cells of one simulated pair of rounds with their planted change, the practices' index and
    rank changes, and the coders' drift."""
    folder = Path(tempfile.mkdtemp(dir=root)) / "r"
    folders = write_rounds(folder, spec, seed)
    rounds = load_rounds(folders)
    scores = [round_scores(s.codings, s.interviews, rounds.instrument) for s in rounds.studies]
    change = round_change(*scores, rounds.instrument, rounds.matched, n_boot=n_boot, seed=seed)
    found = change.elements
    truth = pd.DataFrame(json.loads((folder / "truth.json").read_text(encoding="utf-8"))["changes"])
    (first, second) = rounds.studies
    drift = coder_drift(first.codings, second.codings, rounds.instrument, first.interviews, second.interviews)
    return found.merge(truth, on=["practice_id", "element_id"], suffixes=("", "_planted")), change.overall, drift


def _rate(hits: int, n: int) -> dict[str, Any]:
    low, high = proportion_confint(hits, n, alpha=0.05, method="wilson") if n else (np.nan, np.nan)
    return {
        "hits": int(hits),
        "n": int(n),
        "rate": hits / n if n else None,
        "low": float(low) if n else None,
        "high": float(high) if n else None,
    }


def run(seeds: int, n_boot: int, informants: tuple[int, ...]) -> dict[str, Any]:
    rows = []
    drift_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for n_informants in informants:
            for size in SIZES:
                cells, overall = [], []
                for seed in range(seeds):
                    spec = RoundsSpec(change=size, informants_per_practice=n_informants)
                    found, practices, _ = _one(root, spec, seed, n_boot)
                    cells.append(found)
                    overall.append(practices)
                practices_all = pd.concat(overall, ignore_index=True)
                cells_all = pd.concat(cells, ignore_index=True)
                planted = cells_all[cells_all["change_planted"] != 0]
                unchanged = cells_all[cells_all["change_planted"] == 0]
                expected = np.where(planted["change_planted"] > 0, "improved", "declined")
                wrong = np.where(planted["change_planted"] > 0, "declined", "improved")
                rows.append(
                    {
                        "informants": n_informants,
                        "size": size,
                        "detection": _rate(int((planted["direction"] == expected).sum()), len(planted)),
                        "wrong_direction": _rate(int((planted["direction"] == wrong).sum()), len(planted)),
                        "false_flags": _rate(int((unchanged["direction"] != "unchanged").sum()), len(unchanged)),
                    }
                )
                if size == 0:
                    moved = (practices_all["places_low"] > 0) | (practices_all["places_high"] < 0)
                    rows[-1]["overall_false_flags"] = _rate(
                        int((practices_all["direction"] != "unchanged").sum()), len(practices_all)
                    )
                    rows[-1]["rank_false_flags"] = _rate(int(moved.sum()), len(practices_all))
                print(f"  {n_informants} informants, change {size}: done", file=sys.stderr)
        for coder_drift_size in (0.0, 0.3):
            flagged_c1 = flagged_other = 0
            for seed in range(seeds):
                _, _, drift = _one(root, RoundsSpec(change=0.0, coder_drift=coder_drift_size), seed, 50)
                drift = drift.set_index("coder_id")
                flagged_c1 += bool(drift.at["C1", "drifted"]) if "C1" in drift.index else 0
                flagged_other += bool(drift.drop(index="C1", errors="ignore")["drifted"].any())
            drift_rows.append(
                {
                    "coder_drift": coder_drift_size,
                    "c1_flagged": _rate(flagged_c1, seeds),
                    "other_flagged": _rate(flagged_other, seeds),
                }
            )
    return {"cells": rows, "drift": drift_rows}


def _cell(rate: dict[str, Any]) -> str:
    if not rate["n"]:
        return "–"
    return (
        f"{100 * rate['rate']:.1f} % [{100 * rate['low']:.1f}; {100 * rate['high']:.1f}] ({rate['hits']}/{rate['n']})"
    )


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "| informants per practice | planted change | detection | wrong direction | false flags (unchanged cells) |",
        "|---|---|---|---|---|",
    ]
    for row in results["cells"]:
        lines.append(
            f"| {row['informants']} | {row['size']:g} | {_cell(row['detection'])} | {_cell(row['wrong_direction'])} | {_cell(row['false_flags'])} |"
        )
    lines += [
        "",
        "| informants per practice | overall index changed (no change planted) | rank interval excludes 0 (no change planted) |",
        "|---|---|---|",
    ]
    for row in results["cells"]:
        if "overall_false_flags" in row:
            lines.append(
                f"| {row['informants']} | {_cell(row['overall_false_flags'])} | {_cell(row['rank_false_flags'])} |"
            )
    lines += ["", "| coder C1's drift | C1 flagged | another coder flagged |", "|---|---|---|"]
    for row in results["drift"]:
        lines.append(f"| {row['coder_drift']:.1f} | {_cell(row['c1_flagged'])} | {_cell(row['other_flagged'])} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100, help="simulated pairs of rounds per setting")
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--informants", default="3,5", help="informants per practice, comma-separated")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = run(args.seeds, args.n_boot, tuple(int(n) for n in args.informants.split(",")))
    results["settings"] = {
        "seeds": args.seeds,
        "n_boot": args.n_boot,
        "seconds": round(time.perf_counter() - started, 1),
        "spec": "RoundsSpec() defaults: 14 practices, 3 of 11 elements changed per practice, turnover 0.34",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
