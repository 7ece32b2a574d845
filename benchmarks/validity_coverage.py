"""Coverage and width of the interval methods on studies from the independent generator (issue 16).

For every cell of the grid (2, 3 and 5 informants per practice; without and with a leader leniency of
0.1) ``--studies`` studies of 20 practices are drawn with :func:`lovende_research.validity.
write_independent_study`, read back with the package's reader and scored by the package's chain
(median reconciliation, coverage threshold 0.5). For each interval method (``model``, the default, and
``bootstrap``) it counts how often the 95 % interval of an element score and of the overall index holds
the planted truth (``truth.practice_element``; the overall truth is its mean over the elements the index
uses), and the mean width beside the width of the *oracle*: the interval :math:`\\hat\\theta \\pm
z_{0.975}\\sqrt{V/n}` that knows the true variance :math:`V` of one informant's score around the
truth, taken from the errors against the planted truth over the whole cell (so no method can reach the
target by widening). Target: coverage ≥ 0.93, width ≤ 1.3 × the oracle's.

    .venv/bin/python benchmarks/validity_coverage.py --studies 150

prints a Markdown table and writes ``benchmarks/results/validity_coverage.json``. :func:`coverage_table`
is what ``benchmarks/run_validity.py`` can call.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from lovende_research.io import write_json
from lovende_research.scoring import (
    bootstrap_draws,
    bootstrap_overall,
    bootstrap_profiles,
    element_scores,
    model_draws,
    reconcile_coders,
)
from lovende_research.study import Study
from lovende_research.validity import IndependentSpec, write_independent_study

INFORMANTS = (2, 3, 5)
LENIENCY = (0.0, 0.1)
RESULTS = Path(__file__).resolve().parent / "results" / "validity_coverage.json"


def _one_study(spec: IndependentSpec, seed: int, n_boot: int, ci: float) -> list[dict[str, object]]:
    """Per method: the element and overall cells of one study with their interval, truth and n."""
    with tempfile.TemporaryDirectory() as folder:
        truth = write_independent_study(Path(folder) / "study", spec, seed)
        study = Study.load(Path(folder) / "study")
    items = reconcile_coders(study.codings, study.instrument, "median")
    scores = element_scores(items, study.instrument, study.interviews, 0.5)
    true = truth.practice_element.rename(columns={"true_score": "truth"})
    rows = []
    for method in ("model", "bootstrap"):
        draws = (
            model_draws(scores, n_boot=n_boot, seed=seed)
            if method == "model"
            else bootstrap_draws(scores, n_boot=n_boot, seed=seed)
        )
        least = 1 if method == "model" else 2
        profiles = bootstrap_profiles(scores, ci=ci, replicates=draws, min_informants=least).merge(
            true, on=["practice_id", "element_id"]
        )
        profiles = profiles.dropna(subset=["score"])
        overall_truth = profiles.groupby("practice_id")["truth"].mean().rename("truth").reset_index()
        overall = bootstrap_overall(scores, ci=ci, replicates=draws, min_informants=least, min_element_share=0.5).merge(
            overall_truth, on="practice_id"
        )
        overall = overall.dropna(subset=["overall"])
        for level, frame, estimate, n in (
            ("element", profiles, "score", "n_scored"),
            ("overall", overall, "overall", "n_informants"),
        ):
            rows.append(
                {
                    "method": method,
                    "level": level,
                    "low": frame["ci_low"].to_numpy(),
                    "high": frame["ci_high"].to_numpy(),
                    "estimate": frame[estimate].to_numpy(dtype=float),
                    "truth": frame["truth"].to_numpy(dtype=float),
                    "n": frame[n].to_numpy(dtype=float),
                }
            )
    return rows


def coverage_table(
    n_studies: int = 150,
    seed: int = 16,
    n_boot: int = 1000,
    ci: float = 0.95,
    n_extreme: int = 0,
    unbalanced_roles: bool = False,
) -> pd.DataFrame:
    """The coverage and width grid: one row per informants × leniency × method × level.

    ``n_extreme`` and ``unbalanced_roles`` are passed on to every :class:`IndependentSpec` of the grid.

    Columns: ``informants``, ``leader_leniency``, ``method``, ``level`` (``element`` or ``overall``),
    ``cells`` (intervals counted), ``coverage`` (share holding the truth; a cell without an interval
    counts as not covered), ``mean_width``, ``oracle_width``, ``width_ratio``.
    """
    z = norm.ppf((1 + ci) / 2)
    out = []
    for informants in INFORMANTS:
        for leniency in LENIENCY:
            spec = IndependentSpec(
                n_practices=20,
                informants_per_practice=informants,
                leader_leniency=leniency,
                n_extreme=n_extreme,
                unbalanced_roles=unbalanced_roles,
            )
            collected: dict[tuple[str, str], list[dict[str, object]]] = {}
            for k in range(n_studies):
                for row in _one_study(spec, seed + 1000 * informants + k, n_boot, ci):
                    collected.setdefault((str(row["method"]), str(row["level"])), []).append(row)
            for (method, level), rows in collected.items():
                low, high, estimate, truth, n = (
                    np.concatenate([np.asarray(r[key], dtype=float) for r in rows])
                    for key in ("low", "high", "estimate", "truth", "n")
                )
                per_informant = float(np.mean((estimate - truth) ** 2 * n))  # V: one informant's error variance
                oracle = float(np.mean(2 * z * np.sqrt(per_informant / n)))
                width = float(np.nanmean(high - low))
                out.append(
                    {
                        "informants": informants,
                        "leader_leniency": leniency,
                        "method": method,
                        "level": level,
                        "cells": len(truth),
                        "coverage": float(np.mean((low <= truth) & (truth <= high))),
                        "mean_width": width,
                        "oracle_width": oracle,
                        "width_ratio": width / oracle,
                    }
                )
    return pd.DataFrame(out)


def markdown(table: pd.DataFrame) -> str:
    """The table as the Markdown of benchmarks/README.md."""
    lines = [
        "| informants | leader leniency | method | level | cells | coverage | mean width | oracle width | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in table.sort_values(
        ["informants", "leader_leniency", "level", "method"], ascending=[True, True, True, False]
    ).itertuples():
        lines.append(
            f"| {r.informants} | {r.leader_leniency:.1f} | {r.method} | {r.level} | {r.cells} | {r.coverage:.3f} | "
            f"{r.mean_width:.3f} | {r.oracle_width:.3f} | {r.width_ratio:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--studies", type=int, default=150, help="studies of 20 practices per cell of the grid")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--n-boot", type=int, default=1000, help="draws per study and method")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--extreme", type=int, default=0, help="extreme practices per study (IndependentSpec.n_extreme)"
    )
    parser.add_argument("--unbalanced-roles", action="store_true", help="IndependentSpec.unbalanced_roles")
    args = parser.parse_args()
    start = time.perf_counter()
    table = coverage_table(
        args.studies, args.seed, args.n_boot, n_extreme=args.extreme, unbalanced_roles=args.unbalanced_roles
    )
    seconds = time.perf_counter() - start
    print(markdown(table))
    print(f"\n{args.studies} studies per cell, {seconds:.0f} s")
    write_json(
        args.out,
        {
            "studies": args.studies,
            "seed": args.seed,
            "n_boot": args.n_boot,
            "seconds": seconds,
            "extreme": args.extreme,
            "unbalanced_roles": args.unbalanced_roles,
            "rows": table.to_dict(orient="records"),
        },
    )


if __name__ == "__main__":
    main()
