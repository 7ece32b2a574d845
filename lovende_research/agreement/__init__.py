"""Agreement statistics between raters: thin, documented, tested wrappers around well-kept libraries.

Every statistic here takes ratings in **long form** (one row per subject × rater, the shape of the
study tables) and returns a one-row :class:`pandas.DataFrame` with the same core columns, so results
for different statistics, criteria or elements can be stacked with :func:`pandas.concat` and plotted
alike:

``statistic``, ``n_subjects``, ``n_raters``, ``percent_agreement``, ``estimate``, ``se``, ``ci_low``,
``ci_high``, ``confidence``

plus columns particular to the statistic (Cohen's kappa adds ``expected_agreement``). A statistic that
is undefined for the data (e.g. kappa when both raters used one category only) gives ``NaN`` in
``estimate``/``se``/``ci_*`` rather than raising: the caller decides what to say about it, and
``percent_agreement`` is still reported.

What is here:

- two raters, nominal: :func:`cohens_kappa` (and :func:`kappa_from_table`), :func:`percent_agreement`;
- coders on an ordinal scale: :func:`krippendorff_alpha` (nominal/ordinal/interval/ratio, missing
  ratings, bootstrap interval over units), :func:`weighted_kappa` (every pair of raters, linear or
  quadratic weights), :func:`gwet_ac2` (AC1/AC2 with its standard error conditional on the raters);
- :func:`coder_agreement`: the three side by side per element and overall, with a flag and a note when
  they disagree because the codes pile up at one end of the scale (the kappa paradox);
  :func:`coding_units` turns ``Study.codings`` into its input.

Krippendorff's alpha and Gwet's AC2 are written here from the papers, because the libraries that have
them are GPL (see ``design.md``: pingouin, krippendorff and irrCAC are at most test-time cross-checks);
weighted kappa wraps statsmodels. Alpha, AC2 and the weighted kappas add extra columns after the core
ones (``level``, ``observed_agreement``, ``weights``, ``rater_a``/``rater_b`` …), documented with each.
"""


from lovende_research.agreement.coders import OVERALL, PHRASES, coder_agreement, coding_units, in_element_order
from lovende_research.agreement.formats import RESULT_COLUMNS, AgreementError, wide_ratings
from lovende_research.agreement.gwet import AC2_WEIGHTS, agreement_weights, gwet_ac2
from lovende_research.agreement.kappa import KAPPA_WEIGHTS, cohens_kappa, kappa_from_table, percent_agreement, weighted_kappa
from lovende_research.agreement.krippendorff import ALPHA_LEVELS, krippendorff_alpha

__all__ = [
    "AC2_WEIGHTS", "ALPHA_LEVELS", "KAPPA_WEIGHTS", "OVERALL", "PHRASES", "RESULT_COLUMNS", "AgreementError",
    "agreement_weights", "coder_agreement", "coding_units", "cohens_kappa", "gwet_ac2", "in_element_order",
    "kappa_from_table", "krippendorff_alpha", "percent_agreement", "weighted_kappa", "wide_ratings",
]
