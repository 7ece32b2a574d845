"""``bias/verdicts.py``: each check's verdict written out in full, in Danish and English, from hand-made tables.

Fast tests for mutation testing of ``verdicts.py``: every expected paragraph is typed out here, so a
changed rule (which elements are weakest, which p is "< 0.001", when a ranking is "stable"), number
format or phrase shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lovende_research.bias import verdicts
from lovende_research.errors import LovendeError

ICC = pd.DataFrame(
    {
        "element_id": ["teori", "maal", "oekonomi", "refleksion", "overall"],
        "icc1": [0.6, 0.3, 0.45, 0.9, 0.55],
        "icc1_ci_low": [0.1, 0.0, 0.0, 0.7, 0.31],
        "icc1_ci_high": [0.8, 0.6, 0.7, 0.95, 0.72],
        "k": [2.6] * 5,
        "icck": [0.7] * 5,
        "band": ["moderate", "poor", "poor", "excellent", "moderate"],
    }
)


def test_icc_verdict_names_the_three_weakest_elements() -> None:
    assert verdicts.verdict("icc", "da", icc=ICC) == (
        "Informanterne i samme praksis er moderat enige: ICC(1) for en enkelt informant er 0,55 (0,31–0,72) over "
        "praksissernes samlede score, og gennemsnittet af deres 3 stemmer har ICC(1,k) 0,70. Elementer med lavest "
        "enighed: maal 0,30, oekonomi 0,45, teori 0,60."
    )
    assert verdicts.verdict("icc", "en", icc=ICC.assign(band="good")) == (
        "Informants of the same practice agree well: ICC(1) of a single informant is 0.55 (0.31–0.72) on the "
        "practices' overall score, and the mean of their 3 voices has ICC(1,k) 0.70. Elements with the lowest "
        "agreement: maal 0.30, oekonomi 0.45, teori 0.60."
    )


ROLES = pd.DataFrame(
    {
        "role": ["medarbejder", "samarbejdspartner"],
        "reference": ["leder", "leder"],
        "estimate": [-0.12, -0.03],
        "ci_low": [-0.18, -0.09],
        "ci_high": [-0.06, 0.03],
        "p_holm": [0.0004, 0.3],
        "significant": [True, False],
        "converged": [True, True],
        "reason": ["", ""],
        "boundary": ["", ""],
    }
)


def test_role_verdict_found_in_danish_with_excluded_informants() -> None:
    assert verdicts.verdict("roles", "da", roles=ROLES, excluded=["a", "b"]) == (
        "Rollerne vurderer de samme praksisser forskelligt: medarbejder -0,12 (-0,18 til -0,06, p < 0,001); "
        "samarbejdspartner -0,03 (-0,09 til +0,03, p = 0,300) (Holm-korrigeret, α = 0,05). Lederne, "
        "måleredskabets standard-informant, giver altså højere scorer end de andre; læs scorer fra ledere alene "
        "med det for øje. 2 straight-liner(e) er holdt ude af modellen: a, b."
    )


def test_role_verdict_direction_p_edge_alpha_and_boundary_in_english() -> None:
    """Pins down "lower" for positive offsets, ``p = 0.001`` at exactly 0.001 (only below it "p < 0.001"),
    the level quoted, and the boundary sentence naming each component at 0."""
    roles = ROLES.assign(estimate=[0.12, 0.03], ci_low=[0.06, -0.03], ci_high=[0.18, 0.09], p_holm=[0.001, 0.3]).assign(
        boundary="informant,practice_element"
    )
    assert verdicts.verdict("roles", "en", roles=roles, alpha_level=0.1) == (
        "The roles rate the same practices differently: staff member +0.12 (+0.06 to +0.18, p = 0.001); partner "
        "+0.03 (-0.03 to +0.09, p = 0.300) (Holm-corrected, α = 0.10). Leaders, the measuring tool's default "
        "informant, thus give lower scores than the others; read scores from leaders alone with that in mind. No "
        "straight-liners were set aside. The variance of the informant within the practice and practice × element "
        "is estimated at 0: informants with the same role in one practice differ no more than the noise in single "
        "answers explains; the practices' profiles differ no more than their overall level. That is a result, not "
        "a failure."
    )
    danish = verdicts.verdict("roles", "da", roles=roles.assign(boundary="practice"))
    assert danish.endswith(
        " Variansen for praksis er estimeret til 0: praksisserne adskiller sig ikke i niveau. Det er et "
        "resultat, ikke en fejl."
    )


def test_role_verdict_without_a_significant_role() -> None:
    roles = ROLES.assign(significant=False)
    assert verdicts.verdict("roles", "en", roles=roles) == (
        "No clear difference between roles: staff member -0.12 (-0.18 to -0.06, p < 0.001); partner -0.03 (-0.09 "
        "to +0.03, p = 0.300) (Holm-corrected, α = 0.05). That does not mean there is none, only that the data "
        "cannot show one. No straight-liners were set aside."
    )


@pytest.mark.parametrize(
    ("roles", "warning"),
    [
        (ROLES.iloc[:0], "no roles other than the reference role to compare with"),
        (ROLES.assign(converged=False, reason="no_reference"), "no informants with the role leder"),
        (
            ROLES.assign(converged=[True, False], reason=["fit_failed", "odd"]),
            "the optimiser did not converge; see the warning column of role_effects",
        ),
        (
            ROLES.assign(converged=False).drop(columns=["reason"]),
            "the optimiser did not converge; see the warning column of role_effects",
        ),
        (
            ROLES.assign(converged=False, reason=["no_reference", "fit_failed"]),
            "no informants with the role leder; the optimiser did not converge; see the warning column of role_effects",
        ),
    ],
    ids=["no-roles", "no-reference", "unknown-code", "no-reason-column", "both"],
)
def test_role_verdict_when_the_model_cannot_be_read(roles: pd.DataFrame, warning: str) -> None:
    assert verdicts.verdict("roles", "en", roles=roles) == (
        f"The role model could not be estimated reliably ({warning}); the numbers below are shown but must not be "
        "read as a finding."
    )


FAIR = pd.DataFrame(
    {
        "practice_id": ["P1", "P2", "P3"],
        "observed": [0.6, 0.35, 0.65],
        "fair": [0.58, 0.43, 0.53],
        "rank_observed": [2.0, 3.0, 1.0],
        "rank_fair": [1.0, 3.0, 2.0],
        "depends_on_roles": [True, False, True],
        "adjusted": [True, True, True],
    }
)


def test_fair_verdicts() -> None:
    assert verdicts.verdict("fair", "da", fair=FAIR, mix="leder", top_n=1) == (
        "Med samme rollesammensætning for alle praksisser (som om lederen alene var spurgt) ændrer 2 praksis(ser) "
        "deres plads i top 1 (P1, P3); den største forskel mellem observeret og rollejusteret samlet score er 0,12."
    )
    unchanged = FAIR.assign(rank_fair=FAIR["rank_observed"])
    assert verdicts.verdict("fair", "en", fair=unchanged) == (
        "With the same mix of roles for every practice (the roles' shares over the whole study) the ranking is "
        "unchanged; the largest difference between the observed and the role-adjusted overall score is 0.12. The "
        "practices were answered by (nearly) the same roles, so who was asked does not move the order."
    )
    none = "The role model could not be read, so the scores are not adjusted for roles."
    assert verdicts.verdict("fair", "en", fair=FAIR.assign(adjusted=[True, False, True])) == none
    assert verdicts.verdict("fair", "en", fair=FAIR.iloc[:0]) == none
    assert "(every role equally)" in verdicts.verdict("fair", "en", fair=FAIR, mix="equal")
    assert "top 5 (P1, P3)" in verdicts.verdict("fair", "en", fair=FAIR)


def test_styles_verdict_counts_and_names_and_lists_at_most_ten() -> None:
    styles = pd.DataFrame(
        {
            "informant_id": ["a", "b", "c", "d"],
            "straightliner": [True, False, True, False],
            "ceiling": [False, False, True, False],
            "screen_unsupported": [False, False, False, False],
        }
    )
    assert verdicts.verdict("styles", "da", styles=styles) == (
        "2 af 4 informanter svarede (næsten) ens på alle spørgsmål (a, c); 1 svarede mest i øverste kategori (c); "
        "0 sagde ja til et effektforsøg uden belæg i data."
    )
    ten = [f"I{k:02d}" for k in range(10)]
    assert verdicts._ids(ten, "en") == " (" + ", ".join(ten) + ")"
    assert verdicts._ids([*ten, "I10", "I11"], "en") == (
        " (" + ", ".join(ten) + " and 2 more; the full list is in the check's table and in tabeller/)"
    )
    assert verdicts._ids([], "da") == ""


SUMMARY = pd.DataFrame(
    {
        "scenario": ["informant", "informant", "coder", "coder"],
        "left_out": ["a", "b", "K1", "K2"],
        "kendall_tau": [0.8, 0.95, 0.9, 0.7],
        "max_shift": [2.0, 1.0, 3.0, 1.0],
    }
)
NO_FLAGS = pd.DataFrame({"practice_id": ["P1"], "check": ["informant_stability"], "flag": [False]})


def test_stability_verdict_stable_at_tau_0_8_and_fragile_below_or_with_a_flag() -> None:
    assert verdicts.verdict("stability", "da", summary=SUMMARY, flags=NO_FLAGS) == (
        "Rangeringen er stabil: uden én informant er Kendalls tau mellem fuld og reduceret rangering mindst 0,80 "
        "(største rangskift 2); uden én koder mindst 0,70 (største skift 3). 0 praksis(ser) har en plads i top 5, "
        "der hviler på én stemme."
    )
    below = SUMMARY.assign(kendall_tau=[0.79, 0.95, 0.9, 0.7])
    assert verdicts.verdict("stability", "en", summary=below, flags=NO_FLAGS).startswith("The ranking is fragile:")
    flagged = pd.DataFrame(
        {
            "practice_id": ["P1", "P1", "P2", "P3"],
            "check": ["informant_stability", "coder_stability", "coder_stability", "ceiling"],
            "flag": [True, True, True, True],
        }
    )
    assert verdicts.verdict("stability", "en", summary=SUMMARY, flags=flagged, top_n=3) == (
        "The ranking is fragile: without one informant, Kendall's tau between the full and reduced rankings is at "
        "least 0.80 (largest rank shift 2); without one coder at least 0.70 (largest shift 3). 2 practice(s) hold "
        "a top-3 place that rests on one voice (P1, P2)."
    )
    # no scenarios at all (no informant, one coder): dashes, and "stable"
    empty = verdicts.verdict("stability", "en", summary=SUMMARY.iloc[:0], flags=NO_FLAGS)
    assert empty.startswith("The ranking is stable: without one informant, Kendall's tau between the full and ")
    assert "at least – (largest rank shift –); without one coder at least – (largest shift –)" in empty


def test_delimitation_verdicts() -> None:
    table = pd.DataFrame(
        {"practice_id": ["P1", "P1", "P2"], "difference": [-0.2, 0.05, 0.3], "moved": [True, False, True]}
    )
    # mean difference (−0.2 + 0.05 + 0.3)/3 = +0.05, largest |difference| 0.30, 2 moved
    assert verdicts.verdict("delimitation", "da", delimitation=table, threshold=0.1) == (
        "2 praksis(ser) er kodet under mere end én afgrænsning. Afgrænsningen flytter scoren: gennemsnitlig "
        "forskel +0,05 på elementerne, størst 0,30; 2 element(er) flytter mere end 0,10. En praksis' score "
        "gælder kun for den afgrænsning, den er kodet under."
    )
    assert "move more than 0.15." in verdicts.verdict("delimitation", "en", delimitation=table)
    assert verdicts.verdict("delimitation", "da", delimitation=table.iloc[:0]) == (
        "Ingen praksis er kodet under mere end én afgrænsning, så afgrænsningens betydning kan ikke måles i dette "
        "studie."
    )


def _agreement(overall_alpha: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scope": ["overall", "group", "group", "group"],
            "element_id": [np.nan, "teori", "maal", "oekonomi"],
            "percent_agreement": [0.82, 0.9, 0.7, 0.8],
            "alpha": [overall_alpha, 0.8, 0.5, 0.667],
            "kappa": [0.7, 0.8, 0.5, 0.6],
            "ac2": [0.85, 0.9, 0.6, 0.7],
            "paradox": [False, False, True, False],
        }
    )


def test_coders_verdicts_at_and_below_the_limit() -> None:
    """Pins down ``alpha >= low`` for enough (at 0.667 itself), the elements strictly below it, the paradox."""
    assert verdicts.verdict("coders", "da", agreement=_agreement(0.667)) == (
        "Koderne er enige i 82 % af tilfældene; ordinal Krippendorffs alpha er 0,67, vægtet kappa 0,70 og Gwets "
        "AC2 0,85 over alle elementer. Det er tilstrækkeligt til konklusioner (alpha ≥ 0,667). Kappa-paradokset "
        "(koder hobet op i én yderkategori) gælder for: maal."
    )
    assert verdicts.verdict("coders", "en", agreement=_agreement(0.6), low=0.8) == (
        "The coders agree in 82% of cases; ordinal Krippendorff's alpha is 0.60, weighted kappa 0.70 and Gwet's AC2 "
        "0.85 over all elements. That is below Krippendorff's limit 0.800 for tentative conclusions; elements below "
        "it: maal, oekonomi. The kappa paradox (codes piled up in one end category) applies to: maal."
    )
    quiet = _agreement(0.6).assign(paradox=False, alpha=[0.6, 0.9, 0.9, 0.9])
    assert verdicts.verdict("coders", "en", agreement=quiet).endswith(
        "That is below Krippendorff's limit 0.667 for tentative conclusions; elements below it: none."
    )


def test_an_unknown_check_or_language_is_refused() -> None:
    with pytest.raises(LovendeError, match="check"):
        verdicts.verdict("ranking", "en")
    with pytest.raises(LovendeError, match="sprog"):
        verdicts.verdict("styles", "de", styles=pd.DataFrame())


def test_role_verdict_details_danish_by_default_and_in_english() -> None:
    """Danish without a language; the excluded informants' sentence follows the language; "lower" when
    the significant offsets average exactly 0; one role, a failed fit's reference read from its row; no
    boundary column, no boundary sentence; two components joined with "og" in Danish."""
    table = pd.DataFrame(columns=["practice_id", "difference", "moved"])
    assert verdicts.verdict("delimitation", delimitation=table).startswith("Ingen praksis er kodet")
    english = verdicts.verdict("roles", "en", roles=ROLES.assign(significant=False), excluded=["x"])
    assert english.endswith("cannot show one. 1 straight-liner(s) were set aside: x.")
    balanced = ROLES.assign(estimate=[0.1, -0.1], significant=True)
    assert "thus give lower scores than the others" in verdicts.verdict("roles", "en", roles=balanced)
    one = ROLES.iloc[[0]].assign(converged=False, reason="no_reference", reference="medarbejder")
    assert "(no informants with the role medarbejder)" in verdicts.verdict("roles", "en", roles=one)
    assert verdicts.verdict("roles", "en", roles=ROLES.drop(columns=["boundary"])).endswith(
        "No straight-liners were set aside."
    )
    single = ROLES.iloc[[0]].assign(boundary="informant,practice")
    assert " Variansen for informanten inden for praksis og praksis er estimeret til 0: " in verdicts.verdict(
        "roles", "da", roles=single
    )


ELEVEN = [f"I{k:02d}" for k in range(11)]
MORE = " (I00, I01, I02, I03, I04, I05, I06, I07, I08, I09 and 1 more; the full list is in the check's table and in tabeller/)"


def test_english_verdicts_in_full_with_more_than_ten_ids() -> None:
    """Every verdict that lists ids, in English with eleven (ten named, one counted), and the English
    sentences a Danish default would otherwise replace."""
    fair_table = pd.DataFrame(
        {
            "practice_id": ELEVEN,
            "observed": [0.5] * 11,
            "fair": [0.6] * 11,
            "rank_observed": [float(k) for k in range(11)],
            "rank_fair": [float(10 - k) for k in range(11)],
            "depends_on_roles": [True] * 11,
            "adjusted": [True] * 11,
        }
    )
    assert verdicts.verdict("fair", "en", fair=fair_table, top_n=3) == (
        "With the same mix of roles for every practice (the roles' shares over the whole study), 11 practice(s) "
        f"change their place in the top 3{MORE}; the largest difference between the observed and the "
        "role-adjusted overall score is 0.10."
    )
    styles = pd.DataFrame({"informant_id": ELEVEN, "straightliner": True, "ceiling": True, "screen_unsupported": True})
    assert verdicts.verdict("styles", "en", styles=styles) == (
        f"11 of 11 informants gave (nearly) the same answer to every item{MORE}; 11 answered mostly in the top "
        f"category{MORE}; 11 said yes to an effect trial without support in the data{MORE}."
    )
    flagged = pd.DataFrame({"practice_id": ELEVEN, "check": "informant_stability", "flag": True})
    text = verdicts.verdict("stability", "en", summary=SUMMARY, flags=flagged)
    assert text.endswith(f"11 practice(s) hold a top-5 place that rests on one voice{MORE}.")
    assert verdicts.verdict("delimitation", "en", delimitation=pd.DataFrame(columns=["practice_id"])) == (
        "No practice was coded under more than one delimitation, so the effect of delimitation cannot be measured "
        "in this study."
    )


def test_stability_counts_informant_and_coder_flags_alike() -> None:
    flagged = pd.DataFrame(
        {"practice_id": ["P1", "P2"], "check": ["informant_stability", "coder_stability"], "flag": [True, True]}
    )
    assert "2 practice(s) hold a top-5 place that rests on one voice (P1, P2)." in verdicts.verdict(
        "stability", "en", summary=SUMMARY, flags=flagged
    )


def test_coders_verdict_enough_in_english_two_paradoxes_and_no_groups() -> None:
    agreement = _agreement(0.7).assign(paradox=[False, True, True, False])
    assert verdicts.verdict("coders", "en", agreement=agreement).endswith(
        "That is enough to draw conclusions (alpha ≥ 0.667). The kappa paradox (codes piled up in one end "
        "category) applies to: teori, maal."
    )
    overall_only = _agreement(0.5).iloc[[0]].drop(columns=["element_id"])
    assert verdicts.verdict("coders", "en", agreement=overall_only).endswith(
        "That is below Krippendorff's limit 0.667 for tentative conclusions; elements below it: none."
    )


def test_an_unknown_check_is_named_with_the_checks_there_are() -> None:
    with pytest.raises(LovendeError) as caught:
        verdicts.verdict("ranking", "en")
    assert str(caught.value) == (
        "check: 'ranking' kan ikke bruges; forventet: icc, roles, fair, styles, stability, delimitation eller coders"
    )
