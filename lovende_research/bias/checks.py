"""The stage's one call: every bias check on a loaded study, and the tables it writes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from lovende_research.bias.common import TOP_N, BiasError
from lovende_research.bias.delimitation import DELIMITATION_THRESHOLD, delimitation_sensitivity
from lovende_research.bias.fair import fair_profiles
from lovende_research.bias.flags import practice_flags
from lovende_research.bias.informants import informant_icc
from lovende_research.bias.roles import fit_role_model, role_effects, role_profiles
from lovende_research.bias.stability import STABILITY_ALL_MAX_ROWS, _stability
from lovende_research.bias.styles import (
    CEILING_SHARE,
    MIN_ITEMS,
    SCREEN_EVIDENCE,
    STRAIGHTLINE_SHARE,
    STYLE_MARGIN,
    response_styles,
)
from lovende_research.errors import Text
from lovende_research.i18n import check_language
from lovende_research.io import write_parquet
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.scoring import element_scores, reconcile_coders
from lovende_research.scoring.parameters import COVERAGE_THRESHOLD

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    from lovende_research.study import Study


@dataclass
class BiasTables:
    """Every table the subjectivity-bias stage writes, one data frame each."""

    element_scores: pd.DataFrame
    icc: pd.DataFrame
    role_effects: pd.DataFrame
    role_profiles: pd.DataFrame
    fair_profiles: pd.DataFrame
    fair_overall: pd.DataFrame
    response_styles: pd.DataFrame
    stability: pd.DataFrame
    stability_summary: pd.DataFrame
    delimitation: pd.DataFrame
    flags: pd.DataFrame

    def write(self, out_dir: Path) -> list[Path]:
        """Write each table as ``<out_dir>/<name>.parquet`` (atomically); return the paths."""
        return [write_parquet(getattr(self, f.name), Path(out_dir) / f"{f.name}.parquet") for f in fields(self)]


def run_bias_checks(
    study: "Study",
    rule: str = "median",
    aggregation: str = "mean",
    coverage_threshold: float = COVERAGE_THRESHOLD,
    alpha_level: float = 0.05,
    straightline_share: float = STRAIGHTLINE_SHARE,
    ceiling_share: float = CEILING_SHARE,
    min_items: int = MIN_ITEMS,
    screen_evidence: float = SCREEN_EVIDENCE,
    top_n: int = TOP_N,
    delimitation_threshold: float = DELIMITATION_THRESHOLD,
    language: str | None = None,
    stability_rows: str = "auto",
    style_margin: float = STYLE_MARGIN,
    set_aside_styles: bool = True,
    fair_mix: str = "study",
) -> BiasTables:
    """Every check of this package on a loaded study, main delimitation; the notebook's one call.

    Straight-liners found by :func:`response_styles` are always reported; with ``set_aside_styles``
    (default) they are set aside in :func:`informant_icc` and the role model. The default, because one
    constant answer says nothing about how a role sees a practice's elements and pulls its role's mean to
    the scale's end; since :func:`response_styles` judges an informant against the practice's other
    informants, a truthful informant of an extreme practice is not set aside with them. The stability and
    delimitation checks score the study as the scoring stage does, straight-liners included. The role model
    is fitted once (:func:`fit_role_model`) and read by :func:`role_effects` and
    :func:`~lovende_research.bias.fair.fair_profiles` (at the role mix ``fair_mix``). Coder agreement is
    computed in the notebook with :func:`lovende_research.agreement.coder_agreement`.

    ``stability_rows`` chooses the rows of ``stability`` (:func:`rank_stability`'s ``rows``): ``auto``
    keeps every row while informants × practices is at most :data:`STABILITY_ALL_MAX_ROWS` and the
    informant's own practice's row beyond; ``stability_summary`` always covers every practice in every
    scenario, so the verdicts, flags and figure are the same either way.
    """
    language = study.config.language if language is None else check_language(language)
    if not isinstance(set_aside_styles, bool):
        raise BiasError("set_aside_styles", set_aside_styles, Text("True eller False", "True or False"))
    instrument = study.instrument
    items = reconcile_coders(study.codings, instrument, rule, MAIN_DELIMITATION)
    scores = element_scores(items, instrument, study.interviews, coverage_threshold)
    styles = response_styles(
        items,
        scores,
        study.codings,
        study.interviews,
        instrument,
        straightline_share,
        ceiling_share,
        min_items,
        screen_evidence,
        style_margin=style_margin,
    )
    excluded = sorted(styles.loc[styles["straightliner"], "informant_id"].unique()) if set_aside_styles else []
    if stability_rows == "auto":
        n_rows = scores["informant_id"].nunique() * scores["practice_id"].nunique()
        stability_rows = "all" if n_rows <= STABILITY_ALL_MAX_ROWS else "own"
    stability, summary = _stability(
        study.codings,
        study.interviews,
        instrument,
        rule,
        aggregation,
        coverage_threshold,
        MAIN_DELIMITATION,
        top_n,
        stability_rows,
        scores,
    )
    delimitation = delimitation_sensitivity(
        study.codings,
        study.interviews,
        instrument,
        study.delimitations,
        rule,
        aggregation,
        coverage_threshold,
        delimitation_threshold,
    )
    fit = fit_role_model(scores, excluded)
    fair_cells, fair_overall = fair_profiles(
        scores, fit, fair_mix, 1 - alpha_level, coverage_threshold, top_n, excluded
    )
    flags = practice_flags(
        scores["practice_id"].dropna().unique(),
        styles,
        stability,
        delimitation,
        top_n,
        straightline_share,
        ceiling_share,
        screen_evidence,
        delimitation_threshold,
        language,
        fair_overall,
        set_aside_styles,
    )
    return BiasTables(
        element_scores=scores,
        icc=informant_icc(scores, excluded, confidence=1 - alpha_level),
        role_effects=role_effects(scores, excluded, alpha_level=alpha_level, fit=fit),
        role_profiles=role_profiles(scores, excluded),
        fair_profiles=fair_cells,
        fair_overall=fair_overall,
        response_styles=styles,
        stability=stability,
        stability_summary=summary,
        delimitation=delimitation,
        flags=flags,
    )
