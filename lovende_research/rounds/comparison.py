"""``lovende compare``: load the rounds, estimate every change between consecutive rounds, write the page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lovende_research.config import REPORTS_DIR
from lovende_research.io import atomic_write_text, csv_safe_frame
from lovende_research.rounds.change import RoundChange, round_change, round_scores
from lovende_research.rounds.drift import coder_drift
from lovende_research.rounds.loading import Rounds, load_rounds, round_folders
from lovende_research.study import Study


@dataclass(frozen=True)
class Comparison:
    """One pair of consecutive rounds: the change, the coders' drift, and what the page must warn about."""

    change: RoundChange
    drift: pd.DataFrame
    delimitation_changed: tuple[str, ...]


def _delimitation_changed(earlier: Study, later: Study, practices: list[str]) -> tuple[str, ...]:
    """Practices whose written delimitation (``candidates.delimitation``) differs between the rounds."""
    texts = [
        s.candidates.set_index("practice_id")["delimitation"].reindex(practices).fillna("").str.strip()
        for s in (earlier, later)
    ]
    return tuple(sorted(p for p in practices if texts[0][p] != texts[1][p]))


def compare(rounds: Rounds, n_boot: int = 2000, seed: int = 0, ci: float = 0.95) -> list[Comparison]:
    """Every consecutive pair of ``rounds`` compared on the practices interviewed in both of the pair."""
    scores = [round_scores(s.codings, s.interviews, rounds.instrument) for s in rounds.studies]
    out = []
    for k in range(len(rounds.studies) - 1):
        earlier, later = rounds.studies[k], rounds.studies[k + 1]
        practices = sorted(set(earlier.interviews["practice_id"]) & set(later.interviews["practice_id"]))
        change = round_change(
            scores[k], scores[k + 1], rounds.instrument, practices, (earlier.name, later.name), n_boot, seed + k, ci
        )
        out.append(
            Comparison(
                change,
                coder_drift(
                    earlier.codings, later.codings, rounds.instrument, earlier.interviews, later.interviews, ci
                ),
                _delimitation_changed(earlier, later, practices),
            )
        )
    return out


#: Folder beside ``udvikling.html`` holding each comparison's tables as CSV, for a report's appendix.
TABLES_DIR = "udvikling"


def write_tables(comparisons: list[Comparison], reports_dir: Path) -> list[Path]:
    """Each comparison's tables as ``udvikling/<earlier>_<later>/<table>.csv`` (atomically, formula-safe)."""
    written = []
    for comparison in comparisons:
        folder = Path(reports_dir) / TABLES_DIR / "_".join(comparison.change.labels)
        tables = {
            "elements": comparison.change.elements,
            "overall": comparison.change.overall,
            "coder_drift": comparison.drift,
            "model": comparison.change.model.table(),
            "element_spread": comparison.change.model.element_spread,
        }
        written += [
            atomic_write_text(folder / f"{name}.csv", csv_safe_frame(frame).to_csv(index=False))
            for name, frame in tables.items()
        ]
    return written


def compare_rounds(
    paths: list[Path],
    mapping: Path | None = None,
    language: str | None = None,
    reports_base: Path | None = None,
    n_boot: int = 2000,
    seed: int | None = None,
) -> Path:
    """Compare the rounds in ``paths`` (oldest first; one folder: its ``rounds:`` and itself) and write
    ``<reports_base>/<latest round>/udvikling.html`` with its tables under ``udvikling/``; return the page's path.

    ``language`` and ``seed`` default to the latest round's ``study.yml``.
    """
    from lovende_research.rounds.page import write_change_page

    paths = [Path(p) for p in paths]
    if len(paths) == 1:
        paths = round_folders(paths[0])
    rounds = load_rounds(paths, mapping)
    latest = rounds.studies[-1]
    comparisons = compare(rounds, n_boot, latest.config.seed if seed is None else seed)
    reports = (REPORTS_DIR if reports_base is None else Path(reports_base)) / latest.name
    write_tables(comparisons, reports)
    return write_change_page(rounds, comparisons, reports, latest.config.language if language is None else language)
