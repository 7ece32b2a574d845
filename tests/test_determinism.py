"""Running the mapping twice on the same inputs and parameters gives the same tables, figures and numbers."""

from __future__ import annotations

import re
from pathlib import Path

from lovende_research.config import EXAMPLE_STUDY
from lovende_research.pipeline import run_study

#: Index rows that change with the clock, the executed notebooks' timing metadata, and the run ids in
#: the stage folders' run records (run.json, whose file checksums the kill test checks) and the run
#: lock's note of its last holder are the only allowed differences; so are the run ids the index names
#: beside each page and keeps in pages.json (page_runs.py), for the same reason as run.json.
CLOCK_ROWS = re.compile(r"<tr><th>(Startet|Varighed)</th><td>[^<]*</td></tr>|lavet i kørsel [\w-]+")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and p.suffix != ".ipynb"
        and p.name not in {"run.log", "provenance.json", "run.json", "pages.json", ".lovende-run.lock"}
    }


def test_second_run_is_identical(tmp_path: Path) -> None:
    def run() -> dict[str, bytes]:
        run_study(
            EXAMPLE_STUDY,
            processed_base=tmp_path / "processed",
            reports_base=tmp_path / "reports",
            progress=False,
            jobs=2,
        )
        return _snapshot(tmp_path)

    first, second = run(), run()
    assert set(first) == set(second)
    assert sum(name.endswith(".parquet") for name in first) >= 15
    assert sum(name.endswith(".html") for name in first) >= 10
    # a cell whose last line returns a value prints it; no page may show such leftovers (paths of this machine)
    assert not [name for name, content in first.items() if name.endswith(".html") and b"PosixPath(" in content]
    different = []
    for name in first:
        a, b = first[name], second[name]
        if name.endswith("index.html"):
            a, b = (CLOCK_ROWS.sub("", x.decode("utf-8")).encode("utf-8") for x in (a, b))
        if a != b:
            different.append(name)
    assert not different, f"differ between two runs: {different}"
