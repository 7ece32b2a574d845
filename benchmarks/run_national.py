"""The national preset end to end, as a reviewer gets it: ``lovende run`` timed, its pages weighed and opened.

``python benchmarks/run_national.py`` (``make bench-national``; ``make bench`` runs it as the
``end_to_end`` measure of ``run_benchmarks.py``) simulates the national preset, then

1. runs ``lovende run STUDY --jobs 2`` in a child process and takes its wall time, user and system CPU
   time and peak resident memory from ``os.wait4`` (what ``/usr/bin/time -v`` reports: the largest
   single process of the run, a notebook kernel or the runner);
2. runs the stage functions alone on the same study in another child (``run_benchmarks.national_worker``:
   validate, load, screening, scoring, agreement, bias, without notebooks, pages or exports), so the
   cost of everything around them is the difference of two numbers measured side by side;
3. weighs every page of the report folder (the index and the stage pages one by one; the practice pages
   as a count, the largest and the total) and opens each top-level page, and the largest practice page,
   in headless Chromium (Debian's, driven by Playwright as ``tests/test_reports_browser.py`` does),
   timing ``page.goto`` until the ``load`` event, the median of ``--opens`` openings.

CPU time is recorded beside wall time because a shared machine inflates the wall time but hardly the
CPU time. Nothing is asserted; the targets of issue 24 are printed beside the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Targets of issue 24 (deliverable 6), printed beside the measurements, never asserted.
TARGETS = {"run_seconds_max": 300.0, "peak_gib_max": 4.0, "page_mb_max": 5.0, "open_seconds_max": 3.0}
#: Chromium's switches for a headless run on a server (the browser tests' own).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "national.json"


def timed_child(command: list[str], log: Path) -> dict[str, float]:
    """Run ``command`` (output to ``log``) and return its wall, user and system seconds and peak GiB."""
    started = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {code}; see {log}")
    return {
        "wall_seconds": time.perf_counter() - started,
        "user_seconds": usage.ru_utime,
        "system_seconds": usage.ru_stime,
        "peak_gib": usage.ru_maxrss / 1024**2,  # KiB → GiB
    }


def page_sizes(report: Path) -> dict[str, Any]:
    """Every top-level page's size in MB, and the practice pages' count, largest and total."""
    top = {p.name: p.stat().st_size / 1e6 for p in sorted(report.glob("*.html"))}
    practice = [p for p in report.rglob("*.html") if p.parent != report]
    largest = max(practice, key=lambda p: p.stat().st_size, default=None)
    return {
        "pages_mb": top,
        "practice_pages": len(practice),
        "practice_largest": largest.relative_to(report).as_posix() if largest else None,
        "practice_largest_mb": largest.stat().st_size / 1e6 if largest else None,
        "practice_total_mb": sum(p.stat().st_size for p in practice) / 1e6,
    }


def opening_seconds(report: Path, pages: list[str], opens: int = 3) -> dict[str, float]:
    """Median seconds from ``page.goto`` to the ``load`` event in headless Chromium, per page of ``report``
    (paths relative to it; a fresh tab each time; the browser's own start is not counted)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    out: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            warm = browser.new_page()
            warm.goto("about:blank")
            warm.close()
            for page in pages:
                times = []
                for _ in range(opens):
                    tab = browser.new_page()
                    started = time.perf_counter()
                    tab.goto((report / page).resolve().as_uri(), wait_until="load", timeout=300_000)
                    times.append(time.perf_counter() - started)
                    tab.close()
                out[page] = statistics.median(times)
        finally:
            browser.close()
    return out


def end_to_end_benchmark(
    work: Path, seed: int, jobs: int = 2, opens: int = 3, stages: bool = True, fraction: float = 1.0
) -> dict[str, Any]:
    """Simulate the national preset (or ``fraction`` of it, for a quick look) into ``work`` and measure it
    end to end (see the module's docstring)."""
    from lovende_research.simulate import SimulationSpec, simulate_study

    spec = SimulationSpec.preset("national")
    study = simulate_study(work / "national", spec if fraction == 1.0 else spec.scaled(1 / fraction), seed)
    lovende = str(Path(sys.executable).with_name("lovende"))
    command = [lovende, "run", str(study), "--out", str(work / "reports"), "--processed", str(work / "processed")]
    run = timed_child([*command, "--jobs", str(jobs)], work / "run.log")
    result: dict[str, Any] = {"run": run, "jobs": jobs, "seed": seed, "fraction": fraction, "stage_functions": None}
    if stages:
        worker = [sys.executable, str(ROOT / "benchmarks" / "run_benchmarks.py"), "--worker", str(study)]
        result_file = work / "stages.json"
        alone = timed_child([*worker, "--result-file", str(result_file)], work / "stages.log")
        timings = json.loads(result_file.read_text(encoding="utf-8"))
        result["stage_functions"] = {
            **alone,
            "seconds": timings["seconds"],
            "total_seconds": sum(v for v in timings["seconds"].values() if v is not None),
            "coding_rows": timings["coding_rows"],
            "practices": timings["practices"],
        }
    report = work / "reports" / study.name
    result.update(page_sizes(report))
    opened = list(result["pages_mb"])
    if result["practice_largest"]:
        opened.append(result["practice_largest"])
    result["open_seconds"] = opening_seconds(report, opened, opens)
    return result


def format_table(result: dict[str, Any]) -> str:
    """The measurements as a Markdown table, targets beside them."""
    run, alone = result["run"], result["stage_functions"]
    lines = [
        "| what | measured | target |",
        "|---|---|---|",
        f"| `lovende run --jobs {result['jobs']}` wall | {run['wall_seconds']:.0f} s | ≤ {TARGETS['run_seconds_max']:.0f} s |",
        f"| its CPU time (user + system) | {run['user_seconds']:.0f} + {run['system_seconds']:.0f} s | – |",
        f"| its peak resident memory | {run['peak_gib']:.2f} GiB | ≤ {TARGETS['peak_gib_max']:.0f} GiB |",
    ]
    if alone:
        lines.append(
            f"| stage functions alone (same study, same run) | {alone['total_seconds']:.0f} s wall, "
            f"{alone['user_seconds']:.0f} s user, {alone['peak_gib']:.2f} GiB | – |"
        )
    for name, size in result["pages_mb"].items():
        opened = result["open_seconds"].get(name)
        shown = "–" if opened is None else f"{opened:.2f} s"
        lines.append(
            f"| `{name}`: size, opening | {size:.2f} MB, {shown} | ≤ {TARGETS['page_mb_max']:.0f} MB, "
            f"≤ {TARGETS['open_seconds_max']:.0f} s |"
        )
    if result["practice_largest"]:
        opened = result["open_seconds"].get(result["practice_largest"], float("nan"))
        lines.append(
            f"| practice pages: {result['practice_pages']:,}, {result['practice_total_mb']:.0f} MB in all; "
            f"largest | {result['practice_largest_mb']:.2f} MB, {opened:.2f} s | ≤ {TARGETS['page_mb_max']:.0f} MB, "
            f"≤ {TARGETS['open_seconds_max']:.0f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file for the results")
    parser.add_argument("--seed", type=int, default=2017, help="seed of the simulated national study")
    parser.add_argument("--jobs", type=int, default=2, help="lovende run --jobs")
    parser.add_argument("--opens", type=int, default=3, help="openings per page in Chromium (the median counts)")
    parser.add_argument("--no-stages", action="store_true", help="leave out the stage functions alone")
    parser.add_argument(
        "--fraction", type=float, default=1.0, help="size as a fraction of the preset (0.01: a quick look)"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args(argv)

    from lovende_research.io import write_json

    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = end_to_end_benchmark(args.keep, args.seed, args.jobs, args.opens, not args.no_stages, args.fraction)
    else:
        with tempfile.TemporaryDirectory(prefix="lovende-national-") as temporary:
            result = end_to_end_benchmark(
                Path(temporary), args.seed, args.jobs, args.opens, not args.no_stages, args.fraction
            )
    write_json(args.out, {"end_to_end": result, "targets": TARGETS})
    print(format_table(result))
    print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
