"""Interview coding → item scores → element scores → practice profiles, with coverage and uncertainty.

The chain, each step a function that takes and returns long-form data frames so later stages (the
subjectivity-bias checks: leave one informant or coder out, alternative delimitations) reuse it as is:

1. :func:`reconcile_coders` — one code per interview × item: a consensus code wins; where coders agree
   that code is used; otherwise a documented rule (``median`` or the conservative ``lower``).
   :func:`coder_conflicts` lists the disagreements for a consensus meeting.
2. :func:`element_scores` — per interview × element: the (weighted) mean of the answered items on 0–1,
   its coverage (share of the element's items answered) and whether it reaches the coverage threshold.
   Named missing codes (ved ikke, ikke relevant, ikke besvaret) are left out, never scored as 0.
3. :func:`practice_profiles` — informants aggregated per practice × element by a documented rule, with
   their spread (SD, range). :func:`overall_index` — the mean of the sufficient element scores.
4. :func:`model_draws` (the default: a parametric bootstrap from :func:`fit_score_model`, whose
   within-practice spread is pooled over all practices) or :func:`bootstrap_draws` (informants resampled
   within practices; :func:`bootstrap_replicates` as a long table), then :func:`bootstrap_profiles`,
   :func:`bootstrap_overall`, :func:`rank_intervals` — percentile intervals, rank intervals and
   P(top k) from the draws. The replicates stay a numpy array (replicates × practice elements); the intervals
   and ranks are computed from it with the formulas pandas' grouped quantile/std/mean use, so they are
   the numbers grouping the long table gave, without its 132 million rows on a national study.
5. :func:`screen_flags` — the sikker-praksis screen question, reported apart from the lovende score.

Every function keeps ``delimitation_id`` as a column, so scoring an alternative delimitation is the
same call with ``delimitation=<id>`` (or ``None`` for all of them at once).

One module per step: :mod:`~lovende_research.scoring.parameters` (rules, error, checks),
:mod:`~lovende_research.scoring.reconcile` (1 and 5), :mod:`~lovende_research.scoring.elements` (2),
:mod:`~lovende_research.scoring.profiles` (3), :mod:`~lovende_research.scoring.draws` and
:mod:`~lovende_research.scoring.summaries` (the replicates and their summaries),
:mod:`~lovende_research.scoring.model` (the default intervals: a variance-components model pooled
over practices, and draws from it), :mod:`~lovende_research.scoring.uncertainty` (4: intervals, rank
intervals and P(top k) from either kind of draws), :mod:`~lovende_research.scoring.planner` (the design planner: a G study and D studies of other
designs, ``lovende plan``), :mod:`~lovende_research.scoring.stage` (the stage's
one call, :func:`score_study`). Every public name is handed on here, so
``from lovende_research.scoring import ...`` works as it did when this was one file.
"""

from lovende_research.scoring.draws import BootstrapDraws, bootstrap_draws, bootstrap_replicates
from lovende_research.scoring.elements import element_scores, informant_scores
from lovende_research.scoring.model import (
    MODEL_AGGREGATIONS,
    ScoreModel,
    fit_score_model,
    model_draws,
    two_way_components,
)
from lovende_research.scoring.parameters import (
    AGGREGATIONS,
    INTERVAL_METHODS,
    KEY,
    LEADER_ROLE,
    PHRASES,
    RECONCILE_RULES,
    ScoringError,
)
from lovende_research.scoring.planner import (
    DesignPlan,
    GStudy,
    coder_element_scores,
    coefficients,
    d_study,
    g_study,
    needed,
    plan_study,
)
from lovende_research.scoring.profiles import element_pattern, overall_index, practice_profiles
from lovende_research.scoring.reconcile import coder_conflicts, reconcile_coders, screen_flags
from lovende_research.scoring.stage import ScoreTables, score_study
from lovende_research.scoring.summaries import percentile_intervals
from lovende_research.scoring.uncertainty import bootstrap_overall, bootstrap_profiles, rank_intervals

__all__ = [
    "AGGREGATIONS",
    "INTERVAL_METHODS",
    "KEY",
    "LEADER_ROLE",
    "MODEL_AGGREGATIONS",
    "PHRASES",
    "RECONCILE_RULES",
    "BootstrapDraws",
    "DesignPlan",
    "GStudy",
    "ScoreModel",
    "ScoreTables",
    "ScoringError",
    "bootstrap_draws",
    "bootstrap_overall",
    "bootstrap_profiles",
    "bootstrap_replicates",
    "coder_conflicts",
    "coder_element_scores",
    "coefficients",
    "d_study",
    "element_pattern",
    "element_scores",
    "fit_score_model",
    "g_study",
    "informant_scores",
    "model_draws",
    "needed",
    "overall_index",
    "percentile_intervals",
    "plan_study",
    "practice_profiles",
    "rank_intervals",
    "reconcile_coders",
    "score_study",
    "screen_flags",
    "two_way_components",
]
