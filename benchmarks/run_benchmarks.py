"""Benchmarks for lovende-research: speed on the example study, scale on a national study.

Run ``python benchmarks/run_benchmarks.py`` (``make bench``). It prints one table per measure and writes
every number to a JSON file (``--out``, default ``benchmarks/results/latest.json``). Nothing here is a
test: timings are never asserted, and every verdict is a *ratio* of two things measured side by side in
the same run, so a slow or noisy machine moves both sides alike. See ``benchmarks/README.md`` for what
each measure means and the latest results.

Measures
--------
``example``
    Wall time of :func:`lovende_research.pipeline.run_study` on ``data/raw/example`` (into a temporary
    folder), against a *floor* measured in the same run: the same number of papermill executions of a
    notebook that only imports the project's dependencies, plus the same number of HTML renders with
    :func:`lovende_research.report.render_notebook`. Where the time goes: per stage, the time papermill
    spent executing the notebook's cells (from the executed notebook's metadata), the rest of the
    notebook's life (kernel start and stop, writing), and rendering.
``national``
    validate, load, screening, scoring, agreement and bias on synthetic national-scale studies at
    several fractions of the full size, each fraction in its own child process so its peak resident
    memory is measured alone (``os.wait4``). The growth exponent of each stage is the slope of
    log(time) on log(coding rows) across the fractions.
``agreement``
    Krippendorff's ordinal alpha with a bootstrap interval on the example study, and the point estimate
    on the national study beside the ``krippendorff`` package on the same data; then every agreement
    statistic on the national codings beside statsmodels where it has one (:func:`statistic_timings`).
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Collection

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lovende_research.config import EXAMPLE_STUDY, KERNEL_NAME, NOTEBOOKS_DIR  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / "results" / "latest.json"
#: The fractions of the national study the growth exponent is measured at.
DEFAULT_FRACTIONS = (0.1, 1 / 3, 1.0)
#: Targets from issue 7; reported beside the measurements, never asserted.
TARGETS = {
    "example_ratio_max": 1.5,
    "national_total_seconds_max": 180.0,
    "national_peak_gib_max": 4.0,
    "national_exponent_max": 1.1,
    "alpha_bootstrap_seconds_max": 2.0,
    "alpha_vs_krippendorff_ratio_max": 1.2,
}
#: The stages of the national measure, in the order they run.
NATIONAL_STAGES = ("validate", "load", "screening", "scoring", "agreement", "bias")


def _clock(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


# --------------------------------------------------------------------------------------------------
# national scale: the stage functions, run in a child process per fraction
# --------------------------------------------------------------------------------------------------


def _screening_stage(study: Any) -> dict[str, Any]:
    """The screening functions notebook 01 calls, without figures, with the study's own parameters."""
    from lovende_research import screening

    params = {"n_select": 14, "strata": ["target_group", "provider_type"], "selection_rule": "stratified"}
    params.update(
        study.config.parameters.get("screening", {})
        if isinstance(study.config.parameters.get("screening"), dict)
        else {}
    )
    screening.catalogue_counts(study.candidates)
    flagged = screening.find_duplicates(study.candidates)
    review = screening.duplicate_review(study.candidates, flagged, study.duplicates)
    removed = screening.removed_duplicates(review)
    screened = screening.screened_rows(study.screening, removed)
    screening.check_all_screened(study.candidates, screened, removed)
    screening.screening_agreement(screened)
    screening.screening_conflicts(screened, study.candidates)
    decisions = screening.final_decisions(screened)
    eligibility = screening.practice_eligibility(decisions)
    eligible = screening.eligible_candidates(study.candidates, eligibility)
    strata = list(params["strata"])
    if params["selection_rule"] == "list" and study.selected is not None:
        selection = screening.select_from_list(
            eligible,
            study.selected["practice_id"].tolist(),
            strata=strata,
            screened_ids=eligibility["practice_id"].tolist(),
        )
    else:
        selection = screening.select_stratified(
            eligible, strata=strata, n_select=min(int(params["n_select"]), len(eligible)), seed=study.config.seed
        )
    flow = screening.flow_counts(study.candidates, review, eligibility, selection)
    return {"eligible": int(len(eligible)), "selected": int(len(selection)), "flow_steps": int(len(flow))}


def _scoring_stage(study: Any, n_boot: int) -> Any:
    from lovende_research.scoring import score_study

    return score_study(study, n_boot=n_boot)


