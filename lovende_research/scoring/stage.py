"""The interview-coding stage's one call, :func:`score_study`, and the tables it writes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from lovende_research.io import write_parquet
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.scoring.draws import bootstrap_draws
from lovende_research.scoring.elements import element_scores
from lovende_research.scoring.model import check_model_aggregation, fit_score_model, model_draws
from lovende_research.scoring.parameters import COVERAGE_THRESHOLD, INTERVAL_METHODS, _check_choice
from lovende_research.scoring.profiles import element_pattern
from lovende_research.scoring.reconcile import coder_conflicts, reconcile_coders, screen_flags
from lovende_research.scoring.uncertainty import bootstrap_overall, bootstrap_profiles, rank_intervals

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    from lovende_research.study import Study


@dataclass
class ScoreTables:
    """Every table the interview-coding stage writes, one data frame each."""

    item_scores: pd.DataFrame
    element_scores: pd.DataFrame
    profiles: pd.DataFrame
    overall: pd.DataFrame
    ranks: pd.DataFrame
    element_pattern: pd.DataFrame
    screen_flags: pd.DataFrame
    coder_conflicts: pd.DataFrame
    score_model: pd.DataFrame

    def write(self, out_dir: Path) -> list[Path]:
        """Write each table as ``<out_dir>/<name>.parquet`` (atomically); return the paths."""
        return [write_parquet(getattr(self, f.name), Path(out_dir) / f"{f.name}.parquet") for f in fields(self)]


def score_study(
    study: "Study",
    rule: str = "median",
    aggregation: str = "mean",
    coverage_threshold: float = COVERAGE_THRESHOLD,
    n_boot: int = 1000,
    seed: int | None = None,
    ci: float = 0.95,
    delimitation: str | None = MAIN_DELIMITATION,
    language: str | None = None,
    interval_method: str = "model",
    top_k: int = 5,
) -> ScoreTables:
    """Run the whole chain on a loaded study; the notebook's one call.

    ``seed`` defaults to the study's own seed (``study.yml``), ``language`` to the study's language.
    ``coverage_threshold`` is used twice: for an element's item coverage and for the share of
    elements an overall index needs. ``interval_method`` (:data:`INTERVAL_METHODS`) says where every
    interval, rank interval and P(top ``top_k``) comes from; ``n_boot`` draws of either kind. The
    fitted model (:func:`fit_score_model`) is written either way, as ``score_model``.
    """
    _check_choice("interval_method", interval_method, INTERVAL_METHODS)
    if interval_method == "model":
        check_model_aggregation(aggregation)
    seed = study.config.seed if seed is None else seed
    language = study.config.language if language is None else language
    instrument = study.instrument
    items = reconcile_coders(study.codings, instrument, rule, delimitation)
    elements = element_scores(items, instrument, study.interviews, coverage_threshold)
    model = fit_score_model(elements)
    if interval_method == "model":
        draws, min_informants = model_draws(elements, aggregation, n_boot, seed, model), 1
    else:
        draws, min_informants = bootstrap_draws(elements, aggregation, n_boot, seed), 2  # arrays: never the long table
    profiles = bootstrap_profiles(elements, aggregation, ci=ci, replicates=draws, min_informants=min_informants)
    return ScoreTables(
        item_scores=items,
        element_scores=elements,
        profiles=profiles,
        overall=bootstrap_overall(
            elements,
            aggregation,
            ci=ci,
            min_element_share=coverage_threshold,
            replicates=draws,
            min_informants=min_informants,
        ),
        ranks=rank_intervals(
            elements, aggregation, ci=ci, min_element_share=coverage_threshold, replicates=draws, top_k=top_k
        ),
        element_pattern=element_pattern(profiles),
        screen_flags=screen_flags(study.codings, instrument, study.interviews, delimitation),
        coder_conflicts=coder_conflicts(study.codings, instrument, study.interviews, delimitation, language),
        score_model=model.table(),
    )
