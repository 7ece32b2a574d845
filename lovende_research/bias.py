"""Subjectivity-bias checks: informant agreement and role effects, response styles, stability, delimitation.

Socialstyrelsen's own lesson from VIVE's 2017 mapping is that the informants matter a great deal, that
answers can be moved, and that delimiting a practice moves its score. This module makes each of those
visible and measured, per study and per practice:

1. :func:`informant_icc` — do informants of the same practice agree? (ICC(1), one-way random.)
2. :func:`role_effects` — do roles rate differently? A mixed model with random intercepts for the
   practice and for the informant within it, each role's offset against the leader, Holm-corrected.
3. :func:`response_styles` — straight-lining, ceiling responding, and the sikker-praksis screen answered
   *ja* without evidence; every threshold is a parameter.
4. :func:`rank_stability` / :func:`stability_summary` — leave one informant (or coder) out, re-score with
   the scoring chain, and compare rankings (rank shifts, Kendall's tau, top places resting on one voice).
5. :func:`delimitation_sensitivity` — element scores of a practice under each delimitation it was coded
   under, their differences, and which elements move more than a threshold.

:func:`practice_flags` turns the results into one list of flags with plain-language reasons per practice,
and :func:`verdict` gives each check's verdict in Danish or English. Every re-scoring goes through
:mod:`lovende_research.scoring` (``reconcile_coders`` → ``element_scores`` → ``practice_profiles`` →
``overall_index``), so a check never scores differently from the stage it checks.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.errors import LovendeError
from lovende_research.i18n import check_language, number, phrase
from lovende_research.instrument import Instrument
from lovende_research.io import write_parquet
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.scoring import (
    LEADER_ROLE,
    element_scores,
    overall_index,
    practice_profiles,
    reconcile_coders,
)

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    from lovende_research.study import Study

#: The element a sikker-praksis *ja* should be backed by: "Virkning" (some study suggests an effect).
EVIDENCE_ELEMENT = "virkning"

#: The checks :func:`practice_flags` reports, in order.
CHECKS: tuple[str, ...] = (
    "straightlining",
    "ceiling",
    "screen_unsupported",
    "informant_stability",
    "coder_stability",
    "delimitation",
)

PHRASES: dict[str, tuple[str, str]] = {
    "no_finding": ("intet fund", "no finding"),
    "not_applicable": ("ikke relevant: praksis er kun kodet under én afgrænsning",
                       "not applicable: the practice was coded under one delimitation only"),
    "flag_straightlining": (
        "{informant} ({role}) gav det samme svar ({code}) på {share} af {n} besvarede spørgsmål "
        "(grænse {threshold}); svarene siger lidt om de enkelte elementer og er holdt ude af rolle-modellen",
        "{informant} ({role}) gave the same answer ({code}) to {share} of {n} answered items "
        "(threshold {threshold}); the answers say little about single elements and were set aside in the role model",
    ),
    "flag_ceiling": (
        "{informant} ({role}) svarede i øverste kategori på {share} af {n} besvarede spørgsmål "
        "(grænse {threshold}); scoren kan være trukket op af svarstil frem for praksis",
        "{informant} ({role}) answered in the top category to {share} of {n} answered items "
        "(threshold {threshold}); the score may be lifted by response style rather than practice",
    ),
    "flag_screen": (
        "{informant} ({role}) svarede ja til, at effekten er afprøvet i et videnskabeligt forsøg, men "
        "elementet Virkning scorer {evidence} (grænse {threshold}) og koderne har ingen note om undersøgelsen; "
        "bed om dokumentationen",
        "{informant} ({role}) said yes, the effect was tested in a scientific trial, but the element "
        "Indicated effect scores {evidence} (threshold {threshold}) and the coders left no note on the study; "
        "ask for the documentation",
    ),
    "flag_informant_stability": (
        "nr. {rank_full} i den fulde rangering, men nr. {rank_reduced} uden {left_out}: pladsen i top {top_n} "
        "hviler på én informant",
        "ranked {rank_full} in the full ranking but {rank_reduced} without {left_out}: its place in the top "
        "{top_n} rests on a single informant",
    ),
    "flag_coder_stability": (
        "nr. {rank_full} i den fulde rangering, men nr. {rank_reduced} med kun den anden koders koder (uden "
        "{left_out}): pladsen i top {top_n} hviler på én koder",
        "ranked {rank_full} in the full ranking but {rank_reduced} on the other coder's codes alone (without "
        "{left_out}): its place in the top {top_n} rests on a single coder",
    ),
    "flag_delimitation": (
        "under afgrænsningen {delimitation} flytter {n} element(er) mere end {threshold}: {elements}",
        "under delimitation {delimitation}, {n} element(s) move more than {threshold}: {elements}",
    ),
    "insufficient": ("utilstrækkelig", "insufficient"),
    # verdicts
    "v_icc": (
        "Informanterne i samme praksis er {band} enige: ICC(1) for en enkelt informant er {icc} "
        "({lo}–{hi}) over praksissernes samlede score, og gennemsnittet af deres {k} stemmer har "
        "ICC(1,k) {icck}. Elementer med lavest enighed: {weakest}.",
        "Informants of the same practice agree {band}: ICC(1) of a single informant is {icc} "
        "({lo}–{hi}) on the practices' overall score, and the mean of their {k} voices has "
        "ICC(1,k) {icck}. Elements with the lowest agreement: {weakest}.",
    ),
    "band_poor": ("dårligt", "poorly"),
    "band_moderate": ("moderat", "moderately"),
    "band_good": ("godt", "well"),
    "band_excellent": ("meget godt", "very well"),
    "band_unknown": ("i ukendt grad", "to an unknown degree"),
    "v_role_found": (
        "Rollerne vurderer de samme praksisser forskelligt: {details} (Holm-korrigeret, α = {alpha}). "
        "Lederne, måleredskabets standard-informant, giver altså {direction} scorer end de andre; læs scorer "
        "fra ledere alene med det for øje. {excluded}",
        "The roles rate the same practices differently: {details} (Holm-corrected, α = {alpha}). "
        "Leaders, the measuring tool's default informant, thus give {direction} scores than the others; read "
        "scores from leaders alone with that in mind. {excluded}",
    ),
    "v_role_none": (
        "Der er ingen sikker forskel mellem rollerne: {details} (Holm-korrigeret, α = {alpha}). Det betyder "
        "ikke, at der ingen forskel er, kun at data ikke kan påvise den. {excluded}",
        "No clear difference between roles: {details} (Holm-corrected, α = {alpha}). That does not mean there "
        "is none, only that the data cannot show one. {excluded}",
    ),
    "v_role_failed": (
        "Rolle-modellen kunne ikke vurderes pålideligt ({warning}); tallene nedenfor er vist, men må ikke "
        "læses som et fund.",
        "The role model could not be estimated reliably ({warning}); the numbers below are shown but must "
        "not be read as a finding.",
    ),
    "role_no_reference": ("ingen informanter med rollen {reference}", "no informants with the role {reference}"),
    "role_fit_failed": ("optimeringen konvergerede ikke; se kolonnen warning i role_effects",
                        "the optimiser did not converge; see the warning column of role_effects"),
    "role_no_roles": ("ingen andre roller end referencerollen at sammenligne med",
                      "no roles other than the reference role to compare with"),
    "higher": ("højere", "higher"),
    "lower": ("lavere", "lower"),
    "role_detail": ("{role} {estimate} ({lo} til {hi}, {p})",
                    "{role} {estimate} ({lo} to {hi}, {p})"),
    "excluded": ("{n} straight-liner(e) er holdt ude af modellen: {ids}.", "{n} straight-liner(s) were set aside: {ids}."),
    "excluded_none": ("Ingen straight-linere er holdt ude.", "No straight-liners were set aside."),
    "v_styles": (
        "{n_straight} af {n} informanter svarede (næsten) ens på alle spørgsmål{straight_ids}; {n_ceiling} "
        "svarede mest i øverste kategori{ceiling_ids}; {n_screen} sagde ja til et effektforsøg uden belæg i "
        "data{screen_ids}.",
        "{n_straight} of {n} informants gave (nearly) the same answer to every item{straight_ids}; {n_ceiling} "
        "answered mostly in the top category{ceiling_ids}; {n_screen} said yes to an effect trial without "
        "support in the data{screen_ids}.",
    ),
    "v_stability": (
        "Rangeringen er {quality}: uden én informant er Kendalls tau mellem fuld og reduceret rangering mindst "
        "{tau_inf} (største rangskift {shift_inf}); uden én koder mindst {tau_cod} (største skift {shift_cod}). "
        "{n_flag} praksis(ser) har en plads i top {top_n}, der hviler på én stemme{ids}.",
        "The ranking is {quality}: without one informant, Kendall's tau between the full and reduced rankings "
        "is at least {tau_inf} (largest rank shift {shift_inf}); without one coder at least {tau_cod} "
        "(largest shift {shift_cod}). {n_flag} practice(s) hold a top-{top_n} place that rests on one voice{ids}.",
    ),
    "stable": ("stabil", "stable"),
    "fragile": ("skrøbelig", "fragile"),
    "v_delimitation": (
        "{n_practices} praksis(ser) er kodet under mere end én afgrænsning. Afgrænsningen flytter scoren: "
        "gennemsnitlig forskel {mean_diff} på elementerne, størst {max_diff}; {n_moved} element(er) "
        "flytter mere end {threshold}. En praksis' score gælder kun for den afgrænsning, den er kodet under.",
        "{n_practices} practice(s) were coded under more than one delimitation. The delimitation moves the "
        "score: mean difference {mean_diff} over the elements, largest {max_diff}; {n_moved} element(s) "
        "move more than {threshold}. A practice's score holds only for the delimitation it was coded under.",
    ),
    "v_delimitation_none": (
        "Ingen praksis er kodet under mere end én afgrænsning, så afgrænsningens betydning kan ikke måles i "
        "dette studie.",
        "No practice was coded under more than one delimitation, so the effect of delimitation cannot be "
        "measured in this study.",
    ),
    "v_coders": (
        "Koderne er enige i {agree} af tilfældene; ordinal Krippendorffs alpha er {alpha}, vægtet kappa "
        "{kappa} og Gwets AC2 {ac2} over alle elementer. {quality}{paradox}",
        "The coders agree in {agree} of cases; ordinal Krippendorff's alpha is {alpha}, weighted kappa "
        "{kappa} and Gwet's AC2 {ac2} over all elements. {quality}{paradox}",
    ),
    "coders_ok": ("Det er tilstrækkeligt til konklusioner (alpha ≥ {low}).",
                  "That is enough to draw conclusions (alpha ≥ {low})."),
    "coders_low": ("Det er under Krippendorffs grænse {low} for forsigtige konklusioner; elementer under grænsen: {elements}.",
                   "That is below Krippendorff's limit {low} for tentative conclusions; elements below it: {elements}."),
    "coders_paradox": (" Kappa-paradokset (koder hobet op i én yderkategori) gælder for: {elements}.",
                       " The kappa paradox (codes piled up in one end category) applies to: {elements}."),
    "none": ("ingen", "none"),
    # the stage's notebook (03_subjectivity_bias)
    "synthetic_banner": ("  [SYNTETISKE DATA]", "  [SYNTHETIC DATA]"),
    "instrument": ("Måleredskab: {version}", "Measuring tool: {version}"),
    "not_official": (" (ikke den officielle version)", " (not the official version)"),
    "tables_written": ("{n} tabeller gemt i {path}", "{n} tables written to {path}"),
    "flagged_summary": ("{n} af {total} praksisser har mindst ét opmærksomhedspunkt",
                        "{n} of {total} practices have at least one flag"),
}


class BiasError(LovendeError):
    """A bias-check parameter or input frame that cannot be used; the message says what was expected."""

    def __init__(self, parameter: str, value: object, expected: str):
        self.parameter, self.value, self.expected = parameter, value, expected
        super().__init__(f"{parameter}: {value!r} kan ikke bruges; forventet: {expected}")


def _check_share(parameter: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise BiasError(parameter, value, "et tal mellem 0 og 1")


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BiasError(name, sorted(frame.columns), f"en tabel med kolonnerne {', '.join(missing)}")


def _num(value: float, language: str, digits: int = 2) -> str:
    """A decimal as the reader writes it (``0,87`` in Danish, ``0.87`` in English); a dash when missing."""
    value = float(value)
    return number(value, language, digits) if np.isfinite(value) else "–"


def _signed(value: float, language: str, digits: int = 2) -> str:
    """Like :func:`_num` with an explicit sign (``+0,12`` / ``-0,12``): offsets and differences read as such."""
    value = float(value)
    if not np.isfinite(value):
        return "–"
    text = number(abs(value), language, digits)
    return ("-" if value < 0 and float(text.replace(",", ".")) != 0 else "+") + text


def _pct(value: float, language: str) -> str:
    """A share as a whole percentage: ``90 %`` in Danish (space before the sign, as Danish writes it), ``90%`` in English."""
    text = f"{float(value):.0%}"
    return text.replace("%", " %") if check_language(language) == "da" else text


# --------------------------------------------------------------------------------------------- ICC


def icc_oneway(frame: pd.DataFrame, *, target: str, rating: str, confidence: float = 0.95) -> pd.DataFrame:
    """ICC(1): one-way random-effects intraclass correlation, for a single rating and for their mean.

    Parameters
    ----------
    frame : DataFrame
        Long form, one row per rating: the target (here a practice) and the rating (an informant's score).
        Rows with a missing rating are left out; targets may have different numbers of ratings.
    target, rating : str
        The columns holding the target id and the numeric rating.
    confidence : float
        Coverage of the interval.

    Returns
    -------
    DataFrame
        One row: ``n_targets``, ``n_ratings``, ``k`` (ratings per target; the Snedecor–Cochran
        :math:`k_0` when unbalanced), ``ms_between``, ``ms_within``, ``f``, ``df1``, ``df2``,
        ``p_value`` (F test of ICC = 0), ``icc1`` (ICC(1,1), one rating), ``icc1_ci_low``,
        ``icc1_ci_high``, ``icck`` (ICC(1,k), the mean of k ratings), ``icck_ci_low``, ``icck_ci_high``,
        ``confidence``. Statistics are NaN with fewer than two targets or no target with two ratings.

    Notes
    -----
    **Why ICC(1).** In a mapping each practice is described by *its own* informants (its leader, its staff,
    its partners): no informant rates two practices. That is Shrout & Fleiss's case 1, each target rated by
    a different set of judges drawn at random, so judge (informant) effects cannot be separated from error
    and only the one-way model applies; ICC(2) and ICC(3) need the same judges across targets. With
    :math:`a` targets, :math:`N` ratings, :math:`n_i` per target,

    .. math::

        MS_B = \\frac{\\sum_i n_i(\\bar y_i - \\bar y)^2}{a-1},\\quad
        MS_W = \\frac{\\sum_i\\sum_j (y_{ij}-\\bar y_i)^2}{N-a},\\quad
        k_0 = \\frac{N - \\sum_i n_i^2/N}{a-1},

    .. math::

        \\mathrm{ICC}(1,1) = \\frac{MS_B - MS_W}{MS_B + (k_0-1)MS_W},\\qquad
        \\mathrm{ICC}(1,k) = \\frac{MS_B - MS_W}{MS_B}.

    The interval inverts :math:`F = MS_B/MS_W` (Shrout & Fleiss 1979, eq. for case 1):
    :math:`F_L = F/F_{1-\\alpha/2}(a-1, N-a)`, :math:`F_U = F\\,F_{1-\\alpha/2}(N-a, a-1)`,
    :math:`[(F_L-1)/(F_L+k_0-1),\\ (F_U-1)/(F_U+k_0-1)]`, and :math:`[1-1/F_L,\\ 1-1/F_U]` for ICC(1,k).
    ICC(1,1) can be negative when informants of a practice differ more than practices do.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater reliability.
    *Psychological Bulletin*, 86(2), 420–428.
    McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation
    coefficients. *Psychological Methods*, 1(1), 30–46.

    Examples
    --------
    Shrout & Fleiss's Table 2 (6 targets × 4 judges), read one-way:

    >>> data = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> long = pd.DataFrame([(t, y) for t, row in enumerate(data) for y in row], columns=["t", "y"])
    >>> out = icc_oneway(long, target="t", rating="y").iloc[0]
    >>> round(float(out["icc1"]), 2), round(float(out["icck"]), 2)
    (0.17, 0.44)
    """
    _require(frame, [target, rating], "frame")
    if not 0 < confidence < 1:
        raise BiasError("confidence", confidence, "et tal mellem 0 og 1")
    data = frame[[target, rating]].copy()
    data[rating] = pd.to_numeric(data[rating], errors="coerce")
    data = data.dropna()
    sizes = data.groupby(target)[rating].size()
    a, n = int(len(sizes)), int(sizes.sum())
    row: dict[str, float] = {"n_targets": a, "n_ratings": n}
    names = ["k", "ms_between", "ms_within", "f", "df1", "df2", "p_value", "icc1", "icc1_ci_low", "icc1_ci_high",
             "icck", "icck_ci_low", "icck_ci_high"]
    row |= {name: np.nan for name in names}
    if a >= 2 and n > a:
        means = data.groupby(target)[rating].mean()
        grand = data[rating].mean()
        ss_between = float((sizes * (means - grand) ** 2).sum())
        ss_within = float(((data[rating] - data[target].map(means)) ** 2).sum())
        df1, df2 = a - 1, n - a
        ms_b, ms_w = ss_between / df1, ss_within / df2
        k0 = (n - float((sizes**2).sum()) / n) / df1
        row.update(k=k0, ms_between=ms_b, ms_within=ms_w, df1=df1, df2=df2)
        if ms_w > 0:
            f = ms_b / ms_w
            alpha = 1 - confidence
            f_low = f / stats.f.ppf(1 - alpha / 2, df1, df2)
            f_up = f * stats.f.ppf(1 - alpha / 2, df2, df1)
            row.update(
                f=f,
                p_value=float(stats.f.sf(f, df1, df2)),
                icc1=(ms_b - ms_w) / (ms_b + (k0 - 1) * ms_w),
                icc1_ci_low=(f_low - 1) / (f_low + k0 - 1),
                icc1_ci_high=(f_up - 1) / (f_up + k0 - 1),
                icck=(ms_b - ms_w) / ms_b if ms_b > 0 else np.nan,
                icck_ci_low=1 - 1 / f_low,
                icck_ci_high=1 - 1 / f_up,
            )
    row["confidence"] = confidence
    return pd.DataFrame([row], columns=["n_targets", "n_ratings", *names, "confidence"])


#: Koo & Li's (2016) reading of an ICC: below 0.5 poor, 0.5–0.75 moderate, 0.75–0.9 good, above excellent.
ICC_BANDS: tuple[tuple[float, str], ...] = ((0.5, "poor"), (0.75, "moderate"), (0.9, "good"), (np.inf, "excellent"))


def icc_band(value: float) -> str:
    """Koo & Li's (2016) band of an ICC: ``poor``, ``moderate``, ``good``, ``excellent`` (``unknown`` for NaN).

    Examples
    --------
    >>> icc_band(0.62), icc_band(float("nan"))
    ('moderate', 'unknown')
    """
    if value is None or np.isnan(value):
        return "unknown"
    return next(band for limit, band in ICC_BANDS if value < limit)


def informant_icc(
    element_scores: pd.DataFrame,
    exclude_informants: Iterable[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How well informants of the same practice agree: :func:`icc_oneway` per element and overall.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores` with interviews attached, one delimitation.
    exclude_informants : iterable of str
        Informant ids to leave out (e.g. flagged straight-liners).
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    DataFrame
        One row per element, then one for the overall score (``element_id`` = ``overall``: each
        informant's mean over their sufficient element scores): ``element_id``, the columns of
        :func:`icc_oneway`, and ``band`` (:func:`icc_band` of ``icc1``).

    Notes
    -----
    The targets are practices and the ratings the informants' element scores (an informant's interviews
    averaged first). Role differences count as disagreement here: a lenient leader lowers the ICC, which is
    the point of the check. See :func:`icc_oneway` for the form and its justification.

    References
    ----------
    Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass correlation
    coefficients for reliability research. *Journal of Chiropractic Medicine*, 15(2), 155–163.

    Examples
    --------
    >>> es = pd.DataFrame({"practice_id": ["P1"] * 2 + ["P2"] * 2 + ["P3"] * 2,
    ...     "informant_id": list("abcdef"), "element_id": "maal", "score": [0.9, 0.8, 0.2, 0.3, 0.5, 0.6]})
    >>> out = informant_icc(es)
    >>> out["element_id"].tolist(), round(float(out["icc1"].iloc[0]), 3)
    (['maal', 'overall'], 0.946)
    """
    _require(element_scores, ["practice_id", "informant_id", "element_id", "score"], "element_scores")
    data = element_scores[~element_scores["informant_id"].isin(set(exclude_informants))]
    per_informant = data.groupby(["practice_id", "informant_id", "element_id"], sort=False)["score"].mean().reset_index()
    rows = []
    for element, group in per_informant.groupby("element_id", sort=False):
        rows.append(icc_oneway(group, target="practice_id", rating="score", confidence=confidence).assign(element_id=element))
    overall = per_informant.groupby(["practice_id", "informant_id"], sort=False)["score"].mean().reset_index()
    rows.append(icc_oneway(overall, target="practice_id", rating="score", confidence=confidence).assign(element_id="overall"))
    out = pd.concat(rows, ignore_index=True)
    out["band"] = out["icc1"].map(icc_band)
    return out[["element_id"] + [c for c in out.columns if c != "element_id"]]


# --------------------------------------------------------------------------------------------- role model


ROLE_COLUMNS: tuple[str, ...] = (
    "role", "reference", "estimate", "se", "ci_low", "ci_high", "p_value", "p_holm", "significant",
    "n_obs", "n_practices", "n_informants", "n_excluded", "practice_var", "informant_var", "residual_var",
    "model", "converged", "reason", "warning",
)

#: Codes :func:`role_effects` writes in ``reason`` when no result can be read; :func:`verdict` translates
#: them (phrase ``role_<code>``), so the table stays language-free and the prose follows ``language``.
ROLE_REASONS: tuple[str, ...] = ("no_reference", "fit_failed")


#: statsmodels' words for a fit that failed in the end; its other ConvergenceWarnings are either a first
#: optimiser that failed before the next one succeeded ("Retrying …") or a variance estimated at 0
#: ("boundary"), which is a result, not a failure.
_FIT_FAILED: tuple[str, ...] = ("Gradient optimization failed", "MixedLM optimization failed", "Hessian matrix",
                                "failed to converge")
#: Optimisers tried in turn until one converges: L-BFGS (fast), then the gradient-free Powell and
#: Nelder–Mead, which cope with a variance component at 0 where the gradient is unreliable.
_FIT_METHODS: tuple[str, ...] = ("lbfgs", "powell", "nm")


def holm_adjusted(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979), in the order given.

    The i-th smallest of m p-values is multiplied by m − i + 1 (i from 1), the products are made
    non-decreasing in that order and capped at 1; a hypothesis is rejected at level α exactly when its
    adjusted value is below α. Written here rather than taken from ``statsmodels.stats.multitest``, which
    runs a full garbage collection on every Holm call (~0.1 s in a notebook kernel for a handful of
    p-values); the tests compare the two.

    >>> holm_adjusted(np.array([0.01, 0.04, 0.03]))
    array([0.03, 0.06, 0.06])
    """
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p))))
    adjusted = np.empty(len(p))
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def role_effects(
    element_scores: pd.DataFrame,
    exclude_informants: Iterable[str] = (),
    reference: str = LEADER_ROLE,
    alpha_level: float = 0.05,
    informant_level: bool = True,
) -> pd.DataFrame:
    """Each informant role's offset against the leader, from a mixed model of element scores.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores` with interviews attached, one delimitation.
        Only sufficient scores (not NaN) enter the model.
    exclude_informants : iterable of str
        Informants set aside before fitting (flagged straight-liners: one constant answer says nothing
        about a role's view of a practice and would pull its role's mean to the scale's end). Their
        number is reported in ``n_excluded``.
    reference : str
        The reference role, ``leder`` by default (the measuring tool's default respondent).
    alpha_level : float
        Level of the intervals and of the Holm-corrected tests.
    informant_level : bool
        Keep the random intercept of the informant within the practice (default). ``False`` fits the
        practice intercept only; it exists to show (and test) what that mistake does, not for use.

    Returns
    -------
    DataFrame
        One row per role other than the reference: ``role``, ``reference``, ``estimate`` (the role's
        offset on the 0–1 element score), ``se``, ``ci_low``, ``ci_high`` (Wald, level ``1 - alpha_level``),
        ``p_value`` (Wald z), ``p_holm`` (Holm-corrected over the roles), ``significant``
        (``p_holm < alpha_level``), ``n_obs``, ``n_practices``, ``n_informants``, ``n_excluded``,
        ``practice_var``, ``informant_var``, ``residual_var`` (the variance components), ``model``
        (``mixed`` or ``practice_only``), ``converged`` (False when the optimiser failed or warned that it
        did not converge), ``reason`` (why there is no readable result, a code of :data:`ROLE_REASONS`:
        ``no_reference`` no informant has the reference role, ``fit_failed`` no optimiser converged; empty
        when the fit can be read; with no role besides the reference there are no rows at all), ``warning`` (every warning
        the fit gave, ``; ``-joined, empty when none; statsmodels' own English words, for the analyst).

    Notes
    -----
    The model (statsmodels :class:`~statsmodels.regression.mixed_linear_model.MixedLM`, REML), for the
    score :math:`y` of informant :math:`j` in practice :math:`p` on element :math:`e`:

    .. math::

        y_{pje} = \\beta_0 + \\beta_{r(j)} + \\gamma_e + a_p + b_{pj} + \\varepsilon_{pje},\\quad
        a_p \\sim N(0, \\sigma_a^2),\\ b_{pj} \\sim N(0, \\sigma_b^2),\\ \\varepsilon \\sim N(0, \\sigma^2)

    with :math:`\\beta_{leder} = 0`; :math:`\\gamma_e` are element fixed effects (elements differ by design,
    so their spread is taken out of the error). Each informant gives eleven scores: without
    :math:`b_{pj}` they would count as eleven independent voices, the role contrast's standard error would
    shrink by about :math:`\\sqrt{11}` where informants differ, and role effects that are not there would
    be flagged. statsmodels needs ``re_formula="1"`` *and* the variance component
    ``{"informant": "0 + C(informant_id)"}`` for this: with ``vc_formula`` alone the practice intercept
    is dropped. A fit on the boundary (a variance estimated at 0) is reported in ``warning`` but still
    counts as converged. The optimisers in :data:`_FIT_METHODS` are tried in turn and the first that
    converges without a failure warning is used (every warning of every attempt is kept in ``warning``);
    when none does, ``converged`` is False, nothing is ``significant``, and the verdict says the model
    cannot be read.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal of
    Statistics*, 6(2), 65–70.
    Snijders, T. A. B., & Bosker, R. J. (2012). *Multilevel Analysis* (2nd ed.), ch. 4–5. Sage.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> rows = [(f"P{p}", f"P{p}-{r[0]}", r, e, 0.5 + (0.2 if r == "leder" else 0.0) + rng.normal(0, 0.05))
    ...         for p in range(8) for r in ("leder", "medarbejder") for e in ("teori", "maal", "oekonomi")]
    >>> es = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    >>> out = role_effects(es).iloc[0]
    >>> out["role"], round(float(out["estimate"]), 1), bool(out["significant"])
    ('medarbejder', -0.2, True)
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    _require(element_scores, ["practice_id", "informant_id", "informant_role", "element_id", "score"], "element_scores")
    _check_share("alpha_level", alpha_level)
    excluded = set(exclude_informants)
    data = element_scores[~element_scores["informant_id"].isin(excluded)].dropna(subset=["score"])
    data = data[["practice_id", "informant_id", "informant_role", "element_id", "score"]].reset_index(drop=True)
    data["score"] = data["score"].astype(float)
    roles = sorted(set(data["informant_role"]) - {reference})
    base = {
        "reference": reference,
        "n_obs": len(data),
        "n_practices": data["practice_id"].nunique(),
        "n_informants": data["informant_id"].nunique(),
        "n_excluded": len(excluded & set(element_scores["informant_id"])),
        "model": "mixed" if informant_level else "practice_only",
    }
    empty = {c: np.nan for c in ("estimate", "se", "ci_low", "ci_high", "p_value", "p_holm", "practice_var", "informant_var", "residual_var")}
    if reference not in set(data["informant_role"]) or not roles:
        # No reference: one row per other role, reason "no_reference". No other role: no rows at all.
        rows = [{"role": r, **base, **empty, "significant": False, "converged": False, "reason": "no_reference", "warning": ""}
                for r in roles]
        return pd.DataFrame(rows, columns=list(ROLE_COLUMNS))
    notes: list[str] = []
    converged = False
    result = None
    model = _role_model(data, reference, informant_level)
    for method in _FIT_METHODS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                attempt = model.fit(reml=True, method=[method])
            except (np.linalg.LinAlgError, ValueError) as exc:
                attempt = None
                notes.append(f"{method}: {type(exc).__name__}: {exc}")
        texts = [str(w.message) for w in caught]
        notes.extend(t for t in texts if t not in notes)
        failed = any(issubclass(w.category, ConvergenceWarning) and any(m in str(w.message) for m in _FIT_FAILED) for w in caught)
        if attempt is not None and bool(attempt.converged) and not failed:
            result, converged = attempt, True
            break
        if attempt is not None and result is None:
            result = attempt  # kept to show, flagged as not converged
    if result is None:
        rows = [{"role": r, **base, **empty, "significant": False, "converged": False, "reason": "fit_failed",
                 "warning": "; ".join(notes)} for r in roles]
        return pd.DataFrame(rows, columns=list(ROLE_COLUMNS))
    names = [f"C(informant_role, Treatment('{reference}'))[T.{r}]" for r in roles]
    estimate = result.fe_params[names].to_numpy(dtype=float)
    se = result.bse_fe[names].to_numpy(dtype=float)
    z = float(stats.norm.ppf(1 - alpha_level / 2))
    p = 2 * stats.norm.sf(np.abs(estimate / se))
    finite = np.isfinite(p)
    p_holm = np.full(len(p), np.nan)
    if finite.any():
        p_holm[finite] = holm_adjusted(p[finite])
    vcomp = np.asarray(result.vcomp, dtype=float)
    variances = {
        "practice_var": float(np.asarray(result.cov_re)[0, 0]),
        "informant_var": float(vcomp[0]) if informant_level and len(vcomp) else np.nan,
        "residual_var": float(result.scale),
    }
    rows = []
    for k, role in enumerate(roles):
        rows.append(
            {
                "role": role,
                **base,
                "estimate": estimate[k],
                "se": se[k],
                "ci_low": estimate[k] - z * se[k],
                "ci_high": estimate[k] + z * se[k],
                "p_value": p[k],
                "p_holm": p_holm[k],
                "significant": bool(converged and np.isfinite(p_holm[k]) and p_holm[k] < alpha_level),
                **variances,
                "converged": converged,
                "reason": "" if converged else "fit_failed",
                "warning": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=list(ROLE_COLUMNS))


def _role_design(data: pd.DataFrame, reference: str) -> pd.DataFrame:
    """The fixed effects of ``score ~ C(informant_role, Treatment(reference)) + C(element_id)`` as
    statsmodels' formula route builds them: an intercept, an indicator per role other than ``reference``
    and per element other than the first (levels sorted; no element term for a single element), columns
    named as the formula names them, so the fitted parameters carry the same names."""
    columns = {"Intercept": np.ones(len(data))}
    roles = data["informant_role"].astype(str).to_numpy()
    for level in sorted(set(roles) - {reference}):
        columns[f"C(informant_role, Treatment('{reference}'))[T.{level}]"] = (roles == level).astype(float)
    elements = data["element_id"].astype(str).to_numpy()
    for level in sorted(set(elements))[1:]:
        columns[f"C(element_id)[T.{level}]"] = (elements == level).astype(float)
    return pd.DataFrame(columns, index=data.index)


def _role_model(data: pd.DataFrame, reference: str, informant_level: bool = True) -> object:
    """The role model of :func:`role_effects`, the same as statsmodels' formula route builds it::

        smf.mixedlm("score ~ C(informant_role, Treatment(reference)) + C(element_id)", data,
                    groups="practice_id", re_formula="1", vc_formula={"informant": "0 + C(informant_id)"})

    (without ``vc_formula`` when ``informant_level`` is False), built without a formula engine: the
    engine's import alone took ~0.2 s of the bias notebook, and it evaluated ``vc_formula`` once per
    practice (half of the role model's time in a national study: 6,000 evaluations). The variance
    component's matrices are the indicators of the practice's informants, columns in sorted order, rows in
    the data's order, built in one pass; parameter names are set as ``from_formula`` sets them, so the
    model (and its fit) is the same. ``data`` must have a default index (positions are row labels).
    """
    from statsmodels.regression.mixed_linear_model import MixedLM, VCSpec

    groups = np.asarray(data["practice_id"])
    exog_vc = None
    if informant_level:
        informants = data["informant_id"].to_numpy(dtype=object)
        order = np.argsort(pd.factorize(groups, sort=True)[0], kind="stable")  # rows by sorted practice, in data order within one
        sorted_groups = groups[order]
        starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]) if len(order) else np.array([], dtype=int)
        mats, colnames = [], []
        for rows in np.split(order, starts[1:]) if len(order) else []:
            levels, codes = np.unique(informants[rows].astype(str), return_inverse=True)
            # Fortran order, as the formula engine returns it: the fit multiplies these, and layout changes rounding
            mats.append(np.asfortranarray((codes[:, None] == np.arange(len(levels))[None, :]).astype(float)))
            colnames.append([f"C(informant_id)[{level}]" for level in levels])
        exog_vc = VCSpec(["informant"], [colnames], [mats])
    model = MixedLM(data["score"], _role_design(data, reference), groups, exog_re=np.ones((len(data), 1)), exog_vc=exog_vc)
    param_names, re_names, re_names_full = model._make_param_names(["practice_id"])
    model.data.param_names, model.data.exog_re_names, model.data.exog_re_names_full = param_names, re_names, re_names_full
    model.data.vcomp_names = model.exog_vc.names
    return model


def role_profiles(element_scores: pd.DataFrame, exclude_informants: Iterable[str] = ()) -> pd.DataFrame:
    """Each informant's mean element score, beside their practice and role: what the role figure draws.

    Returns
    -------
    DataFrame
        ``practice_id``, ``informant_id``, ``informant_role``, ``score`` (mean of the informant's
        sufficient element scores), ``n_elements``, ``excluded`` (in ``exclude_informants``).

    Examples
    --------
    >>> es = pd.DataFrame({"practice_id": ["P1"] * 2, "informant_id": ["a", "a"], "informant_role": "leder",
    ...                    "element_id": ["teori", "maal"], "score": [0.5, 1.0]})
    >>> float(role_profiles(es)["score"].iloc[0])
    0.75
    """
    grouped = element_scores.groupby(["practice_id", "informant_id", "informant_role"], sort=True)["score"]
    out = pd.DataFrame({"score": grouped.mean(), "n_elements": grouped.count()}).reset_index()
    out["excluded"] = out["informant_id"].isin(set(exclude_informants))
    return out


# --------------------------------------------------------------------------------------------- response styles


def _screen_answers(codings: pd.DataFrame, instrument: Instrument, delimitation: str) -> pd.DataFrame:
    """Per interview: the screen answer (consensus wins, else the coders' common answer) and any coder note."""
    frame = codings[(codings["item_id"] == instrument.screen_item.id) & (codings["delimitation_id"] == delimitation)]
    frame = frame.reset_index(drop=True)
    # Grouped columns, not a loop over interviews (18,000 of them in a national study).
    keys = frame["interview_id"]
    is_consensus = frame["is_consensus"].astype(bool).to_numpy()
    answers = frame["screen_answer"]
    consensus = answers[is_consensus].dropna().groupby(keys[is_consensus], sort=False).first()
    coders = answers[~is_consensus].dropna()
    coder_keys = keys[~is_consensus][coders.index]
    grouped = coders.groupby(coder_keys, sort=False)
    distinct, first = grouped.nunique(), grouped.first()
    out = pd.DataFrame({"interview_id": sorted(set(keys))})
    ids = out["interview_id"]
    def text(series: pd.Series) -> np.ndarray:  # mapped values as text, "" where there is none
        values = ids.map(series).to_numpy(dtype=object)
        return np.array(["" if pd.isna(v) else str(v) for v in values], dtype=object)

    answer = np.where(ids.map(distinct).fillna(0).to_numpy(dtype=float) > 1, "uenig", text(first))
    from_consensus = text(consensus)
    out["screen_answer"] = np.where(ids.isin(consensus.index).to_numpy(), from_consensus, answer)
    if "note" in frame.columns:
        notes = frame["note"].astype(str).str.strip()
        notes = notes[~notes.isin(["", "nan", "<NA>", "None"])]
        joined = notes.groupby(keys[notes.index], sort=False).agg("; ".join)
        out["screen_note"] = text(joined)
    else:
        out["screen_note"] = ""
    return out[["interview_id", "screen_answer", "screen_note"]]


def response_styles(
    item_scores: pd.DataFrame,
    element_scores: pd.DataFrame,
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    straightline_share: float = 0.9,
    ceiling_share: float = 0.8,
    min_items: int = 10,
    screen_evidence: float = 0.5,
    delimitation: str = MAIN_DELIMITATION,
) -> pd.DataFrame:
    """Response styles per interview: straight-lining, ceiling responding, an unsupported sikker-praksis *ja*.

    Parameters
    ----------
    item_scores : DataFrame
        From :func:`lovende_research.scoring.reconcile_coders` (one code per interview × item).
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores`; gives the evidence element's score.
    codings : DataFrame
        ``Study.codings``; gives the screen item's answers and the coders' notes on it.
    interviews : DataFrame
        ``Study.interviews``.
    instrument : Instrument
        Names the screen item and the top of the scale.
    straightline_share : float
        Flag straight-lining when at least this share of the answered items has one and the same code.
    ceiling_share : float
        Flag ceiling responding when at least this share of the answered items is in the top category.
    min_items : int
        Neither style is flagged on fewer answered items than this (too little to tell a style).
    screen_evidence : float
        A *ja* to the screen item counts as supported when the interview's own score on the element
        Virkning is at least this, or a coder wrote a note on the screen item (e.g. the study's reference).
    delimitation : str
        The delimitation to check.

    Returns
    -------
    DataFrame
        One row per interview: ``interview_id``, ``practice_id``, ``informant_id``, ``informant_role``,
        ``n_answered`` (items with a reconciled scale code), ``modal_code``, ``modal_share`` (share of
        answered items at the most frequent code), ``code_sd`` (SD of the codes, ddof=0), ``top_share``
        (share at the scale's top code), ``straightliner``, ``ceiling``, ``screen_answer`` (``ja``,
        ``nej``, ``uenig`` or empty), ``screen_note``, ``evidence_score`` (the Virkning score, NaN when
        insufficient), ``screen_unsupported``.

    Notes
    -----
    Reconciled codes are used (a coder split such as 3/4 gives 3.5, its own value), so an informant only
    reads as a straight-liner when both coders heard the same answer throughout. With :math:`n` answered
    items and :math:`m` of them at the modal code, ``modal_share`` :math:`= m/n`. The screen item is
    about a scientific effect trial; a *ja* while the same informant scores the weaker claim "some study
    suggests an effect" low, with no note on the study, is inconsistent and asks for the documentation.

    References
    ----------
    Kim, Y., Dykema, J., Stevenson, J., Black, P., & Moberg, D. P. (2019). Straightlining: overview of
    measurement, comparison of indicators, and effects in mail–web mixed-mode surveys. *Social Science
    Computer Review*, 37(2), 214–233.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> items = pd.DataFrame({"interview_id": "I1", "delimitation_id": "main",
    ...                       "item_id": [i.id for i in inst.items][:12], "code": [4.0] * 11 + [3.0]})
    >>> interviews = pd.DataFrame({"interview_id": ["I1"], "practice_id": ["P1"], "informant_id": ["P1-L"],
    ...                            "informant_role": ["leder"]})
    >>> es = pd.DataFrame(columns=["interview_id", "delimitation_id", "element_id", "score"])
    >>> codings = pd.DataFrame(columns=["interview_id", "item_id", "delimitation_id", "screen_answer", "is_consensus"])
    >>> row = response_styles(items, es, codings, interviews, inst).iloc[0]
    >>> round(float(row["modal_share"]), 3), bool(row["straightliner"]), bool(row["ceiling"])
    (0.917, True, True)
    """
    for name, value in (("straightline_share", straightline_share), ("ceiling_share", ceiling_share)):
        _check_share(name, value)
    if isinstance(min_items, bool) or not isinstance(min_items, (int, np.integer)) or min_items < 1:
        raise BiasError("min_items", min_items, "et positivt heltal")
    top = float(instrument.scale_codes[-1])
    items = item_scores[item_scores["delimitation_id"] == delimitation].dropna(subset=["code"])
    # Grouped columns, not a loop over interviews: the modal code is the most frequent code, a tie going to
    # the code answered first (the order value_counts keeps); the SD is numpy's, per interview's codes.
    items = items.assign(_pos=np.arange(len(items))).sort_values(["interview_id", "_pos"], kind="stable")
    codes = items["code"].to_numpy(dtype=float)
    per = items.groupby(["interview_id", "code"], sort=False)["_pos"].agg(["size", "min"]).reset_index()
    per = per.sort_values(["interview_id", "size", "min"], ascending=[True, False, True], kind="stable")
    modal = per.drop_duplicates("interview_id").set_index("interview_id")
    bounds = np.flatnonzero(np.r_[True, items["interview_id"].to_numpy()[1:] != items["interview_id"].to_numpy()[:-1]])
    ids = items["interview_id"].to_numpy()[bounds]
    n_answered = np.diff(np.r_[bounds, len(codes)])
    styles = pd.DataFrame({
        "interview_id": ids,
        "n_answered": n_answered,
        "modal_code": modal["code"].reindex(ids).to_numpy(dtype=float),
        "modal_share": modal["size"].reindex(ids).to_numpy(dtype=float) / n_answered,
        "code_sd": [float(part.std()) for part in np.split(codes, bounds[1:])] if len(codes) else [],
        "top_share": np.add.reduceat((codes == top).astype(float), bounds) / n_answered if len(codes) else [],
    }, columns=["interview_id", "n_answered", "modal_code", "modal_share", "code_sd", "top_share"])
    out = interviews[["interview_id", "practice_id", "informant_id", "informant_role"]].merge(styles, on="interview_id", how="left")
    out["n_answered"] = out["n_answered"].fillna(0).astype(int)
    enough = out["n_answered"] >= min_items
    out["straightliner"] = enough & (out["modal_share"] >= straightline_share)
    out["ceiling"] = enough & (out["top_share"] >= ceiling_share)
    screen = _screen_answers(codings, instrument, delimitation) if len(codings) else pd.DataFrame(columns=["interview_id", "screen_answer", "screen_note"])
    out = out.merge(screen, on="interview_id", how="left")
    out["screen_answer"] = out["screen_answer"].fillna("").astype(str)
    out["screen_note"] = out["screen_note"].fillna("").astype(str)
    evidence = element_scores[(element_scores["element_id"] == EVIDENCE_ELEMENT) & (element_scores["delimitation_id"] == delimitation)]
    out["evidence_score"] = out["interview_id"].map(evidence.set_index("interview_id")["score"]).astype(float)
    supported = (out["evidence_score"] >= screen_evidence) | (out["screen_note"] != "")
    out["screen_unsupported"] = (out["screen_answer"] == "ja") & ~supported
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------- stability


def _ranked(element_scores: pd.DataFrame, aggregation: str, min_element_share: float) -> pd.DataFrame:
    """practice_id, overall, rank (1 = highest; ties share the lowest rank; NaN when insufficient)."""
    overall = overall_index(practice_profiles(element_scores, aggregation), min_element_share)
    overall["rank"] = overall["overall"].rank(ascending=False, method="min")
    return overall[["practice_id", "overall", "rank"]]


STABILITY_COLUMNS: tuple[str, ...] = (
    "scenario", "left_out", "left_out_practice", "practice_id", "overall_full", "overall_reduced",
    "rank_full", "rank_reduced", "shift",
)
SUMMARY_COLUMNS: tuple[str, ...] = (
    "scenario", "left_out", "left_out_practice", "n_practices", "kendall_tau", "max_shift", "top_changed",
)
#: Which rows :func:`rank_stability` returns: ``all`` (every scenario × every practice) or ``own`` (for a
#: left-out informant only their own practice's row, the only index that changes; every row for a coder).
STABILITY_ROWS: tuple[str, ...] = ("all", "own")
#: :func:`run_bias_checks` with ``stability_rows="auto"`` keeps every row up to this many informant rows
#: (informants × practices) and the ``own`` rows beyond: the whole table grows with the square of the study
#: (18,000 informants × 6,000 practices = 108 million rows nationally) while everything read from it —
#: the flags, the stability figure, the tutorial's exercise — uses the ``own`` rows only.
STABILITY_ALL_MAX_ROWS = 250_000


def _leave_one_informant_out(scores: pd.DataFrame, aggregation: str, min_element_share: float) -> pd.DataFrame:
    """The overall index of each practice without each one of its informants, all scenarios in one pass.

    Returns ``left_out``, ``practice_id``, ``overall`` for every informant × practice the informant has
    scores in (a practice whose only informant is left out has no row: it drops out of the ranking).

    Why this is exact: every left-out scenario's rows (the informant's practice-mates, in their original
    order) are copied once, with the scenario as ``delimitation_id``, and scored by the same
    ``practice_profiles`` → ``overall_index`` calls. Group means see the same values in the same order as
    a re-scoring of ``scores`` without the informant would, so the indices are identical to the last bit,
    and ties between practices stay ties. The copy has Σ n_p(n_p − 1) informant rows, linear in the study.
    """
    data = scores[scores["informant_id"].notna()].reset_index(drop=True)
    data = data.assign(_row=np.arange(len(data)))
    pairs = data[["practice_id", "informant_id"]].drop_duplicates().rename(columns={"informant_id": "left_out"})
    expanded = data.merge(pairs, on="practice_id", how="inner")
    expanded = expanded[expanded["informant_id"] != expanded["left_out"]]
    expanded = expanded.sort_values(["left_out", "_row"], kind="stable")
    expanded = expanded.assign(delimitation_id=expanded["left_out"]).drop(columns=["_row", "left_out"])
    reduced = overall_index(practice_profiles(expanded, aggregation), min_element_share)
    return reduced.rename(columns={"delimitation_id": "left_out"})[["left_out", "practice_id", "overall"]]


def _kendall_tau_b(tot: np.ndarray, xtie: np.ndarray, ytie: np.ndarray, ntie: np.ndarray, dis: np.ndarray) -> np.ndarray:
    """Kendall's tau-b from pair counts, the arithmetic of :func:`scipy.stats.kendalltau` (NaN when a ranking is all ties)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = (tot - xtie - ytie + ntie - 2 * dis) / np.sqrt(tot - xtie) / np.sqrt(tot - ytie)
    tau = np.minimum(1.0, np.maximum(-1.0, tau))
    return np.where((xtie == tot) | (ytie == tot), np.nan, tau)


def _one_moved_summary(values: np.ndarray, rank_full: np.ndarray, q: np.ndarray, b: np.ndarray, top_n: int) -> dict[str, np.ndarray]:
    """Per scenario in which only practice ``q`` moved (index ``values[q]`` → ``b``): the reduced rank of
    ``q`` and :func:`stability_summary`'s statistics, without re-ranking the other practices.

    Every other practice ``j`` keeps its index :math:`v_j`, so its rank changes by
    :math:`[b > v_j] - [a > v_j] \\in \\{-1, 0, 1\\}` (with :math:`a = v_q`), and ``q`` lands at
    :math:`1 + \\#\\{j \\ne q: v_j > b\\}` (a ``searchsorted`` in the sorted indices). Kendall's tau-b needs
    the pair counts only: pairs of unmoved practices are concordant unless tied (tied in both rankings);
    a pair with ``q`` is discordant when :math:`v_j` lies strictly between :math:`a` and :math:`b`, tied in the
    full ranking when :math:`v_j = a`, in the reduced one when :math:`v_j = b`. O(log P) per scenario.
    """
    finite = np.isfinite(values)
    sv = np.sort(values[finite])
    n_all = len(sv)
    a = values[q]
    a_ok, b_ok = np.isfinite(a), np.isfinite(b)
    a_num = np.where(a_ok, a, 0.0)

    def lt(x: np.ndarray) -> np.ndarray:  # others (q excluded) with a value < x
        return np.searchsorted(sv, x, "left") - (a_ok & (a_num < x))

    def le(x: np.ndarray) -> np.ndarray:  # others with a value <= x
        return np.searchsorted(sv, x, "right") - (a_ok & (a_num <= x))

    def eq_all(x: np.ndarray) -> np.ndarray:
        return np.searchsorted(sv, x, "right") - np.searchsorted(sv, x, "left")

    b_num = np.where(b_ok, b, 0.0)
    n_others = n_all - a_ok.astype(np.int64)
    # rank of q without the informant: 1 + others above b
    rank_q = np.where(b_ok, 1.0 + (n_others - le(b_num)), np.nan)
    shift_q = rank_q - rank_full[q]
    # unmoved practices whose rank changes by one
    lo, hi = np.minimum(a_num, b_num), np.maximum(a_num, b_num)
    moved_others = np.select([a_ok & b_ok, b_ok, a_ok], [lt(hi) - lt(lo), lt(b_num), lt(a_num)], default=0)
    shifts = np.where(moved_others > 0, 1.0, np.where(n_others > 0, 0.0, np.nan))
    max_shift = np.fmax(np.abs(shift_q), shifts)
    # Kendall's tau-b over the practices ranked in both
    _, counts = np.unique(sv, return_counts=True)
    j_all = int((counts * (counts - 1) // 2).sum())
    t_a = np.where(a_ok, eq_all(a_num), 1)
    j_others = j_all - (t_a - 1)
    both = a_ok & b_ok
    size = n_others + both.astype(np.int64)
    tot = size * (size - 1) // 2
    e_a = np.where(both, t_a - 1, 0)
    e_b = np.where(both, eq_all(b_num) - (a_num == b_num), 0)
    same = both & (a_num == b_num)
    xtie, ytie = j_others + e_a, j_others + e_b
    ntie = j_others + np.where(same, e_a, 0)
    dis = np.where(both & ~same, lt(hi) - le(lo), 0)
    tau = np.where(size >= 2, _kendall_tau_b(tot, xtie, ytie, ntie, dis), np.nan)
    # the top n: q may enter or leave it; an unmoved practice only at its edge (rank top_n or top_n + 1)
    ranks = rank_full[finite]
    edge_out, edge_in = (ranks > top_n - 1) & (ranks <= top_n), (ranks > top_n) & (ranks <= top_n + 1)
    q_full = np.where(np.isfinite(rank_full[q]), rank_full[q], np.inf)
    changed = (q_full <= top_n) != (np.where(b_ok, rank_q, np.inf) <= top_n)
    for edge, q_on_edge, direction in ((edge_out, (q_full > top_n - 1) & (q_full <= top_n), 1),
                                       (edge_in, (q_full > top_n) & (q_full <= top_n + 1), -1)):
        if edge.any():
            v = values[finite][edge][0]  # an edge is one tie group: one index
            delta = (b_ok & (b_num > v)).astype(int) - (a_ok & (a_num > v)).astype(int)
            changed |= ((int(edge.sum()) - q_on_edge.astype(int)) > 0) & (delta == direction)
    return {"rank_reduced": rank_q, "n_practices": size, "kendall_tau": tau, "max_shift": max_shift, "top_changed": changed}


def _summary_row(scenario: str, left_out: str, left_out_practice: str, group: pd.DataFrame, top_n: int) -> dict[str, object]:
    """One row of :func:`stability_summary` from one scenario's rows (every practice)."""
    both = group.dropna(subset=["overall_full", "overall_reduced"])
    tau = float(stats.kendalltau(both["overall_full"], both["overall_reduced"]).statistic) if len(both) >= 2 else np.nan
    top_full = set(group.loc[group["rank_full"] <= top_n, "practice_id"])
    top_reduced = set(group.loc[group["rank_reduced"] <= top_n, "practice_id"])
    return {
        "scenario": scenario,
        "left_out": left_out,
        "left_out_practice": left_out_practice,
        "n_practices": len(both),
        "kendall_tau": tau,
        "max_shift": float(group["shift"].abs().max()) if group["shift"].notna().any() else np.nan,
        "top_changed": top_full != top_reduced,
    }


def _stability(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    rule: str,
    aggregation: str,
    coverage_threshold: float,
    delimitation: str,
    top_n: int,
    rows: str,
    scores: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`rank_stability`'s table and :func:`stability_summary` of the whole table, in time linear in the study.

    Informant scenarios: one scoring of the study, one pass for every leave-one-out index
    (:func:`_leave_one_informant_out`) and closed forms for ranks and summaries (:func:`_one_moved_summary`).
    Coder scenarios: the study re-scored once per coder (``reconcile_coders`` on the other coders' codes);
    leaving a coder out changes the reconciled code of every interview that coder coded (all of them, when
    two coders code everything), so there is nothing smaller to adjust, and the cost is one scoring per
    coder — linear in the study for a fixed team of coders.
    """
    if rows not in STABILITY_ROWS:
        raise BiasError("rows", rows, " eller ".join(STABILITY_ROWS))
    if scores is None:  # run_bias_checks passes the element scores it already has (same chain, same arguments)
        scores = element_scores(reconcile_coders(codings, instrument, rule, delimitation), instrument, interviews, coverage_threshold)
    full = _ranked(scores, aggregation, coverage_threshold).rename(columns={"overall": "overall_full", "rank": "rank_full"})
    full = full.reset_index(drop=True)
    practices = full["practice_id"].tolist()
    position = {p: k for k, p in enumerate(practices)}
    values = full["overall_full"].to_numpy(dtype=float)
    rank_full = full["rank_full"].to_numpy(dtype=float)
    owners = interviews.drop_duplicates("informant_id").set_index("informant_id")["practice_id"].to_dict()
    informants = sorted(set(scores["informant_id"]))
    reduced = _leave_one_informant_out(scores, aggregation, coverage_threshold)
    # the practices each informant's scores belong to (normally one); their reduced index, NaN when the practice drops out
    touched = scores[["informant_id", "practice_id"]].dropna().drop_duplicates()
    touched = touched.merge(reduced, left_on=["informant_id", "practice_id"], right_on=["left_out", "practice_id"], how="left")
    n_touched = touched.groupby("informant_id", sort=False).size().to_dict()
    single = [i for i in informants if n_touched.get(i, 0) == 1]
    one = touched[touched["informant_id"].isin(set(single))].set_index("informant_id").loc[single]
    q = one["practice_id"].map(position).to_numpy(dtype=np.int64)
    b = one["overall"].to_numpy(dtype=float)
    moved = _one_moved_summary(values, rank_full, q, b, top_n)

    # informants whose scores span several practices (not in a valid study) are re-ranked the long way
    slow: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for informant in informants:
        if n_touched.get(informant, 0) == 1:
            continue
        mine = touched[touched["informant_id"] == informant]
        overall_reduced = values.copy()
        for practice, value in zip(mine["practice_id"], mine["overall"]):
            overall_reduced[position[practice]] = value
        rank_reduced = pd.Series(overall_reduced).rank(ascending=False, method="min").to_numpy(dtype=float)
        slow[informant] = (overall_reduced, rank_reduced)
    order = {i: k for k, i in enumerate(informants)}
    n, m = len(practices), len(single)
    if rows == "all":  # every practice in every scenario: rank_full - [a > v] + [b > v], and q's own row
        scenario_of, practice_of = np.repeat(np.arange(m), n), np.tile(np.arange(n), m)
        a = values[q]
        with np.errstate(invalid="ignore"):
            rank_matrix = rank_full[None, :] - (a[:, None] > values[None, :]) + (b[:, None] > values[None, :])
        overall_matrix = np.broadcast_to(values, (m, n)).copy()
        rank_matrix[np.arange(m), q] = moved["rank_reduced"]
        overall_matrix[np.arange(m), q] = b
        overall_reduced, rank_reduced = overall_matrix.ravel(), rank_matrix.ravel()
    else:
        scenario_of, practice_of = np.arange(m), q
        overall_reduced, rank_reduced = b, moved["rank_reduced"]
    left_out = np.asarray(single, dtype=object)[scenario_of]
    fast = full.iloc[practice_of].reset_index(drop=True).assign(
        overall_reduced=overall_reduced, rank_reduced=rank_reduced, scenario="informant", left_out=left_out,
        left_out_practice=[owners.get(i, "") for i in left_out], _k=[order[i] for i in left_out])
    frames: list[pd.DataFrame] = [fast]
    summaries = pd.DataFrame({"scenario": "informant", "left_out": single, "left_out_practice": [owners.get(i, "") for i in single],
                              "n_practices": moved["n_practices"].astype(np.int64), "kendall_tau": moved["kendall_tau"],
                              "max_shift": moved["max_shift"].astype(float), "top_changed": moved["top_changed"].astype(bool),
                              "_k": [order[i] for i in single]})
    slow_summaries: list[dict[str, object]] = []
    for informant, (overall_slow, rank_slow) in slow.items():
        practice = owners.get(informant, "")
        block = full.assign(overall_reduced=overall_slow, rank_reduced=rank_slow, scenario="informant", left_out=informant,
                            left_out_practice=practice, _k=order[informant])
        block["shift"] = block["rank_reduced"] - block["rank_full"]
        slow_summaries.append({**_summary_row("informant", informant, practice, block, top_n), "_k": order[informant]})
        if rows == "own":
            block = block[block["practice_id"].isin(set(touched.loc[touched["informant_id"] == informant, "practice_id"]))]
        frames.append(block.drop(columns=["shift"]))
    if slow_summaries:
        summaries = pd.concat([summaries, pd.DataFrame(slow_summaries)], ignore_index=True)
    summaries = summaries.sort_values("_k", kind="stable").drop(columns=["_k"])
    informant_rows = pd.concat(frames, ignore_index=True).sort_values("_k", kind="stable").drop(columns=["_k"])
    frames = [informant_rows] if len(informant_rows) else []
    coders = codings.loc[~codings["is_consensus"].astype(bool), "coder_id"]
    coder_summaries: list[dict[str, object]] = []
    if coders.nunique() > 1:
        for coder in sorted(set(coders)):
            kept = codings[codings["coder_id"] != coder]
            reduced_scores = element_scores(reconcile_coders(kept, instrument, rule, delimitation), instrument, interviews, coverage_threshold)
            coder_ranked = _ranked(reduced_scores, aggregation, coverage_threshold)
            block = full.merge(coder_ranked, on="practice_id", how="left").rename(columns={"overall": "overall_reduced", "rank": "rank_reduced"})
            block = block.assign(scenario="coder", left_out=coder, left_out_practice="")
            block["shift"] = block["rank_reduced"] - block["rank_full"]
            coder_summaries.append(_summary_row("coder", coder, "", block, top_n))
            frames.append(block)
    summary = pd.concat([pd.DataFrame(coder_summaries, columns=list(SUMMARY_COLUMNS)), summaries[list(SUMMARY_COLUMNS)]],
                        ignore_index=True)
    if not frames:
        return pd.DataFrame(columns=list(STABILITY_COLUMNS)), summary
    out = pd.concat(frames, ignore_index=True)
    out["shift"] = out["rank_reduced"] - out["rank_full"]
    return out[list(STABILITY_COLUMNS)], summary


def rank_stability(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    rule: str = "median",
    aggregation: str = "mean",
    coverage_threshold: float = 0.5,
    delimitation: str = MAIN_DELIMITATION,
    rows: str = "all",
) -> pd.DataFrame:
    """The ranking re-scored with one informant, or one coder, left out: every practice's rank shift.

    Parameters
    ----------
    codings : DataFrame
        ``Study.codings``.
    interviews : DataFrame
        ``Study.interviews``.
    instrument : Instrument
        The study's instrument.
    rule, aggregation, coverage_threshold, delimitation
        As in :func:`lovende_research.scoring.score_study`; the same chain scores every scenario.
    rows : {'all', 'own'}
        ``all`` (default): every scenario × every practice. ``own``: for a left-out informant only the
        row of their own practice (the only index that changes; the others' ranks move by at most one
        place and are summarised by :func:`run_bias_checks`); every practice for a left-out coder. The
        ``all`` table has informants × practices rows, which grows with the square of the study.

    Returns
    -------
    DataFrame
        One row per scenario × practice: ``scenario`` (``informant`` or ``coder``), ``left_out`` (the
        informant or coder id), ``left_out_practice`` (the informant's practice; empty for a coder),
        ``practice_id``, ``overall_full``, ``overall_reduced`` (overall index with and without),
        ``rank_full``, ``rank_reduced`` (1 = highest), ``shift`` (``rank_reduced - rank_full``; positive
        = the practice fell).

    Notes
    -----
    Leaving an informant out removes their element scores and re-aggregates with
    :func:`~lovende_research.scoring.practice_profiles` and
    :func:`~lovende_research.scoring.overall_index`; only their practice's index changes, but every
    practice's rank may. Leaving a coder out re-runs :func:`~lovende_research.scoring.reconcile_coders`
    on the other coders' codes (consensus codes still win), so every practice can move. Consensus codes
    are never left out: they are the team's, not one coder's.

    The study is scored once; every informant's practice is re-aggregated without them in one pass, and
    the other practices' ranks follow from the moved index: with full index :math:`a` and reduced index
    :math:`b` of the moved practice, a practice with index :math:`v` moves by :math:`[b > v] - [a > v]`
    places. The result is the same as re-scoring the study once per informant, to the last bit, in time
    linear in the study (plus the size of the table asked for).

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> items = [i.id for i in inst.items]
    >>> interviews = pd.DataFrame({"interview_id": ["a", "b", "c", "d"], "practice_id": ["P1", "P1", "P2", "P2"],
    ...     "informant_id": ["L1", "M1", "L2", "M2"], "informant_role": ["leder", "medarbejder"] * 2})
    >>> value = {"a": 4, "b": 1, "c": 3, "d": 3}
    >>> codings = pd.DataFrame([(i, "K1", it, "main", value[i], pd.NA, False) for i in value for it in items],
    ...     columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value", "missing_code", "is_consensus"])
    >>> codings["value"] = codings["value"].astype("Int64")
    >>> out = rank_stability(codings, interviews, inst)
    >>> row = out[(out["left_out"] == "M1") & (out["practice_id"] == "P1")].iloc[0]
    >>> int(row["rank_full"]), int(row["rank_reduced"])
    (2, 1)
    >>> len(out), len(rank_stability(codings, interviews, inst, rows="own"))
    (8, 4)
    """
    return _stability(codings, interviews, instrument, rule, aggregation, coverage_threshold, delimitation, 5, rows)[0]


def stability_summary(stability: pd.DataFrame, top_n: int = 5) -> pd.DataFrame:
    """Per scenario: Kendall's tau between the full and reduced rankings, the largest shift, top-n changes.

    Parameters
    ----------
    stability : DataFrame
        From :func:`rank_stability` with ``rows="all"`` (every practice in every scenario; on ``own``
        rows the statistics cover only the rows given). :func:`run_bias_checks` computes the same
        summary for the whole table without building it.
    top_n : int
        The size of "the top of the ranking".

    Returns
    -------
    DataFrame
        One row per scenario × left-out unit: ``scenario``, ``left_out``, ``left_out_practice``,
        ``n_practices`` (ranked in both), ``kendall_tau`` (tau-b), ``max_shift`` (largest absolute rank
        shift), ``top_changed`` (the set of top-``top_n`` practices differs).

    Notes
    -----
    Kendall's :math:`\\tau_b = (C - D)/\\sqrt{(C + D + T_x)(C + D + T_y)}` over pairs of practices,
    with :math:`C`, :math:`D` concordant and discordant pairs and :math:`T` ties in one ranking only
    (:func:`scipy.stats.kendalltau`); 1 means the order is unchanged.

    References
    ----------
    Kendall, M. G. (1945). The treatment of ties in ranking problems. *Biometrika*, 33(3), 239–251.

    Examples
    --------
    >>> st = pd.DataFrame({"scenario": "informant", "left_out": "x", "left_out_practice": "P1",
    ...     "practice_id": ["P1", "P2", "P3"], "overall_full": [0.9, 0.5, 0.1], "overall_reduced": [0.4, 0.5, 0.1],
    ...     "rank_full": [1.0, 2.0, 3.0], "rank_reduced": [2.0, 1.0, 3.0], "shift": [1.0, -1.0, 0.0]})
    >>> row = stability_summary(st, top_n=1).iloc[0]
    >>> round(float(row["kendall_tau"]), 3), int(row["max_shift"]), bool(row["top_changed"])
    (0.333, 1, True)
    """
    rows = [_summary_row(scenario, left_out, group["left_out_practice"].iloc[0], group, top_n)
            for (scenario, left_out), group in stability.groupby(["scenario", "left_out"], sort=True)]
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


# --------------------------------------------------------------------------------------------- delimitation


def delimitation_sensitivity(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    delimitations: pd.DataFrame | None = None,
    rule: str = "median",
    aggregation: str = "mean",
    coverage_threshold: float = 0.5,
    threshold: float = 0.15,
) -> pd.DataFrame:
    """Element scores of a practice under each of its delimitations, against the main one.

    Parameters
    ----------
    codings : DataFrame
        ``Study.codings`` with every delimitation.
    interviews : DataFrame
        ``Study.interviews``.
    instrument : Instrument
        The study's instrument.
    delimitations : DataFrame, optional
        ``Study.delimitations``; gives each alternative's label.
    rule, aggregation, coverage_threshold
        As in :func:`lovende_research.scoring.score_study`.
    threshold : float
        An element whose score moves more than this (on 0–1) is flagged.

    Returns
    -------
    DataFrame
        One row per practice × alternative delimitation × element: ``practice_id``, ``delimitation_id``,
        ``label``, ``element_id``, ``score_main``, ``score_alternative``, ``difference``
        (alternative − main), ``moved`` (``|difference| > threshold``). Empty when no practice was coded
        under more than one delimitation.

    Notes
    -----
    Both delimitations are scored by the same chain (:func:`~lovende_research.scoring.reconcile_coders`
    with ``delimitation=None``, :func:`~lovende_research.scoring.element_scores`,
    :func:`~lovende_research.scoring.practice_profiles`), so the difference is the delimitation's alone.
    An element insufficient under either has a NaN difference and is not flagged.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> items = [i.id for i in inst.elements[0].items]
    >>> codings = pd.DataFrame([("a", "K1", it, d, v, pd.NA, False) for d, v in (("main", 2), ("D1", 4)) for it in items],
    ...     columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value", "missing_code", "is_consensus"])
    >>> codings["value"] = codings["value"].astype("Int64")
    >>> interviews = pd.DataFrame({"interview_id": ["a"], "practice_id": ["P1"], "informant_id": ["L"], "informant_role": ["leder"]})
    >>> out = delimitation_sensitivity(codings, interviews, inst)
    >>> row = out[out["element_id"] == "teori"].iloc[0]
    >>> round(float(row["difference"]), 3), bool(row["moved"])
    (0.667, True)
    """
    _check_share("threshold", threshold)
    columns = ["practice_id", "delimitation_id", "label", "element_id", "score_main", "score_alternative", "difference", "moved"]
    if not (codings["delimitation_id"] != MAIN_DELIMITATION).any():
        return pd.DataFrame(columns=columns)
    items = reconcile_coders(codings, instrument, rule, delimitation=None)
    profiles = practice_profiles(element_scores(items, instrument, interviews, coverage_threshold), aggregation)
    main = profiles[profiles["delimitation_id"] == MAIN_DELIMITATION][["practice_id", "element_id", "score"]]
    alternative = profiles[profiles["delimitation_id"] != MAIN_DELIMITATION][["practice_id", "delimitation_id", "element_id", "score"]]
    out = alternative.merge(main, on=["practice_id", "element_id"], how="left", suffixes=("_alternative", "_main"))
    labels = {} if delimitations is None else dict(zip(delimitations["delimitation_id"], delimitations["label"]))
    out["label"] = [labels.get(d, "") for d in out["delimitation_id"]]
    out["difference"] = out["score_alternative"] - out["score_main"]
    out["moved"] = out["difference"].abs() > threshold
    out = out.assign(_o=out["element_id"].map(instrument.element_position)).sort_values(["practice_id", "delimitation_id", "_o"], kind="stable")
    return out[columns].reset_index(drop=True)


# --------------------------------------------------------------------------------------------- flags and verdicts


def practice_flags(
    practices: Iterable[str],
    styles: pd.DataFrame,
    stability: pd.DataFrame,
    delimitation: pd.DataFrame,
    top_n: int = 5,
    straightline_share: float = 0.9,
    ceiling_share: float = 0.8,
    screen_evidence: float = 0.5,
    delimitation_threshold: float = 0.15,
    language: str = "da",
) -> pd.DataFrame:
    """Every practice × check (:data:`CHECKS`): a flag and its reason in plain language.

    Parameters
    ----------
    practices : iterable of str
        The practices to report (every one gets a row per check, flagged or not).
    styles : DataFrame
        From :func:`response_styles`.
    stability : DataFrame
        From :func:`rank_stability`.
    delimitation : DataFrame
        From :func:`delimitation_sensitivity`.
    top_n : int
        A practice in the top ``top_n`` that leaves it when one of its own informants (or any coder) is
        left out is flagged.
    straightline_share, ceiling_share, screen_evidence, delimitation_threshold : float
        The thresholds used, quoted in the reasons.
    language : {'da', 'en'}
        Language of ``reason``.

    Returns
    -------
    DataFrame
        ``practice_id``, ``check``, ``flag`` (bool), ``reason`` (why it is flagged; "intet fund" / "no
        finding" otherwise, or why the check does not apply).

    Examples
    --------
    >>> styles = pd.DataFrame({"practice_id": ["P1"], "informant_id": ["P1-L"], "informant_role": ["leder"],
    ...     "n_answered": [30], "modal_code": [4.0], "modal_share": [1.0], "top_share": [1.0],
    ...     "straightliner": [True], "ceiling": [True], "screen_unsupported": [False], "evidence_score": [0.2]})
    >>> flags = practice_flags(["P1"], styles, pd.DataFrame(columns=list(STABILITY_COLUMNS)),
    ...                        pd.DataFrame(columns=["practice_id", "delimitation_id", "element_id", "difference", "moved"]), language="en")
    >>> flags[flags["flag"]]["check"].tolist()
    ['straightlining', 'ceiling']
    """
    check_language(language)
    rows: list[dict[str, object]] = []

    def add(practice: str, check: str, reasons: list[str], applicable: bool = True) -> None:
        if reasons:
            rows.append({"practice_id": practice, "check": check, "flag": True, "reason": " · ".join(reasons)})
        else:
            rows.append({"practice_id": practice, "check": check, "flag": False,
                         "reason": phrase(PHRASES, "no_finding" if applicable else "not_applicable", language)})

    def code_text(code: float) -> str:
        text = f"{code:g}"
        return text.replace(".", ",") if language == "da" else text

    # Each table is filtered to its flagged rows once and the reasons grouped by practice (one pass per
    # table, not one per practice: a national study has 6,000 practices).
    reasons: dict[str, dict[str, list[str]]] = {check: {} for check in CHECKS}

    def collect(check: str, frame: pd.DataFrame, texts: Iterable[str]) -> None:
        for practice, text in zip(frame["practice_id"], texts):
            reasons[check].setdefault(practice, []).append(text)

    flagged = styles[styles["straightliner"]]
    collect("straightlining", flagged, (
        phrase(PHRASES, "flag_straightlining", language, informant=r.informant_id, role=r.informant_role,
               code=code_text(r.modal_code), share=_pct(r.modal_share, language), n=r.n_answered,
               threshold=_pct(straightline_share, language))
        for r in flagged.itertuples()))
    flagged = styles[styles["ceiling"]]
    collect("ceiling", flagged, (
        phrase(PHRASES, "flag_ceiling", language, informant=r.informant_id, role=r.informant_role,
               share=_pct(r.top_share, language), n=r.n_answered, threshold=_pct(ceiling_share, language))
        for r in flagged.itertuples()))
    flagged = styles[styles["screen_unsupported"]]
    collect("screen_unsupported", flagged, (
        phrase(PHRASES, "flag_screen", language, informant=r.informant_id, role=r.informant_role,
               evidence=(_num(r.evidence_score, language) if not np.isnan(r.evidence_score)
                         else phrase(PHRASES, "insufficient", language)),
               threshold=_num(screen_evidence, language))
        for r in flagged.itertuples()))
    fell = (stability["rank_full"] <= top_n) & ~(stability["rank_reduced"] <= top_n)
    for scenario, check in (("informant", "informant_stability"), ("coder", "coder_stability")):
        own = fell & (stability["scenario"] == scenario)
        if scenario == "informant":  # its place rests on one of its own voices, not on another practice's
            own &= stability["left_out_practice"] == stability["practice_id"]
        flagged = stability[own]
        collect(check, flagged, (
            phrase(PHRASES, f"flag_{check}", language, rank_full=int(r.rank_full),
                   rank_reduced=(int(r.rank_reduced) if not pd.isna(r.rank_reduced) else "–"), left_out=r.left_out, top_n=top_n)
            for r in flagged.itertuples()))
    moved = delimitation[delimitation["moved"].astype(bool)]
    for (practice, delim), group in moved.groupby(["practice_id", "delimitation_id"], sort=True):
        elements = ", ".join(f"{r.element_id} {_signed(r.difference, language)}" for r in group.itertuples())
        reasons["delimitation"].setdefault(practice, []).append(
            phrase(PHRASES, "flag_delimitation", language, delimitation=delim, n=len(group),
                   threshold=_num(delimitation_threshold, language), elements=elements))
    delimited = set(delimitation["practice_id"])
    for practice in sorted(set(practices)):
        for check in CHECKS:
            add(practice, check, reasons[check].get(practice, []), applicable=check != "delimitation" or practice in delimited)
    return pd.DataFrame(rows, columns=["practice_id", "check", "flag", "reason"])


def _ids(values: Iterable[str], language: str) -> str:
    values = list(values)
    return f" ({', '.join(values)})" if values else ""


def verdict(check: str, language: str = "da", **tables: object) -> str:
    """The plain-language verdict of one check, in Danish or English.

    Parameters
    ----------
    check : {'icc', 'roles', 'styles', 'stability', 'delimitation', 'coders'}
        Which check.
    language : {'da', 'en'}
        The language.
    **tables
        What the check's verdict reads: ``icc`` (:func:`informant_icc`); ``roles``
        (:func:`role_effects`), ``excluded`` (list of ids), ``alpha_level``; ``styles``
        (:func:`response_styles`); ``summary`` (:func:`stability_summary`), ``flags``
        (:func:`practice_flags`), ``top_n``; ``delimitation`` (:func:`delimitation_sensitivity`),
        ``threshold``; ``agreement`` (:func:`lovende_research.agreement.coder_agreement`), ``low``.

    Returns
    -------
    str
        One paragraph a reader without statistics can act on.

    Examples
    --------
    >>> verdict("delimitation", "en", delimitation=pd.DataFrame(columns=["practice_id", "difference", "moved"]), threshold=0.15)[:40]
    'No practice was coded under more than on'
    """
    check_language(language)
    if check == "icc":
        icc = tables["icc"]
        overall = icc[icc["element_id"] == "overall"].iloc[0]
        elements = icc[icc["element_id"] != "overall"].sort_values("icc1")
        weakest = ", ".join(f"{r.element_id} {_num(r.icc1, language)}" for r in elements.head(3).itertuples())
        return phrase(PHRASES, "v_icc", language, band=phrase(PHRASES, f"band_{overall['band']}", language),
                      icc=_num(overall["icc1"], language), lo=_num(overall["icc1_ci_low"], language),
                      hi=_num(overall["icc1_ci_high"], language), k=_num(overall["k"], language, 0),
                      icck=_num(overall["icck"], language), weakest=weakest)
    if check == "roles":
        roles, excluded = tables["roles"], list(tables.get("excluded", []))  # type: ignore[call-overload]
        alpha = _num(float(tables.get("alpha_level", 0.05)), language)  # type: ignore[arg-type]
        excluded_text = (phrase(PHRASES, "excluded", language, n=len(excluded), ids=", ".join(excluded)) if excluded
                         else phrase(PHRASES, "excluded_none", language))
        if roles.empty or not bool(roles["converged"].all()):
            if roles.empty:
                warning = phrase(PHRASES, "role_no_roles", language)
            else:
                codes = roles["reason"] if "reason" in roles else pd.Series("fit_failed", index=roles.index)
                codes = [c if c in ROLE_REASONS else "fit_failed" for c in codes]
                warning = "; ".join(phrase(PHRASES, f"role_{c}", language, reference=roles["reference"].iloc[0])
                                    for c in dict.fromkeys(codes))
            return phrase(PHRASES, "v_role_failed", language, warning=warning)
        details = "; ".join(phrase(PHRASES, "role_detail", language, role=r.role, estimate=_signed(r.estimate, language),
                                   lo=_signed(r.ci_low, language), hi=_signed(r.ci_high, language),
                                   p=f"p < {_num(0.001, language, 3)}" if r.p_holm < 0.001 else f"p = {_num(r.p_holm, language, 3)}")
                            for r in roles.itertuples())
        if roles["significant"].any():
            direction = "higher" if roles.loc[roles["significant"], "estimate"].mean() < 0 else "lower"
            return phrase(PHRASES, "v_role_found", language, details=details, alpha=alpha, direction=phrase(PHRASES, direction, language),
                          excluded=excluded_text)
        return phrase(PHRASES, "v_role_none", language, details=details, alpha=alpha, excluded=excluded_text)
    if check == "styles":
        styles = tables["styles"]
        return phrase(PHRASES, "v_styles", language, n=len(styles),
                      n_straight=int(styles["straightliner"].sum()), straight_ids=_ids(styles.loc[styles["straightliner"], "informant_id"], language),
                      n_ceiling=int(styles["ceiling"].sum()), ceiling_ids=_ids(styles.loc[styles["ceiling"], "informant_id"], language),
                      n_screen=int(styles["screen_unsupported"].sum()),
                      screen_ids=_ids(styles.loc[styles["screen_unsupported"], "informant_id"], language))
    if check == "stability":
        summary, flags = tables["summary"], tables["flags"]
        inf, cod = summary[summary["scenario"] == "informant"], summary[summary["scenario"] == "coder"]
        flagged = flags[flags["check"].isin(["informant_stability", "coder_stability"]) & flags["flag"]]["practice_id"].drop_duplicates()
        tau_inf = float(inf["kendall_tau"].min()) if len(inf) else float("nan")
        quality = "stable" if (len(flagged) == 0 and (np.isnan(tau_inf) or tau_inf >= 0.8)) else "fragile"
        return phrase(PHRASES, "v_stability", language, quality=phrase(PHRASES, quality, language), tau_inf=_num(tau_inf, language),
                      shift_inf=(f"{inf['max_shift'].max():.0f}" if len(inf) else "–"),
                      tau_cod=(_num(cod["kendall_tau"].min(), language) if len(cod) else "–"),
                      shift_cod=(f"{cod['max_shift'].max():.0f}" if len(cod) else "–"),
                      n_flag=len(flagged), top_n=tables.get("top_n", 5), ids=_ids(flagged, language))
    if check == "delimitation":
        table = tables["delimitation"]
        if table.empty:
            return phrase(PHRASES, "v_delimitation_none", language)
        diff = table["difference"].astype(float)
        return phrase(PHRASES, "v_delimitation", language, n_practices=table["practice_id"].nunique(),
                      mean_diff=_signed(diff.mean(), language), max_diff=_num(diff.abs().max(), language),
                      n_moved=int(table["moved"].sum()), threshold=_num(float(tables.get("threshold", 0.15)), language))  # type: ignore[arg-type]
    if check == "coders":
        agreement, low = tables["agreement"], float(tables.get("low", 0.667))  # type: ignore[arg-type]
        overall = agreement[agreement["scope"] == "overall"].iloc[0]
        groups = agreement[agreement["scope"] == "group"]
        below = groups[groups["alpha"] < low]["element_id"].tolist() if "element_id" in groups else []
        low_text = _num(low, language, 3)
        quality = (phrase(PHRASES, "coders_ok", language, low=low_text) if overall["alpha"] >= low
                   else phrase(PHRASES, "coders_low", language, low=low_text,
                               elements=", ".join(below) or phrase(PHRASES, "none", language)))
        paradox = groups[groups["paradox"].astype(bool)]["element_id"].tolist() if "element_id" in groups else []
        return phrase(PHRASES, "v_coders", language, agree=_pct(overall["percent_agreement"], language),
                      alpha=_num(overall["alpha"], language), kappa=_num(overall["kappa"], language),
                      ac2=_num(overall["ac2"], language), quality=quality,
                      paradox=phrase(PHRASES, "coders_paradox", language, elements=", ".join(map(str, paradox))) if paradox else "")
    raise BiasError("check", check, "icc, roles, styles, stability, delimitation eller coders")


# --------------------------------------------------------------------------------------------- the stage's one call


@dataclass
class BiasTables:
    """Every table the subjectivity-bias stage writes, one data frame each."""

    element_scores: pd.DataFrame
    icc: pd.DataFrame
    role_effects: pd.DataFrame
    role_profiles: pd.DataFrame
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
    coverage_threshold: float = 0.5,
    alpha_level: float = 0.05,
    straightline_share: float = 0.9,
    ceiling_share: float = 0.8,
    min_items: int = 10,
    screen_evidence: float = 0.5,
    top_n: int = 5,
    delimitation_threshold: float = 0.15,
    language: str | None = None,
    stability_rows: str = "auto",
) -> BiasTables:
    """Every check of this module on a loaded study, main delimitation; the notebook's one call.

    Straight-liners found by :func:`response_styles` are set aside in :func:`informant_icc` and
    :func:`role_effects` (and reported there); the stability and delimitation checks score the study as
    the scoring stage does, straight-liners included. Coder agreement is computed in the notebook with
    :func:`lovende_research.agreement.coder_agreement`.

    ``stability_rows`` chooses the rows of ``stability`` (:func:`rank_stability`'s ``rows``): ``auto``
    keeps every row while informants × practices is at most :data:`STABILITY_ALL_MAX_ROWS` and the
    informant's own practice's row beyond; ``stability_summary`` always covers every practice in every
    scenario, so the verdicts, flags and figure are the same either way.
    """
    language = study.config.language if language is None else check_language(language)
    instrument = study.instrument
    items = reconcile_coders(study.codings, instrument, rule, MAIN_DELIMITATION)
    scores = element_scores(items, instrument, study.interviews, coverage_threshold)
    styles = response_styles(items, scores, study.codings, study.interviews, instrument, straightline_share, ceiling_share,
                             min_items, screen_evidence)
    excluded = sorted(styles.loc[styles["straightliner"], "informant_id"].unique())
    if stability_rows == "auto":
        n_rows = scores["informant_id"].nunique() * scores["practice_id"].nunique()
        stability_rows = "all" if n_rows <= STABILITY_ALL_MAX_ROWS else "own"
    stability, summary = _stability(study.codings, study.interviews, instrument, rule, aggregation, coverage_threshold,
                                    MAIN_DELIMITATION, top_n, stability_rows, scores)
    delimitation = delimitation_sensitivity(study.codings, study.interviews, instrument, study.delimitations, rule, aggregation,
                                            coverage_threshold, delimitation_threshold)
    flags = practice_flags(scores["practice_id"].dropna().unique(), styles, stability, delimitation, top_n, straightline_share,
                           ceiling_share, screen_evidence, delimitation_threshold, language)
    return BiasTables(
        element_scores=scores,
        icc=informant_icc(scores, excluded, confidence=1 - alpha_level),
        role_effects=role_effects(scores, excluded, alpha_level=alpha_level),
        role_profiles=role_profiles(scores, excluded),
        response_styles=styles,
        stability=stability,
        stability_summary=summary,
        delimitation=delimitation,
        flags=flags,
    )
