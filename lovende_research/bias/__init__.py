"""Subjectivity-bias checks: informant agreement and role effects, response styles, stability, delimitation.

Socialstyrelsen's own lesson from VIVE's 2017 mapping is that the informants matter a great deal, that
answers can be moved, and that delimiting a practice moves its score. This module makes each of those
visible and measured, per study and per practice:

1. :func:`informant_icc` — do informants of the same practice agree? (ICC(1), one-way random, from
   :func:`lovende_research.agreement.icc_oneway`.)
2. :func:`role_effects` — do roles rate differently? A mixed model with random intercepts for the
   practice, the practice × element profile and the informant within the practice, each role's offset
   against the leader, Holm-corrected; :func:`fair_profiles` — the profiles and ranking as if every
   practice had been answered by the same mix of roles.
3. :func:`response_styles` — straight-lining and ceiling responding judged against the practice's other
   informants, and the sikker-praksis screen answered *ja* without evidence; every threshold is a parameter.
4. :func:`rank_stability` / :func:`stability_summary` — leave one informant (or coder) out, re-score with
   the scoring chain, and compare rankings (rank shifts, Kendall's tau, top places resting on one voice).
5. :func:`delimitation_sensitivity` — element scores of a practice under each delimitation it was coded
   under, their differences, and which elements move more than a threshold.

:func:`practice_flags` turns the results into one list of flags with plain-language reasons per practice,
and :func:`verdict` gives each check's verdict in Danish or English. Every re-scoring goes through
:mod:`lovende_research.scoring` (``reconcile_coders`` → ``element_scores`` → ``practice_profiles`` →
``overall_index``), so a check never scores differently from the stage it checks.

The checks live one per module (``informants``, ``roles``, ``styles``, ``stability``, ``delimitation``,
``fair``, ``flags``, ``verdicts``; ``checks`` runs them all); every public name is handed on here, so
``from lovende_research import bias`` and ``bias.role_effects`` keep working.
"""

from lovende_research.bias.checks import BiasTables, run_bias_checks
from lovende_research.bias.common import TOP_N, BiasError
from lovende_research.bias.delimitation import delimitation_sensitivity
from lovende_research.bias.fair import ROLE_MIXES, declared_mix, fair_profiles
from lovende_research.bias.flags import CHECKS, practice_flags
from lovende_research.bias.informants import ICC_BANDS, icc_band, informant_icc
from lovende_research.bias.phrases import PHRASES
from lovende_research.bias.roles import (
    ROLE_COLUMNS,
    ROLE_REASONS,
    VARIANCE_COMPONENTS,
    RoleFit,
    fit_role_model,
    holm_adjusted,
    role_effects,
    role_profiles,
)
from lovende_research.bias.stability import (
    STABILITY_ALL_MAX_ROWS,
    STABILITY_COLUMNS,
    STABILITY_ROWS,
    SUMMARY_COLUMNS,
    rank_stability,
    stability_summary,
)
from lovende_research.bias.styles import (
    CEILING_SHARE,
    EVIDENCE_ELEMENT,
    STRAIGHTLINE_SHARE,
    STYLE_MARGIN,
    response_styles,
)
from lovende_research.bias.verdicts import verdict

__all__ = [
    "BiasError",
    "BiasTables",
    "CEILING_SHARE",
    "CHECKS",
    "EVIDENCE_ELEMENT",
    "ICC_BANDS",
    "PHRASES",
    "ROLE_COLUMNS",
    "ROLE_MIXES",
    "ROLE_REASONS",
    "RoleFit",
    "STRAIGHTLINE_SHARE",
    "STYLE_MARGIN",
    "TOP_N",
    "VARIANCE_COMPONENTS",
    "declared_mix",
    "fair_profiles",
    "fit_role_model",
    "STABILITY_ALL_MAX_ROWS",
    "STABILITY_COLUMNS",
    "STABILITY_ROWS",
    "SUMMARY_COLUMNS",
    "delimitation_sensitivity",
    "holm_adjusted",
    "icc_band",
    "informant_icc",
    "practice_flags",
    "rank_stability",
    "response_styles",
    "role_effects",
    "role_profiles",
    "run_bias_checks",
    "stability_summary",
    "verdict",
]
