"""Which run made each page, and whether it still shows the tables now in place.

``lovende run --only scoring`` recomputes the scores; pages 03 and 04 from the run before stay in the
reports folder, made from the old scores. A reader must not take them for current. So every stage page
the runner renders is recorded in ``reports/<study>/pages.json`` with the run that made it and the run
of every stage folder it was made from (read from the folders' ``run.json``,
:mod:`lovende_research.stage_commits`). After a run, :func:`page_states` compares each record with the
folders in place: a page whose folders have all stayed as they were is current and linked from the
index with its run; any other is stale: the index names it, and its run, without a link, and the page
itself gets a banner saying so (:func:`mark_stale`), for a reader who opens the file directly.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lovende_research.i18n import phrase
from lovende_research.io import atomic_write_text, write_json
from lovende_research.stage_commits import run_id_of

#: The record of the pages, in the reports folder beside them.
PAGES_RECORD = "pages.json"

PHRASES = {
    "stale_banner": (
        "Forældet side: lavet i kørsel {run} på tabeller, der siden er beregnet igen. Kør trinnet igen for at få en aktuel side.",
        "Stale page: made in run {run} from tables that have been recomputed since. Run the stage again for a current page.",
    ),
}


@dataclass(frozen=True)
class PageState:
    """One recorded page: the run that made it and whether the stage folders it read are still in place."""

    run_id: str
    current: bool


def _folder_runs(processed: Path, folders: Sequence[str]) -> dict[str, str | None]:
    return {name: run_id_of(processed / name) for name in folders}


def record_page(reports: Path, page: str, run_id: str, processed: Path, folders: Sequence[str]) -> None:
    """Record that ``run_id`` made ``page`` from the stage ``folders`` now in ``processed``."""
    record = _read(reports)
    record[page] = {"run_id": run_id, "inputs": _folder_runs(processed, folders)}
    write_json(reports / PAGES_RECORD, record)


def page_states(reports: Path, processed: Path) -> dict[str, PageState]:
    """Every recorded page whose file exists, with its run and whether it is current."""
    states = {}
    for page, entry in _read(reports).items():
        if not (reports / page).is_file():
            continue
        inputs: dict[str, str | None] = entry.get("inputs", {})
        current = _folder_runs(processed, list(inputs)) == inputs
        states[page] = PageState(str(entry["run_id"]), current)
    return states


def mark_stale(path: Path, run_id: str, language: str) -> None:
    """Put a banner naming the page stale at the top of its body (once)."""
    text = path.read_text(encoding="utf-8")
    if 'class="stale-page"' in text:
        return
    banner = (
        '<p class="stale-page" style="background:#fde2e1;padding:0.6em;border:1px solid #c00">'
        f"{html.escape(phrase(PHRASES, 'stale_banner', language, run=run_id))}</p>"
    )
    marked, found = re.subn(r"(<body[^>]*>)", lambda m: m.group(1) + banner, text, count=1)
    if found:
        atomic_write_text(path, marked)


def _read(reports: Path) -> dict[str, dict]:
    path = reports / PAGES_RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
