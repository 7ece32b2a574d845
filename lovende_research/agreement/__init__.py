"""Agreement statistics between raters, written from the papers and checked against published examples.

Every statistic takes ratings in **long form** (one row per subject × rater, the shape of the study
tables: ``subject=``, ``rater=``, ``rating=``; Cronbach's alpha reads items where the others read
raters, ``item=``) and returns a :class:`pandas.DataFrame` with ``statistic``, ``n_subjects``,
``estimate``, ``se``, ``ci_low``, ``ci_high`` and ``confidence``, so results for different statistics,
criteria or elements stack with :func:`pandas.concat` and plot alike. The agreement coefficients
(kappas, pi, Brennan–Prediger, AC1/AC2, alpha, percent agreement) start with the same columns,
:data:`RESULT_COLUMNS`:

``statistic``, ``n_subjects``, ``n_raters``, ``percent_agreement``, ``estimate``, ``se``, ``ci_low``,
``ci_high``, ``confidence``

followed by each statistic's components (``p_o``, ``p_e``, ``weights``, …), documented with it; the ICCs
and Cronbach's alpha add their F tests, mean squares and variances instead. A
statistic that is undefined for the data (kappa when both raters used one category only) gives ``NaN``
rather than raising: the caller decides what to say about it. A missing rating (``NA``) and an absent row
give the same result; a subject with one rating carries no agreement and drops out without error.
Weighted statistics share one set of weight names, :data:`WEIGHTS`.

The modules, one topic each:

- :mod:`.formats`: long form, converters from a contingency table (:func:`long_from_table`) and from
  subject × category counts (:func:`long_from_counts`), the agreement weights;
- :mod:`.kappa`: Cohen's kappa, unweighted and weighted, with ASE, ASE under H0, z and p
  (:func:`cohens_kappa`, :func:`weighted_kappa` for every pair);
- :mod:`.multirater`: :func:`fleiss_kappa` (with the test of Fleiss, Nee & Landis 1979),
  :func:`scott_pi`, :func:`conger_kappa`, :func:`brennan_prediger`, :func:`percent_agreement`;
- :mod:`.gwet`: Gwet's AC1/AC2 with his analytic variance (:func:`gwet_ac2`);
- :mod:`.krippendorff`: Krippendorff's alpha at every level, with a bootstrap interval;
- :mod:`.icc`: the six intraclass correlations of Shrout & Fleiss / McGraw & Wong with F-based
  intervals (:func:`icc`), and the one-way form for unbalanced designs (:func:`icc_oneway`);
- :mod:`.cronbach`: Cronbach's alpha with Feldt's interval, alpha if an item is deleted, and the
  instrument's internal consistency per element (:func:`element_consistency`);
- :mod:`.coders`: coder agreement per element for the reports (:func:`coder_agreement`).

Krippendorff's alpha, Gwet's coefficients, Conger's kappa and the ICCs are written here from the papers,
because the Python libraries that have them (pingouin, krippendorff, irrCAC) are GPL; those are used
at most in tests, as cross-checks.
"""

from lovende_research.agreement.coders import OVERALL, PHRASES, coder_agreement, coding_units, in_element_order
from lovende_research.agreement.cronbach import (
    ALPHA_FLOOR,
    alpha_if_item_deleted,
    consistency_verdict,
    cronbach_alpha,
    element_consistency,
)
from lovende_research.agreement.formats import (
    RESULT_COLUMNS,
    WEIGHTS,
    AgreementError,
    agreement_weights,
    long_from_counts,
    long_from_table,
    wide_ratings,
)
from lovende_research.agreement.gwet import gwet_ac2
from lovende_research.agreement.icc import ICC_FORMS, icc, icc_oneway
from lovende_research.agreement.kappa import cohens_kappa, weighted_kappa
from lovende_research.agreement.krippendorff import ALPHA_LEVELS, krippendorff_alpha
from lovende_research.agreement.multirater import (
    PERCENT_METHODS,
    brennan_prediger,
    conger_kappa,
    fleiss_kappa,
    percent_agreement,
    scott_pi,
)

__all__ = [
    "ALPHA_FLOOR", "ICC_FORMS", "alpha_if_item_deleted", "consistency_verdict", "cronbach_alpha", "element_consistency", "icc", "icc_oneway",
    "ALPHA_LEVELS", "OVERALL", "PERCENT_METHODS", "PHRASES", "RESULT_COLUMNS", "WEIGHTS", "AgreementError",
    "agreement_weights", "brennan_prediger", "coder_agreement", "coding_units", "cohens_kappa", "conger_kappa",
    "fleiss_kappa", "gwet_ac2", "in_element_order", "krippendorff_alpha", "long_from_counts", "long_from_table",
    "percent_agreement", "scott_pi", "weighted_kappa", "wide_ratings",
]  # fmt: skip