def _agreement_stage(study: Any, n_boot: int) -> dict[str, Any]:
    """Coder agreement per element as the bias stage reports it (alpha, kappa, AC2, bootstrap)."""
    from lovende_research.agreement import coder_agreement, coding_units

    units = coding_units(study.codings, study.instrument)
    table = coder_agreement(units, categories=list(study.instrument.scale_codes), n_boot=n_boot, seed=study.config.seed)
    return {"rows": int(len(table))}


def _bias_stage(study: Any, scores: Any) -> dict[str, Any] | None:
    """The bias checks, when ``lovende_research.bias`` exists (``None`` otherwise)."""
    try:
        from lovende_research import bias
    except ImportError:
        return None
    run = getattr(bias, "bias_study", None) or getattr(bias, "run_bias_checks", None)
    if run is None:
        return None
    result = run(study, scores) if _takes_two(run) else run(study)
    return {"result": type(result).__name__}


def _takes_two(function: Callable[..., Any]) -> bool:
    import inspect

    required = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return len(required) >= 2


def national_worker(study_dir: Path, n_boot: int, agreement_boot: int, bias: bool = True) -> dict[str, Any]:
    """Every national stage on one study, timed; runs inside the child process."""
    from lovende_research.study import Study, validate_study

    seconds: dict[str, float | None] = {}
    seconds["validate"], problems = _clock(lambda: validate_study(study_dir))
    seconds["load"], study = _clock(lambda: Study.load(study_dir))
    seconds["screening"], _ = _clock(lambda: _screening_stage(study))
    seconds["scoring"], scores = _clock(lambda: _scoring_stage(study, n_boot))
    seconds["agreement"], _ = _clock(lambda: _agreement_stage(study, agreement_boot))
    seconds["bias"], checked = _clock(lambda: _bias_stage(study, scores) if bias else None)
    if checked is None:
        seconds["bias"] = None
    return {
        "problems": len(problems),
        "coding_rows": int(len(study.codings)),
        "practices": int(study.interviews["practice_id"].nunique()),
        "seconds": seconds,
    }


