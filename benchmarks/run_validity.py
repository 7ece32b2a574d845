"""Validity benchmark: false positives, power and coverage of the bias checks on independent data.

``make bench-validity`` (= ``.venv/bin/python benchmarks/run_validity.py``) draws many studies from
:mod:`lovende_research.validity` (a generator that shares no code with ``simulate.py``), runs the checks
as notebook 03 runs them, and compares each result with the truth the generator states. It prints
Markdown tables (pasted into benchmarks/README.md, "Validity") and writes every number to
``benchmarks/results/validity.json``. Rates are not asserted anywhere: the tests pin a few seeds only.

Every study varies with its seed: the informant variance is 0 in even seeds and 0.05 in odd ones; seeds
2 and 3 modulo 4 have unbalanced roles (no partner, or a second staff member); 3 % of informants are
straight-liners; *ved ikke* sits on virkning and økonomi; coders differ in severity.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from lovende_research import bias
from lovende_research.scoring import element_scores, reconcile_coders
from lovende_research.study import Study
from lovende_research.validity import IndependentSpec, write_independent_study

RESULTS = Path(__file__).resolve().parent / "results" / "validity.json"
ALPHA = 0.05


def _spec(seed: int, informants: int, leniency: float, **extra: Any) -> IndependentSpec:
    return IndependentSpec(
        informants_per_practice=informants,
        leader_leniency=leniency,
        informant_sd=0.0 if seed % 2 == 0 else 0.05,
        unbalanced_roles=seed % 4 >= 2,
        straightliner_rate=0.03,
        **extra,
    )


def _scores(study: Study) -> tuple[pd.DataFrame, pd.DataFrame]:
    items = reconcile_coders(study.codings, study.instrument, "median", "main")
    return items, element_scores(items, study.instrument, study.interviews, 0.5)


def _one_study(root: Path, seed: int, spec: IndependentSpec) -> dict[str, Any]:
    """The checks of notebook 03 on one generated study, beside what the generator planted."""
    folder = Path(tempfile.mkdtemp(dir=root)) / "study"
    truth = write_independent_study(folder, spec, seed)
    study = Study.load(folder)
    shutil.rmtree(folder.parent)
    items, scores = _scores(study)
    styles = bias.response_styles(items, scores, study.codings, study.interviews, study.instrument)
    excluded = sorted(styles.loc[styles["straightliner"], "informant_id"])
    fit = bias.fit_role_model(scores, excluded)
    roles = bias.role_effects(scores, excluded, fit=fit)
    without_term = bias.role_effects(scores, excluded, practice_element=False)
    cells, overall = bias.fair_profiles(scores, fit, "study", exclude_informants=excluded)
    return {
        "truth": truth,
        "styles": styles,
        "roles": roles,
        "without_term": without_term,
        "fair": (cells, overall),
        "scores": scores,
        "interviews": study.interviews,
    }


def _detected(roles: pd.DataFrame, direction: int) -> bool:
    """The role test flags the roles against the leader in the planted direction (any direction when 0)."""
    hit = roles[roles["significant"]]
    if direction == 0:
        return bool(len(hit))
    return bool(len(hit)) and bool((np.sign(hit["estimate"]) == direction).all())


def role_rates(root: Path, n_null: int, n_power: int, seed0: int) -> list[dict[str, Any]]:
    """False positives (no leniency) and power (leniency 0.1, 0.2, 0.4) at 3 and 5 informants."""
    rows = []
    for informants in (3, 5):
        for leniency in (0.0, 0.1, 0.2, 0.4):
            n = n_null if leniency == 0 else n_power
            hits = hits_without = converged = boundary = 0
            effects, estimates = [], []
            for k in range(n):
                seed = seed0 + k
                result = _one_study(root, seed, _spec(seed, informants, leniency))
                roles, truth = result["roles"], result["truth"]
                direction = 0 if leniency == 0 else -1
                hits += _detected(roles, direction)
                hits_without += _detected(result["without_term"], direction)
                converged += bool(roles["converged"].all())
                boundary += bool((roles["boundary"] != "").any())
                effects.append(truth.role_effects["medarbejder"])
                estimates.append(float(roles.set_index("role").loc["medarbejder", "estimate"]))
            low, high = proportion_confint(hits, n, alpha=ALPHA, method="wilson")
            rows.append(
                {
                    "informants": informants,
                    "leniency": leniency,
                    "studies": n,
                    "rate": hits / n,
                    "rate_low": low,
                    "rate_high": high,
                    "rate_without_practice_element": hits_without / n,
                    "converged": converged / n,
                    "boundary_fits": boundary / n,
                    "true_effect": float(np.mean(effects)),
                    "mean_estimate": float(np.mean(estimates)),
                }
            )
            print(f"  roles: {informants} informants, leniency {leniency}: {hits}/{n}", file=sys.stderr)
    return rows


def style_rates(root: Path, n_studies: int, seed0: int) -> dict[str, Any]:
    """Planted straight-liners found, and truthful informants of extreme practices (and leaders) flagged."""
    found = planted = found_at_level = planted_at_level = extreme_flagged = extreme = leaders_flagged = leaders = 0
    for k in range(n_studies):
        seed = seed0 + k
        spec = replace(_spec(seed, 3 + seed % 3, 0.18), straightliner_rate=0.05, n_extreme=2)
        result = _one_study(root, seed, spec)
        styles, truth = result["styles"], result["truth"]
        flagged = set(styles.loc[styles["straightliner"], "informant_id"])
        planted_ids = set(truth.straightliners)
        in_extreme = styles["practice_id"].isin(set(truth.extreme_practices))
        extreme_ids = set(styles.loc[in_extreme, "informant_id"]) - planted_ids
        for informant in planted_ids:
            if styles.loc[styles["informant_id"] == informant, "practice_id"].isin(set(truth.extreme_practices)).any():
                planted_at_level += 1
                found_at_level += informant in flagged
            else:
                planted += 1
                found += informant in flagged
        extreme += len(extreme_ids)
        extreme_flagged += len(extreme_ids & flagged)
        leader_ids = set(styles.loc[(styles["informant_role"] == "leder") & ~in_extreme, "informant_id"]) - planted_ids
        leaders += len(leader_ids)
        leaders_flagged += len(leader_ids & flagged)
    return {
        "studies": n_studies,
        "straightliners": planted,
        "found": found / max(planted, 1),
        "straightliners_in_extreme_practices": planted_at_level,
        "found_in_extreme_practices": found_at_level / max(planted_at_level, 1),
        "extreme_informants": extreme,
        "extreme_flagged": extreme_flagged / max(extreme, 1),
        "lenient_leaders": leaders,
        "leaders_flagged": leaders_flagged / max(leaders, 1),
    }


def fair_coverage(root: Path, n_studies: int, seed0: int) -> list[dict[str, Any]]:
    """Coverage of the role-adjusted intervals: the truth is each practice's expected score at the study's mix."""
    rows = []
    for informants in (3, 5):
        cell_hits = cell_n = overall_hits = overall_n = 0
        widths = []
        for k in range(n_studies):
            seed = seed0 + k
            result = _one_study(root, seed, _spec(seed, informants, 0.2))
            cells, overall = result["fair"]
            if not bool(overall["adjusted"].all()):
                continue
            truth = result["truth"].role_element
            mix = bias.declared_mix(result["scores"], "study", sorted(truth["informant_role"].unique()))
            target = truth.assign(w=truth["informant_role"].map(mix).fillna(0.0))
            target = (target["true_score"] * target["w"]).groupby([target["practice_id"], target["element_id"]]).sum()
            target = target.rename("target").reset_index()
            merged = cells.merge(target, on=["practice_id", "element_id"]).dropna(subset=["ci_low"])
            cell_hits += int(((merged["ci_low"] <= merged["target"]) & (merged["target"] <= merged["ci_high"])).sum())
            cell_n += len(merged)
            widths.append(float((merged["ci_high"] - merged["ci_low"]).mean()))
            per_practice = target.groupby("practice_id")["target"].mean().rename("target")
            o = overall.set_index("practice_id").join(per_practice).dropna(subset=["ci_low"])
            overall_hits += int(((o["ci_low"] <= o["target"]) & (o["target"] <= o["ci_high"])).sum())
            overall_n += len(o)
        rows.append(
            {
                "informants": informants,
                "studies": n_studies,
                "cell_coverage": cell_hits / max(cell_n, 1),
                "overall_coverage": overall_hits / max(overall_n, 1),
                "mean_cell_width": float(np.mean(widths)) if widths else np.nan,
            }
        )
    return rows


def _markdown(results: dict[str, Any]) -> str:
    lines: list[str] = []
    if "roles" in results:
        lines += _role_table(results)
    if "styles" in results:
        lines += _style_table(results)
    if "fair" in results:
        lines += _fair_table(results)
    return "\n".join(lines)


def _role_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| informants | planted leniency | studies | flagged (95 % CI) | without practice × element | converged | "
        "boundary fits | true effect | mean estimate |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["roles"]:
        lines.append(
            f"| {r['informants']} | {r['leniency']:.1f} | {r['studies']} | {r['rate']:.3f} ({r['rate_low']:.3f}–{r['rate_high']:.3f}) "
            f"| {r['rate_without_practice_element']:.3f} | {r['converged']:.3f} | {r['boundary_fits']:.2f} | {r['true_effect']:+.3f} "
            f"| {r['mean_estimate']:+.3f} |"
        )
    return lines + [""]


def _style_table(results: dict[str, Any]) -> list[str]:
    s = results["styles"]
    return [
        "| straight-liners found | found in extreme practices | extreme-practice informants flagged | lenient leaders flagged |",
        "|---|---|---|---|",
        f"| {s['found']:.3f} of {s['straightliners']} | {s['found_in_extreme_practices']:.3f} of {s['straightliners_in_extreme_practices']} "
        f"| {s['extreme_flagged']:.3f} of {s['extreme_informants']} | {s['leaders_flagged']:.3f} of {s['lenient_leaders']} |",
        "",
    ]


def _fair_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| informants | studies | fair cell coverage | fair overall coverage | mean cell width |",
        "|---|---|---|---|---|",
    ]
    for r in results["fair"]:
        lines.append(
            f"| {r['informants']} | {r['studies']} | {r['cell_coverage']:.3f} | {r['overall_coverage']:.3f} | {r['mean_cell_width']:.3f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--null", type=int, default=200, help="studies without leniency per informant count")
    parser.add_argument("--power", type=int, default=100, help="studies per planted leniency and informant count")
    parser.add_argument("--styles", type=int, default=100, help="studies for the response-style rates")
    parser.add_argument(
        "--fair", type=int, default=50, help="studies per informant count for the fair-profile coverage"
    )
    parser.add_argument("--seed", type=int, default=10_000, help="first seed")
    parser.add_argument("--parts", default="roles,styles,fair", help="which parts to run, comma-separated")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        parts = {
            "roles": lambda: role_rates(root, args.null, args.power, args.seed),
            "styles": lambda: style_rates(root, args.styles, args.seed),
            "fair": lambda: fair_coverage(root, args.fair, args.seed),
        }
        results = {name: parts[name]() for name in args.parts.split(",")}
    results["seconds"] = time.perf_counter() - start
    results["arguments"] = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(_markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
