"""Mutation testing of the statistical and safety core with mutmut, one module at a time (``make mutation``).

mutmut plants one small change (``<`` for ``<=``, ``+`` for ``-``, a constant altered, an argument dropped)
at a time into a copy of the package and runs the tests that reach the changed function; a mutant the tests
do not notice "survives", and each survivor is either killed by a new test or explained as equivalent in
``docs/mutation.md``. Each module is run with its own test files only (``MODULES``), so one module takes
minutes, not the hour the whole suite would need per mutant, and the browser and notebook tests stay out.

Every module runs in its own copy under ``build/mutation/<module>/`` (mutmut's ``mutants/`` folder there),
with a ``setup.cfg`` naming what to mutate and which tests to run; the project's own files are not touched.

Usage::

    .venv/bin/python scripts/mutation.py io            # one module
    .venv/bin/python scripts/mutation.py               # every module in turn (about an hour on 2 cores)
    .venv/bin/python scripts/mutation.py io --max-children 1
    .venv/bin/python scripts/mutation.py agreement     # agreement.formats, agreement.kappa, … in turn
    .venv/bin/python scripts/mutation.py --survivors agreement.kappa   # only the last run's survivors

Each module's result is written to ``build/mutation/<module>.json`` (killed, survived, timeouts, score and
the survivors' names), the survivors' diffs to ``build/mutation/<module>.survivors.txt``, and a row of the
table in ``docs/mutation.md`` is printed. The score is (killed + timed out) / (every mutant not skipped),
so a mutant no selected test reaches counts against it.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "mutation"
MUTMUT = Path(sys.executable).with_name("mutmut")

#: module: (files to mutate as globs relative to the copy, the test files that pin them down, and the
#: mutants to run as mutmut name globs, empty for all). The runner's parameter checks are six functions
#: of ``pipeline.py``; the rest of it runs notebooks and is tested end to end, not here.
MODULES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "io": (["lovende_research/io.py"], ["tests/test_io.py"], []),
    "parameter_checks": (
        ["lovende_research/pipeline.py"],
        ["tests/test_parameter_types.py"],
        [
            f"lovende_research.pipeline.x_{name}__mutmut_*"
            for name in (
                "read_params_file",
                "resolve_parameters",
                "check_unused",
                "_literal",
                "notebook_defaults",
                "_check_type",
            )
        ],
    ),
    # The statistical core file by file, each with the tests written for it: the whole of scoring/ is
    # ~4,500 mutants and bias/ more, hours on two shared cores (agreement/'s tests are fast enough for all of it); run a file when its tests change.
    "scoring.reconcile": (
        ["lovende_research/scoring/reconcile.py", "lovende_research/scoring/parameters.py"],
        ["tests/test_scoring_reconcile.py", "tests/test_errors.py"],
        [],
    ),
    # The rest of scoring/ file by file, each with its own fast unit tests (a mutant well under a second;
    # tests/test_scoring.py and _model simulate studies and bootstrap, seconds per mutant).
    "scoring.model": (["lovende_research/scoring/model.py"], ["tests/test_scoring_model_unit.py"], []),
    "scoring.draws": (["lovende_research/scoring/draws.py"], ["tests/test_scoring_draws.py"], []),
    "scoring.uncertainty": (
        ["lovende_research/scoring/uncertainty.py", "lovende_research/scoring/summaries.py"],
        ["tests/test_scoring_uncertainty.py", "tests/test_scoring_summaries.py"],
        [],
    ),
    "scoring.elements": (
        ["lovende_research/scoring/elements.py", "lovende_research/scoring/profiles.py"],
        ["tests/test_scoring_elements.py", "tests/test_scoring_profiles.py"],
        [],
    ),
    "scoring.stage": (["lovende_research/scoring/stage.py"], ["tests/test_scoring_stage.py"], []),
    # The design planner with its unit tests and the fast tests of tests/test_scoring_planner.py (the
    # notebook and the chart tests run the example study or draw: seconds per mutant).
    "scoring.planner": (
        ["lovende_research/scoring/planner.py"],
        [
            "tests/test_scoring_planner_unit.py",
            "tests/test_scoring_planner.py",
            "-k",
            "not stage_three and not design_chart",
        ],
        [],
    ),
    # agreement/ file by file (``agreement`` runs them all, see GROUPS), each against every agreement test:
    # the statistics call each other (coders → kappa, gwet, krippendorff; all → formats) and mutmut runs only
    # the tests that reach a mutant. The notebook test is left out: the notebook runs in its own kernel,
    # where no mutant is switched on, and it takes 11 s.
    **{
        f"agreement.{name}": (
            [f"lovende_research/agreement/{name}.py"],
            ["tests/test_agreement_*.py", "tests/test_interval_levels.py", "-k", "not notebook"],
            [],
        )
        for name in ("formats", "kappa", "multirater", "gwet", "krippendorff", "icc", "cronbach", "coders")
    },
    # bias/ file by file with the fast tests written for each (tests/test_bias.py fits mixed models and
    # simulates studies: a minute per mutant).
    "bias.roles": (
        ["lovende_research/bias/roles.py"],
        ["tests/test_bias_roles.py", "tests/test_interval_levels.py"],
        [],
    ),
    "bias.informants": (
        ["lovende_research/bias/informants.py"],
        ["tests/test_bias_informants.py", "tests/test_interval_levels.py"],
        [],
    ),
    "bias.fair": (["lovende_research/bias/fair.py"], ["tests/test_bias_fair.py"], []),
    "bias.stability": (["lovende_research/bias/stability.py"], ["tests/test_bias_stability.py"], []),
    "bias.delimitation": (["lovende_research/bias/delimitation.py"], ["tests/test_bias_delimitation.py"], []),
    "bias.flags": (["lovende_research/bias/flags.py"], ["tests/test_bias_flags.py"], []),
    "bias.verdicts": (["lovende_research/bias/verdicts.py"], ["tests/test_bias_verdicts.py"], []),
    "bias.checks": (["lovende_research/bias/checks.py"], ["tests/test_bias_checks.py"], []),
    # phrases.py is a table of sentences, no function: mutmut mutates inside functions only
    "bias.common": (
        ["lovende_research/bias/common.py"],
        ["tests/test_bias_roles.py", "tests/test_bias_informants.py"],
        [],
    ),
    # test_bias_styles.py and the fast response-style tests of test_bias.py (its 20-seed validity tests
    # take a minute per mutant).
    "bias.styles": (
        ["lovende_research/bias/styles.py"],
        ["tests/test_bias_styles.py", "tests/test_bias.py", "-k", "style or screen or threshold or coinciding"],
        [],
    ),
    # The readers with their fast unit tests: tests/test_study*.py validate whole studies and
    # tests/test_tables_property.py reads 120 random files a test, seconds per mutant.
    "tables": (["lovende_research/tables.py"], ["tests/test_tables_unit.py"], []),
    "spss": (["lovende_research/spss.py"], ["tests/test_spss_unit.py"], []),
    "wide_codings": (["lovende_research/wide_codings.py"], ["tests/test_wide_codings_unit.py"], []),
    "codings_folder": (["lovende_research/codings_folder.py"], ["tests/test_codings_folder_unit.py"], []),
    # The REFI-QDA reader (the file's opening in archive.py, its meaning in project.py) with the tests of
    # files shaped as QualCoder, MAXQDA, ATLAS.ti and NVivo write them and the unit tests of small projects
    # written by hand (the round trip and quotes tests simulate studies: seconds per mutant).
    "qda.project": (
        ["lovende_research/qda/project.py", "lovende_research/qda/archive.py"],
        ["tests/test_qda_project.py", "tests/test_qda_project_unit.py"],
        [],
    ),
}

#: Names that run several modules of :data:`MODULES` one after another.
GROUPS: dict[str, list[str]] = {"agreement": [name for name in MODULES if name.startswith("agreement.")]}

#: What the copy needs besides the package and its tests: the example study and the instrument are read
#: by tests through ``lovende_research.config``, which points into the copy.
ALSO_COPY = ["data", "notebooks", "benchmarks"]


def _copy_project(work: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ["lovende_research", "tests", *ALSO_COPY]:
        shutil.copytree(ROOT / name, work / name, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")


def _setup_cfg(mutate: list[str], tests: list[str], work: Path) -> str:
    # Globs of test files are expanded here: mutmut hands them to pytest as they are.
    files = [name for name in tests if name.startswith("-") or not name.startswith("tests/")]  # pytest options
    files = (
        sorted(
            {str(p.relative_to(work)) for pattern in tests if pattern.startswith("tests/") for p in work.glob(pattern)}
        )
        + files
    )
    lines = ["[mutmut]", "source_paths=lovende_research", "only_mutate="]
    lines += [f"    {glob}" for glob in mutate]
    lines += ["also_copy="] + [f"    {name}" for name in ALSO_COPY]
    lines += ["pytest_add_cli_args_test_selection="] + [f"    {name}" for name in files]
    # -p no:cacheprovider: nothing written beside the tests; -x: a mutant is killed at its first failure.
    lines += ["pytest_add_cli_args=", "    -p", "    no:cacheprovider", "    -x", "    -q"]
    return "\n".join(lines) + "\n"


def run_module(module: str, max_children: int, survivors_only: bool = False) -> dict[str, object]:
    """Run mutmut over one module of :data:`MODULES` and return its counts and surviving mutants.

    ``survivors_only`` runs only the survivors of the module's last run (its ``.json``), with the tests as
    they are now, and keeps the last run's counts for the rest: killing survivors with new tests then
    takes minutes, not the whole run again. A test added cannot revive a killed mutant, so the counts are
    those of a full run, unless a test was changed or removed (then run the module in full).
    """
    mutate, tests, names = MODULES[module]
    previous = json.loads((BUILD / f"{module}.json").read_text(encoding="utf-8")) if survivors_only else None
    if previous is not None:
        if not previous["survivors"]:
            return previous
        names = list(previous["survivors"])
    work = BUILD / module
    _copy_project(work)
    (work / "setup.cfg").write_text(_setup_cfg(mutate, tests, work), encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "agg", "PYTHONHASHSEED": "0"}
    with (work / "mutmut-run.log").open(
        "w", encoding="utf-8"
    ) as log:  # mutmut redraws a progress line many times a second
        run = subprocess.run(
            ["nice", str(MUTMUT), "run", "--max-children", str(max_children), *names],
            cwd=work,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if previous is not None and run.returncode != 0:  # keep the last run's record rather than a broken one
        raise SystemExit(f"mutmut failed on the survivors of {module}; see {work / 'mutmut-run.log'}")
    listing = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"], cwd=work, env=env, check=True, capture_output=True, text=True
    ).stdout
    status = dict(line.strip().rsplit(": ", 1) for line in listing.splitlines() if ": " in line)
    if names:
        status = {name: value for name, value in status.items() if any(fnmatch.fnmatch(name, glob) for glob in names)}
    counts = {
        key: sum(value == key for value in status.values())
        for key in ("killed", "timeout", "survived", "no tests", "suspicious", "skipped")
    }
    survivors = sorted(name for name, value in status.items() if value in ("survived", "no tests", "suspicious"))
    diffs = [
        subprocess.run([str(MUTMUT), "show", name], cwd=work, env=env, capture_output=True, text=True).stdout
        for name in survivors
    ]
    (BUILD / f"{module}.survivors.txt").write_text("\n".join(diffs), encoding="utf-8")
    # A mutant no selected test reaches counts as surviving: nothing would notice it. A timeout counts as
    # killed (the mutant made a test hang, which a run notices). Mutants not run ("not checked") are left out.
    if previous is not None:
        for key in ("killed", "timeout", "skipped"):
            counts[key] += int(previous[key])
    caught = counts["killed"] + counts["timeout"]
    judged = caught + counts["survived"] + counts["no tests"] + counts["suspicious"]
    result = {
        "module": module,
        "mutated": mutate,
        "tests": tests,
        # a survivor whose code was deleted since (dead code) is no longer a mutant
        "total": len(status) + (int(previous["total"]) - len(names) if previous is not None else 0),
        **{key.replace(" ", "_"): value for key, value in counts.items()},
        "score": round(caught / judged, 3) if judged else None,
        "survivors": survivors,
    }
    (BUILD / f"{module}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "modules", nargs="*", choices=[[], *MODULES, *GROUPS], help="modules or groups to run (default: all)"
    )
    parser.add_argument(
        "--max-children", type=int, default=1, help="parallel mutants (default 1: the machine is shared)"
    )
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="run only the survivors of each module's last run, keeping its other counts (after new tests)",
    )
    args = parser.parse_args(argv)
    BUILD.mkdir(parents=True, exist_ok=True)
    chosen = [name for module in args.modules for name in GROUPS.get(module, [module])]
    for module in chosen or list(MODULES):
        result = run_module(module, args.max_children, survivors_only=args.survivors)
        score = "–" if result["score"] is None else f"{100 * float(result['score']):.0f} %"
        print(
            f"| {module} | {result['total']} | {result['killed']} | {result['timeout']} | {result['survived']} | {result['no_tests']} | {score} |"
        )
        for name in result["survivors"]:  # type: ignore[union-attr]
            print(f"    survived: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