def _run_child(arguments: list[str]) -> tuple[dict[str, Any], float]:
    """Run this script as a child with ``arguments``; return its JSON result and its peak RSS in GiB."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_file = Path(handle.name)
    try:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), *arguments, "--result-file", str(result_file)]
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"benchmark child {' '.join(arguments)} exited with {process.returncode}")
        return json.loads(result_file.read_text(encoding="utf-8")), usage.ru_maxrss / 1024**2  # KiB → GiB
    finally:
        result_file.unlink(missing_ok=True)


def growth_exponent(sizes: list[float], seconds: list[float]) -> float | None:
    """Least-squares slope of log(seconds) on log(size): 1 is linear growth, 2 quadratic.

    >>> round(growth_exponent([1, 10, 100], [0.5, 5.0, 50.0]), 3)
    1.0
    """
    pairs = [(s, t) for s, t in zip(sizes, seconds, strict=True) if s and t and t > 0]
    if len(pairs) < 2 or len({s for s, _ in pairs}) < 2:
        return None
    x = np.log([s for s, _ in pairs])
    y = np.log([t for _, t in pairs])
    return float(np.polyfit(x, y, 1)[0])


def national_benchmark(
    work: Path,
    fraction_of_national: float,
    fractions: tuple[float, ...],
    seed: int,
    n_boot: int,
    agreement_boot: int,
    bias: bool = True,
) -> dict[str, Any]:
    from lovende_research.simulate import SimulationSpec, simulate_study

    base = SimulationSpec.preset("national")
    runs = []
    for fraction in fractions:
        scale = fraction * fraction_of_national
        spec = base if math.isclose(scale, 1.0) else base.scaled(1 / scale)
        folder = work / f"national_{scale:.4f}"
        simulate_seconds, _ = _clock(lambda folder=folder, spec=spec: simulate_study(folder, spec, seed))
        result, peak = _run_child(
            ["--worker", str(folder), "--n-boot", str(n_boot), "--agreement-boot", str(agreement_boot)]
            + ([] if bias else ["--no-bias"])
        )
        seconds = result["seconds"]
        total = sum(v for v in seconds.values() if v is not None)
        runs.append(
            {
                "fraction": scale,
                "simulate_seconds": simulate_seconds,
                **result,
                "total_seconds": total,
                "peak_gib": peak,
            }
        )
        shutil.rmtree(folder, ignore_errors=True)
    sizes = [r["coding_rows"] for r in runs]
    exponents = {
        stage: growth_exponent(sizes, [r["seconds"][stage] for r in runs])
        if all(r["seconds"][stage] is not None for r in runs)
        else None
        for stage in NATIONAL_STAGES
    }
    exponents["total"] = growth_exponent(sizes, [r["total_seconds"] for r in runs])
    largest = runs[-1]
    return {
        "runs": runs,
        "exponents": exponents,
        "bias_available": largest["seconds"]["bias"] is not None,
        "total_seconds": largest["total_seconds"],
        "peak_gib": largest["peak_gib"],
    }


# --------------------------------------------------------------------------------------------------
# agreement: alpha with bootstrap on the example; point estimate beside the krippendorff package
# --------------------------------------------------------------------------------------------------


def _alpha_units(study: Any) -> Any:
    from lovende_research.agreement import coding_units

    return coding_units(study.codings, study.instrument)


def agreement_worker(example_dir: Path, national_dir: Path | None, n_boot: int, repeats: int) -> dict[str, Any]:
    from lovende_research.agreement import krippendorff_alpha
    from lovende_research.study import Study

    example = Study.load(example_dir)
    units = _alpha_units(example)
    categories = list(example.instrument.scale_codes)

    def ours_boot() -> Any:
        return krippendorff_alpha(
            units,
            subject="subject",
            rater="coder_id",
            rating="value",
            n_boot=n_boot,
            seed=example.config.seed,
            categories=categories,
        )

    boot_seconds = min(_clock(ours_boot)[0] for _ in range(repeats))
    boot = ours_boot().iloc[0]
    out: dict[str, Any] = {
        "example": {
            "units": int(boot["n_subjects"]),
            "n_boot": n_boot,
            "seconds": boot_seconds,
            "alpha": float(boot["estimate"]),
            "ci_low": float(boot["ci_low"]),
            "ci_high": float(boot["ci_high"]),
        },
        "national": None,
    }
    if national_dir is None:
        return out
    national = Study.load(national_dir)
    long = _alpha_units(national)
    try:
        import krippendorff
    except ImportError:
        krippendorff = None

    def ours() -> float:
        return float(
            krippendorff_alpha(long, subject="subject", rater="coder_id", rating="value", categories=categories)[
                "estimate"
            ].iloc[0]
        )

    def coders_by_units() -> np.ndarray:
        """The package's input, built as fast as numpy allows (pandas' pivot takes far longer)."""
        units, _ = pd.factorize(long["subject"])
        coders, names = pd.factorize(long["coder_id"])
        wide = np.full((len(names), units.max() + 1), np.nan)
        wide[coders, units] = long["value"].to_numpy(dtype="float64", na_value=np.nan)
        return wide

    wide_seconds, matrix = _clock(coders_by_units)
    ours_seconds = min(_clock(ours)[0] for _ in range(repeats))
    row: dict[str, Any] = {
        "units": int(long["subject"].nunique()),
        "codings": int(len(long)),
        "seconds": ours_seconds,
        "alpha": ours(),
        "krippendorff_seconds": None,
        "krippendorff_alpha": None,
        "ratio": None,
        "pivot_seconds": wide_seconds,
    }
    if krippendorff is not None:

        def theirs() -> float:
            return float(
                krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal", value_domain=categories)
            )

        row["krippendorff_seconds"] = min(_clock(theirs)[0] for _ in range(repeats))
        row["krippendorff_alpha"] = theirs()
        row["ratio"] = ours_seconds / row["krippendorff_seconds"]
        # Both tools start from the same long codings table: the package needs the coders x units matrix
        # built first, ours reads the table as it is. The target is judged on this like-for-like ratio;
        # the ratio against the package's matrix step alone is reported beside it.
        row["ratio_same_input"] = ours_seconds / (row["krippendorff_seconds"] + wide_seconds)
    out["national"] = row
    out["statistics"] = statistic_timings(long, categories, repeats)
    return out


def statistic_timings(long: pd.DataFrame, categories: list[int], repeats: int) -> list[dict[str, Any]]:
    """Every agreement statistic on the national codings, beside the fastest permissive implementation.

    Both sides start from the same long codings table (complete units only: statsmodels takes no
    missing ratings). statsmodels needs a units × coders matrix first, built here as fast as numpy
    allows, and its time counts on its side, as for alpha against the krippendorff package. Where no
    permissively licensed implementation exists (Conger, AC2, percent agreement, ICC, Cronbach's alpha)
    only our time is recorded. ``ratio`` is ours / theirs; the issue-17 target is at most 2.
    """
    from statsmodels.stats import inter_rater as sm

    from lovende_research import agreement as ag

    keys = {"subject": "subject", "rater": "coder_id", "rating": "value"}
    present = long.dropna(subset=["value"])
    complete = present[present.groupby("subject")["subject"].transform("size") == present["coder_id"].nunique()]

    def matrix() -> np.ndarray:
        units, _ = pd.factorize(complete["subject"])
        coders, names = pd.factorize(complete["coder_id"])
        wide = np.zeros((units.max() + 1, len(names)), dtype=np.int64)
        wide[units, coders] = complete["value"].to_numpy(dtype=np.int64) - min(categories)
        return wide

    # Cronbach's alpha over interviews x items: one coder's codes under the main delimitation
    one_coder = present[(present["coder_id"] == present["coder_id"].min()) & present["subject"].str.endswith("|main")]
    q = len(categories)
    wide = matrix()
    scores = np.asarray(categories, dtype=float)
    theirs: dict[str, Callable[[], float]] = {
        "cohens_kappa": lambda: float(sm.cohens_kappa(sm.to_table(wide, bins=q)[0]).kappa),
        "weighted_kappa_quadratic": lambda: float(
            sm.cohens_kappa(sm.to_table(wide, bins=q)[0], weights=scores, wt="quadratic").kappa
        ),
        "fleiss_kappa": lambda: float(sm.fleiss_kappa(sm.aggregate_raters(wide, n_cat=q)[0])),
        "scott_pi": lambda: float(sm.fleiss_kappa(sm.aggregate_raters(wide, n_cat=q)[0])),
        "brennan_prediger": lambda: float(sm.fleiss_kappa(sm.aggregate_raters(wide, n_cat=q)[0], method="randolph")),
    }
    ours: dict[str, Callable[[], pd.DataFrame]] = {
        "cohens_kappa": lambda: ag.cohens_kappa(complete, categories=categories, **keys),
        "weighted_kappa_quadratic": lambda: ag.cohens_kappa(
            complete, weights="quadratic", categories=categories, **keys
        ),
        "fleiss_kappa": lambda: ag.fleiss_kappa(complete, categories=categories, **keys),
        "scott_pi": lambda: ag.scott_pi(complete, categories=categories, **keys),
        "brennan_prediger": lambda: ag.brennan_prediger(complete, categories=categories, **keys),
        "conger_kappa": lambda: ag.conger_kappa(complete, categories=categories, **keys),
        "gwet_ac2": lambda: ag.gwet_ac2(complete, categories=categories, **keys),
        "percent_agreement": lambda: ag.percent_agreement(complete, categories=categories, **keys),
        "krippendorff_alpha": lambda: ag.krippendorff_alpha(complete, categories=categories, **keys),
        "icc": lambda: ag.icc(complete, **keys),
        "cronbach_alpha": lambda: ag.cronbach_alpha(one_coder, subject="interview_id", item="item_id", rating="value"),
    }
    rows = []
    for name, function in ours.items():
        # ours and theirs alternate, so a burst of load on the shared machine hits both sides alike
        mine, others, matrices = [], [], []
        for _ in range(repeats):
            seconds, table = _clock(function)
            mine.append(seconds)
            if name in theirs:
                matrices.append(_clock(matrix)[0])
                others.append(_clock(theirs[name]))
        row: dict[str, Any] = {
            "statistic": name,
            "units": int(table["n_subjects"].iloc[0]),
            "seconds": min(mine),
            "estimate": float(table["estimate"].iloc[0]),
            "theirs": None,
            "theirs_seconds": None,
            "theirs_estimate": None,
            "ratio": None,
        }
        if others:
            their_seconds = min(matrices) + min(t for t, _ in others)
            row.update(
                theirs="statsmodels",
                theirs_seconds=their_seconds,
                theirs_estimate=others[0][1],
                ratio=min(mine) / their_seconds,
            )
        rows.append(row)
    return rows


def agreement_benchmark(
    work: Path, fraction_of_national: float, seed: int, n_boot: int, repeats: int
) -> dict[str, Any]:
    from lovende_research.simulate import SimulationSpec, simulate_study

    spec = SimulationSpec.preset("national")
    if not math.isclose(fraction_of_national, 1.0):
        spec = spec.scaled(1 / fraction_of_national)
    folder = simulate_study(work / "national_agreement", spec, seed)
    result, _ = _run_child(["--agreement-worker", str(folder), "--n-boot", str(n_boot), "--repeats", str(repeats)])
    shutil.rmtree(folder, ignore_errors=True)
    return result


# --------------------------------------------------------------------------------------------------
# the example study end to end, against the floor of kernels and renders
# --------------------------------------------------------------------------------------------------


def dependency_imports(notebook: Path, loaded: Collection[str]) -> list[str]:
    """The third-party modules a stage's code imports and its kernel had loaded by the end of a run.

    Follows every import statement of the notebook and of each project module they reach, at module
    level or inside a function, and keeps what is neither the standard library nor the project and is in
    ``loaded`` (the kernel's ``sys.modules`` after the stage ran, from :func:`loaded_modules`). Where an
    import statement sits does not decide whether its cost is the floor's: a dependency imported inside
    a function the stage calls (statsmodels' mixed model in the bias checks) is as unavoidable as one
    imported at the top of a module, and one the stage never reaches (openpyxl, for an Excel study) is
    not loaded and stays out. That stage's floor notebook imports exactly these.
    """
    import importlib.util

    import nbformat

    code = [cell.source for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code"]
    trees = [ast.parse(source, filename=str(notebook)) for source in code]
    project, third_party, visited = "lovende_research", set(), set()
    while trees:
        for name in _imported_names(trees.pop()):
            top = name.partition(".")[0]
            if top in sys.stdlib_module_names:
                continue
            if top != project:
                third_party.add(name)
                continue
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
                module = ".".join(parts[:depth])
                if module not in visited:
                    visited.add(module)
                    spec = importlib.util.find_spec(module)
                    trees.append(ast.parse(Path(spec.origin).read_text(encoding="utf-8"), filename=spec.origin))
    return sorted(third_party & set(loaded))


def _imported_names(tree: ast.Module) -> list[str]:
    """Every module an import statement in ``tree`` names: ``from a import b`` counts as ``a.b`` when b is a module."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__":
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                names.append(candidate if _is_module(candidate) else node.module)
    return names


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package: ``name`` is an attribute
        return False


#: Appended to each stage notebook for :func:`loaded_modules`: the kernel's modules after the stage ran.
_CENSUS_CELL = (
    "import json as _json, pathlib as _pathlib, sys as _sys\n"
    "_pathlib.Path({path!r}).write_text(_json.dumps(sorted(_sys.modules)), encoding='utf-8')\n"
)


def loaded_modules(work: Path, study_dir: Path) -> dict[str, set[str]]:
    """Per stage, the modules its kernel had loaded when it finished, from one ``run_study`` of the study.

    The run uses copies of the stage notebooks with one cell added at the end that writes the kernel's
    ``sys.modules``; it is not timed (and warms the disk cache for the timed rounds alike).
    """
    import nbformat

    from lovende_research import pipeline

    notebooks, census = work / "notebooks", work / "census"
    notebooks.mkdir(parents=True, exist_ok=True)
    census.mkdir(parents=True, exist_ok=True)
    for stage in pipeline.STAGES:
        notebook = nbformat.read(NOTEBOOKS_DIR / f"{stage.notebook}.ipynb", as_version=4)
        notebook.cells.append(nbformat.v4.new_code_cell(_CENSUS_CELL.format(path=str(census / f"{stage.key}.json"))))
        nbformat.write(notebook, notebooks / f"{stage.notebook}.ipynb")
    pipeline.run_study(
        study_dir,
        processed_base=work / "processed",
        reports_base=work / "reports",
        notebooks_dir=notebooks,
        progress=False,
    )
    return {
        stage.key: set(json.loads((census / f"{stage.key}.json").read_text(encoding="utf-8")))
        for stage in pipeline.STAGES
    }


def floor_notebook(path: Path, imports: list[str]) -> Path:
    """A notebook with a parameters cell and ``imports``: the unavoidable cost of one stage."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python (lovende-research)",
        "language": "python",
    }
    parameters = nbformat.v4.new_code_cell(
        'study_dir = ""  # the study\nprocessed_dir = ""  # outputs\nlanguage = "da"  # da/en\nseed = 0  # seed\n'
    )
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell("".join(f"import {name}\n" for name in imports))]
    nbformat.write(notebook, path)
    return path


def _execution_seconds(notebook_path: Path) -> float:
    """Seconds papermill spent running the notebook's cells (from its ``metadata.papermill``)."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    return float(sum(cell.metadata.get("papermill", {}).get("duration") or 0.0 for cell in notebook.cells))


def _timed_run(work: Path, study_dir: Path) -> tuple[float, dict[str, dict[str, float]]]:
    """``run_study`` on the study into ``work``: its wall time, and per stage papermill, cell and render seconds."""
    from lovende_research import pipeline

    timings: dict[str, dict[str, float]] = {}
    notebooks: dict[str, str] = {}
    original_execute, original_render = pipeline._execute, pipeline.render_notebook

    def timed_execute(stage: Any, *args: Any, **kwargs: Any) -> Path:
        seconds, path = _clock(lambda: original_execute(stage, *args, **kwargs))
        timings[stage.key] = {"papermill": seconds, "cells": _execution_seconds(path)}
        notebooks[stage.notebook] = stage.key
        return path

    def timed_render(path: Path, *args: Any, **kwargs: Any) -> Path:
        seconds, out = _clock(lambda: original_render(path, *args, **kwargs))
        if Path(path).stem in notebooks:
            timings[notebooks[Path(path).stem]]["render"] = seconds
        return out

    pipeline._execute, pipeline.render_notebook = timed_execute, timed_render
    try:
        run_seconds, _ = _clock(
            lambda: pipeline.run_study(
                study_dir, processed_base=work / "processed", reports_base=work / "reports", progress=False
            )
        )
    finally:
        pipeline._execute, pipeline.render_notebook = original_execute, original_render
    return run_seconds, timings


def _timed_floor(work: Path, floors: list[Path], study_dir: Path) -> tuple[float, list[dict[str, float]]]:
    """Each stage's floor notebook executed and rendered once, in stage order, as the pipeline would."""
    import papermill

    from lovende_research import report

    work.mkdir(parents=True, exist_ok=True)
    runs = []
    start = time.perf_counter()
    for source in floors:
        executed = work / f"{source.stem}.executed.ipynb"
        execute_seconds, _ = _clock(
            lambda source=source, executed=executed: papermill.execute_notebook(
                str(source),
                str(executed),
                parameters={"study_dir": str(study_dir)},
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                cwd=str(NOTEBOOKS_DIR),
                request_save_on_cell_execute=False,
            )
        )  # as the pipeline runs it
        render_seconds, _ = _clock(
            lambda source=source, executed=executed: report.render_notebook(executed, work / f"{source.stem}.html")
        )
        runs.append({"papermill": execute_seconds, "cells": _execution_seconds(executed), "render": render_seconds})
    return time.perf_counter() - start, runs


def example_benchmark(work: Path, study_dir: Path, rounds: int = 9) -> dict[str, Any]:
    """``lovende run`` on the example against its floor, in ``rounds`` rounds; the median round's ratio counts.

    Within a round the two are measured back to back, floor first in even rounds and the run first in
    odd ones, so a machine that speeds up or slows down during the benchmark favours neither side.
    """
    from lovende_research import pipeline

    os.environ["MPLBACKEND"] = "agg"
    work.mkdir(parents=True, exist_ok=True)
    loaded = loaded_modules(work / "census", study_dir)
    imports = {
        stage.key: dependency_imports(NOTEBOOKS_DIR / f"{stage.notebook}.ipynb", loaded[stage.key])
        for stage in pipeline.STAGES
    }
    floors = [floor_notebook(work / f"floor_{stage.notebook}.ipynb", imports[stage.key]) for stage in pipeline.STAGES]
    measured = []
    for i in range(rounds):
        folder = work / f"round_{i}"
        steps = [
            ("floor", lambda folder=folder: _timed_floor(folder / "floor", floors, study_dir)),
            ("run", lambda folder=folder: _timed_run(folder / "run", study_dir)),
        ]
        result = dict((name, step()) for name, step in (steps if i % 2 == 0 else steps[::-1]))
        (run_seconds, stages), (floor_seconds, floor_runs) = result["run"], result["floor"]
        staged = sum(s["papermill"] + s.get("render", 0.0) for s in stages.values())
        measured.append(
            {
                "run_seconds": run_seconds,
                "floor_seconds": floor_seconds,
                "ratio": run_seconds / floor_seconds,
                "stages": stages,
                "outside_stages_seconds": run_seconds - staged,
                "floor_runs": floor_runs,
            }
        )
        shutil.rmtree(folder, ignore_errors=True)
    median = sorted(measured, key=lambda r: r["ratio"])[len(measured) // 2]
    return {"study": str(study_dir), "notebooks": len(floors), "rounds": measured, "floor_imports": imports, **median}


# --------------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import pandas

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError):
        pass
    return {
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": memory,
    }


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def format_tables(results: dict[str, Any]) -> str:
    """The results as plain-text tables (also pasted into benchmarks/README.md)."""
    lines: list[str] = []
    example = results.get("example")
    if example:
        lines += [
            "## Example study end to end",
            "",
            "| stage | papermill s | of which cells s | render s | floor papermill s | floor cells s |",
            "|---|---|---|---|---|---|",
        ]
        for (key, stage), floor in zip(example["stages"].items(), example["floor_runs"], strict=True):
            lines.append(
                f"| {key} | {_fmt(stage.get('papermill'))} | {_fmt(stage.get('cells'))} | {_fmt(stage.get('render'))} "
                f"| {_fmt(floor['papermill'])} | {_fmt(floor['cells'])} |"
            )
        rounds = ", ".join(
            f"{_fmt(r['run_seconds'])}/{_fmt(r['floor_seconds'])} = {_fmt(r['ratio'])}" for r in example["rounds"]
        )
        lines += [
            f"| validate, inspect, index, provenance | {_fmt(example['outside_stages_seconds'])} | | | | |",
            "",
            f"`lovende run` {_fmt(example['run_seconds'])} s; floor ({example['notebooks']} notebooks importing each stage's dependencies, "
            f"+ renders) {_fmt(example['floor_seconds'])} s; **ratio {_fmt(example['ratio'])}** (median of {len(example['rounds'])} rounds: "
            f"{rounds}; target ≤ {TARGETS['example_ratio_max']})",
            "",
        ]
    national = results.get("national")
    if national:
        lines += [
            "## National scale",
            "",
            "| fraction | coding rows | " + " | ".join(NATIONAL_STAGES) + " | total s | peak GiB |",
            "|---|---|" + "---|" * len(NATIONAL_STAGES) + "---|---|",
        ]
        for run in national["runs"]:
            cells = " | ".join(_fmt(run["seconds"][s]) for s in NATIONAL_STAGES)
            lines.append(
                f"| {run['fraction']:.3f} | {run['coding_rows']:,} | {cells} | {_fmt(run['total_seconds'])} | {_fmt(run['peak_gib'])} |"
            )
        exps = national["exponents"]
        lines.append(
            "| exponent | | " + " | ".join(_fmt(exps[s]) for s in NATIONAL_STAGES) + f" | {_fmt(exps['total'])} | |"
        )
        lines += [
            "",
            f"targets: total < {TARGETS['national_total_seconds_max']:.0f} s, peak < {TARGETS['national_peak_gib_max']} GiB, "
            "exponent ≤ ~1 (linear)"
            f"{'' if national['bias_available'] else '; bias stage not measured (--no-bias, or lovende_research.bias missing)'}",
            "",
        ]
    agreement = results.get("agreement")
    if agreement:
        ex = agreement["example"]
        lines += [
            "## Agreement",
            "",
            f"- example: ordinal alpha {ex['alpha']:.3f} [{ex['ci_low']:.3f}, {ex['ci_high']:.3f}], {ex['n_boot']} bootstrap draws over "
            f"{ex['units']} units: **{_fmt(ex['seconds'], 3)} s** (target < {TARGETS['alpha_bootstrap_seconds_max']} s)",
        ]
        nat = agreement.get("national")
        if nat:
            lines.append(
                f"- national point estimate ({nat['units']:,} units): lovende {nat['alpha']:.6f} in {_fmt(nat['seconds'], 3)} s; "
                f"krippendorff package {_fmt(nat['krippendorff_alpha'], 6)} in {_fmt(nat['krippendorff_seconds'], 3)} s "
                f"(its input matrix took {_fmt(nat['pivot_seconds'], 3)} s more); **ratio from the same long table "
                f"{_fmt(nat.get('ratio_same_input'))}** (target ≤ {TARGETS['alpha_vs_krippendorff_ratio_max']}); "
                f"ratio against the package's matrix step alone {_fmt(nat['ratio'])}"
            )
        statistics = agreement.get("statistics")
        if statistics:
            lines += [
                "",
                "| statistic | units | lovende s | estimate | statsmodels s (with its input matrix) | its estimate | ratio (target ≤ 2) |",
                "|---|---|---|---|---|---|---|",
            ]
            for row in statistics:
                lines.append(
                    f"| {row['statistic']} | {row['units']:,} | {_fmt(row['seconds'], 3)} | {_fmt(row['estimate'], 6)} | "
                    f"{_fmt(row['theirs_seconds'], 3) if row['theirs'] else 'none permissive'} | {_fmt(row['theirs_estimate'], 6)} | "
                    f"{_fmt(row['ratio'])} |"
                )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file for the results")
    parser.add_argument(
        "--national-fraction",
        type=float,
        default=1.0,
        help="size of the largest national study, as a fraction of the full preset (e.g. 0.01 for a quick run)",
    )
    parser.add_argument(
        "--fractions",
        default=",".join(f"{f:.6g}" for f in DEFAULT_FRACTIONS),
        help="fractions of that size the growth exponent is measured at",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("example", "national", "agreement", "end_to_end"),
        help="leave a measure out (repeatable)",
    )
    parser.add_argument(
        "--national-only",
        action="store_true",
        help="only the national preset end to end (lovende run, pages, Chromium; benchmarks/run_national.py)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n-boot", type=int, default=2000, help="bootstrap draws in scoring (notebook 02's default)")
    parser.add_argument("--agreement-boot", type=int, default=1000, help="bootstrap draws for alpha")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the agreement timings (the fastest counts)")
    parser.add_argument(
        "--no-bias",
        action="store_true",
        help="leave the bias checks out of the national measure (rank_stability re-scores the study once per informant)",
    )
    parser.add_argument("--example-study", type=Path, default=EXAMPLE_STUDY)
    parser.add_argument(
        "--example-rounds", type=int, default=9, help="rounds of run and floor on the example (the median ratio counts)"
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--agreement-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker is not None:
        args.result_file.write_text(
            json.dumps(national_worker(args.worker, args.n_boot, args.agreement_boot, not args.no_bias)),
            encoding="utf-8",
        )
        return 0
    if args.agreement_worker is not None:
        result = agreement_worker(args.example_study, args.agreement_worker, args.n_boot, args.repeats)
        args.result_file.write_text(json.dumps(result), encoding="utf-8")
        return 0

    from lovende_research.io import write_json

    fractions = tuple(float(f) for f in args.fractions.split(",") if f.strip())
    if args.national_only:
        args.skip = ["example", "national", "agreement"]
    results: dict[str, Any] = {
        "machine": machine(),
        "targets": TARGETS,
        "example": None,
        "national": None,
        "agreement": None,
        "end_to_end": None,
        "settings": {
            "national_fraction": args.national_fraction,
            "fractions": fractions,
            "seed": args.seed,
            "n_boot": args.n_boot,
            "agreement_boot": args.agreement_boot,
            "skipped": args.skip,
            "bias": not args.no_bias,
        },
    }
    with tempfile.TemporaryDirectory(prefix="lovende-bench-") as temporary:
        work = Path(temporary)
        if "example" not in args.skip:
            results["example"] = example_benchmark(work / "example", args.example_study, args.example_rounds)
        if "national" not in args.skip:
            results["national"] = national_benchmark(
                work, args.national_fraction, fractions, args.seed, args.n_boot, args.agreement_boot, not args.no_bias
            )
        if "agreement" not in args.skip:
            results["agreement"] = agreement_benchmark(
                work, args.national_fraction, args.seed, args.agreement_boot, args.repeats
            )
        if "end_to_end" not in args.skip:
            from run_national import end_to_end_benchmark  # beside this script

            results["end_to_end"] = end_to_end_benchmark(
                work / "end_to_end", seed=2017, fraction=args.national_fraction
            )
    results["verdicts"] = verdicts(results)
    write_json(args.out, results)
    print(format_tables(results))
    if results["end_to_end"]:
        from run_national import format_table

        print("## The national preset end to end\n\n" + format_table(results["end_to_end"]) + "\n")
    print(json.dumps(results["verdicts"], indent=1))
    print(f"results written to {args.out}")
    return 0


def verdicts(results: dict[str, Any]) -> dict[str, bool | None]:
    """Each target met (True), missed (False) or not measured (None)."""
    example, national, agreement = results.get("example"), results.get("national"), results.get("agreement")
    nat = (agreement or {}).get("national") or {}
    exps = [e for e in (national or {}).get("exponents", {}).values() if e is not None]
    return {
        "example_ratio": None
        if not example or example["ratio"] is None
        else example["ratio"] <= TARGETS["example_ratio_max"],
        "national_total": None if not national else national["total_seconds"] < TARGETS["national_total_seconds_max"],
        "national_peak": None if not national else national["peak_gib"] < TARGETS["national_peak_gib_max"],
        "national_linear": None if not exps else max(exps) <= TARGETS["national_exponent_max"],
        "alpha_bootstrap": None
        if not agreement
        else agreement["example"]["seconds"] < TARGETS["alpha_bootstrap_seconds_max"],
        "alpha_vs_krippendorff": None
        if nat.get("ratio_same_input") is None
        else nat["ratio_same_input"] <= TARGETS["alpha_vs_krippendorff_ratio_max"],
    }


if __name__ == "__main__":
    sys.exit(main())
