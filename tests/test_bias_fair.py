"""``bias/fair.py`` on a hand-made study and a role fit written down by hand, every number worked in a comment.

No model is fitted: :class:`~lovende_research.bias.roles.RoleFit` is a plain record, so the fair scores, their
standard errors and ranks follow from the documented formulas (docstring of ``fair_profiles``) by arithmetic.
Fast tests for mutation testing of ``fair.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lovende_research.bias import fair
from lovende_research.bias.roles import RoleFit
from lovende_research.errors import LovendeError

#: The fit: staff 0.2 below leaders, Var(offset) 0.0004; informant and residual variances 0.002, 0.003.
BETA, VAR_BETA, VAR_INFORMANT, VAR_RESIDUAL = -0.2, 0.0004, 0.002, 0.003


def _fit(reason: str = "", informant: float = VAR_INFORMANT) -> RoleFit:
    return RoleFit(
        reference="leder",
        roles=["medarbejder"],
        estimate=np.array([BETA]),
        cov=np.array([[VAR_BETA]]),
        variances={"practice": 0.01, "practice_element": 0.001, "informant": informant, "residual": VAR_RESIDUAL},
        boundary=[],
        reason=reason,
        optimizer="lbfgs" if not reason else "",
        notes=[],
    )


def _scores(extra: list[tuple[str, str, str, str, float]] | None = None) -> pd.DataFrame:
    """P1: a leader and a staff member; P2: two staff, one without a score on maal; P3: a leader alone."""
    rows = [
        ("P1", "L1", "leder", "teori", 0.8),
        ("P1", "L1", "leder", "maal", 0.6),
        ("P1", "M1", "medarbejder", "teori", 0.6),
        ("P1", "M1", "medarbejder", "maal", 0.4),
        ("P2", "M2", "medarbejder", "teori", 0.5),
        ("P2", "M2", "medarbejder", "maal", 0.3),
        ("P2", "M3", "medarbejder", "teori", 0.3),
        ("P2", "M3", "medarbejder", "maal", np.nan),
        ("P3", "L3", "leder", "teori", 0.75),
        ("P3", "L3", "leder", "maal", 0.55),
        *(extra or []),
    ]
    es = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    return es.assign(
        interview_id=es["informant_id"], delimitation_id="main", coverage=1.0, sufficient=es["score"].notna()
    )


def test_declared_mixes_by_hand_and_an_unknown_mix_is_refused() -> None:
    """Pins down the three mixes: the study's informants counted once each (2 leaders, 3 staff: 0.4, 0.6;
    M3's NaN score still counts them as an informant), every role equally, the leader alone."""
    es = _scores([("P1", "L1", "leder", "oekonomi", 0.5)])  # L1 with three rows: still one informant
    assert fair.declared_mix(es, "study", ["leder", "medarbejder"]) == pytest.approx(
        {"leder": 0.4, "medarbejder": 0.6}, abs=1e-12
    )
    three = ["leder", "medarbejder", "samarbejdspartner"]
    assert fair.declared_mix(es, "study", three) == pytest.approx(
        {"leder": 0.4, "medarbejder": 0.6, "samarbejdspartner": 0.0}, abs=1e-12
    )
    assert fair.declared_mix(es, "equal", three) == pytest.approx(dict.fromkeys(three, 1 / 3), abs=1e-12)
    assert fair.declared_mix(es, "leder", three) == {"leder": 1.0, "medarbejder": 0.0, "samarbejdspartner": 0.0}
    with pytest.raises(LovendeError) as caught:
        fair.declared_mix(es, "leaders", three)
    assert str(caught.value) == "fair_mix: 'leaders' kan ikke bruges; forventet: study eller equal eller leder"


def test_an_unknown_mix_is_refused_even_when_the_fit_cannot_be_read() -> None:
    """A bug found by mutation testing: with an unreadable fit the mix was never looked at, so a misspelt
    ``fair_mix`` passed silently on one study and was refused on another."""
    with pytest.raises(LovendeError, match="^fair_mix: "):
        fair.fair_profiles(_scores(), _fit(reason="fit_failed"), mix="leaders")


def test_the_top_is_five_practices_by_default() -> None:
    """Six practices answered by a leader alone, indices 0.9 down to 0.4: by default the top is the first
    five, so the sixth is in neither top (with an unreadable fit the two rankings are the same)."""
    rows = [(f"Q{k}", f"Q{k}-L", "leder", element, 0.9 - 0.1 * k) for k in range(6) for element in ("teori", "maal")]
    es = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    es = es.assign(interview_id=es["informant_id"], delimitation_id="main", coverage=1.0, sufficient=True)
    _, overall = fair.fair_profiles(es, _fit(reason="fit_failed"))
    assert overall["top_observed"].tolist() == [True] * 5 + [False]
    assert overall["top_fair"].tolist() == [True] * 5 + [False]


def test_fair_cells_and_overall_at_the_study_mix_worked_by_hand() -> None:
    """Pins down fair = ȳ − mean offset + Σ w β, its variance (σ_b² + σ²)/n + d'Σd with d = w − role shares,
    the overall index's variance σ_b²/n̄ + σ²/(n̄E) + d̄'Σd̄, the normal interval, and both rankings."""
    cells, overall = fair.fair_profiles(_scores(), _fit(), mix="study", confidence=0.9, top_n=1)
    assert list(cells.columns) == list(fair.FAIR_COLUMNS) and list(overall.columns) == list(fair.FAIR_OVERALL_COLUMNS)
    cells = cells.set_index(["practice_id", "element_id"]).sort_index()
    # Σ w β = 0.6 · (−0.2) = −0.12. P1 teori: (0.8 + 0.6)/2 = 0.7, mean offset −0.1 → 0.7 + 0.1 − 0.12 = 0.68;
    # maal 0.5 → 0.48. P2 (staff only, offset −0.2): teori 0.4 + 0.2 − 0.12 = 0.48, maal (M2 alone) 0.38.
    # P3 (leader alone): 0.75 − 0.12 = 0.63, 0.55 − 0.12 = 0.43.
    expected_fair = {
        ("P1", "maal"): 0.48,
        ("P1", "teori"): 0.68,
        ("P2", "maal"): 0.38,
        ("P2", "teori"): 0.48,
        ("P3", "maal"): 0.43,
        ("P3", "teori"): 0.63,
    }
    # d = w_staff − share of staff: P1 0.6 − 0.5 = 0.1; P2 0.6 − 1 = −0.4; P3 0.6 − 0 = 0.6.
    # var = 0.005/n + d² · 0.0004: P1 0.0025 + 0.000004; P2 teori 0.0025 + 0.000064, maal (n 1) 0.005 + 0.000064;
    # P3 (n 1) 0.005 + 0.000144.
    expected_var = {
        ("P1", "maal"): 0.002504,
        ("P1", "teori"): 0.002504,
        ("P2", "maal"): 0.005064,
        ("P2", "teori"): 0.002564,
        ("P3", "maal"): 0.005144,
        ("P3", "teori"): 0.005144,
    }
    keys = sorted(expected_fair)
    assert cells.loc[keys, "fair"].to_numpy() == pytest.approx([expected_fair[k] for k in keys], abs=1e-12)
    assert cells.loc[keys, "se"].to_numpy() == pytest.approx([np.sqrt(expected_var[k]) for k in keys], abs=1e-12)
    z = stats.norm.ppf(0.95)  # a 90 % interval
    assert (cells["ci_low"] + z * cells["se"]).to_numpy() == pytest.approx(cells["fair"].to_numpy(), abs=1e-12)
    assert (cells["ci_high"] - z * cells["se"]).to_numpy() == pytest.approx(cells["fair"].to_numpy(), abs=1e-12)
    assert cells.loc[keys, "observed"].to_numpy() == pytest.approx([0.5, 0.7, 0.3, 0.4, 0.55, 0.75], abs=1e-12)
    assert cells.loc[keys, "n_scored"].tolist() == [2, 2, 1, 2, 1, 1]

    overall = overall.set_index("practice_id")
    # fair overall: P1 (0.68 + 0.48)/2 = 0.58, P2 (0.48 + 0.38)/2 = 0.43, P3 (0.63 + 0.43)/2 = 0.53;
    # observed: 0.6, 0.35, 0.65.
    assert overall["fair"].to_numpy() == pytest.approx([0.58, 0.43, 0.53], abs=1e-12)
    assert overall["observed"].to_numpy() == pytest.approx([0.6, 0.35, 0.65], abs=1e-12)
    # n̄: P1 2, P2 1.5, P3 1; E = 2; d̄: 0.1, −0.4, 0.6.
    var = [
        0.002 / 2 + 0.003 / 4 + 0.01 * 0.0004,
        0.002 / 1.5 + 0.003 / 3 + 0.16 * 0.0004,
        0.002 / 1 + 0.003 / 2 + 0.36 * 0.0004,
    ]
    assert overall["se"].to_numpy() == pytest.approx(np.sqrt(var), abs=1e-12)
    assert overall["ci_low"].to_numpy() == pytest.approx(overall["fair"] - z * np.sqrt(var), abs=1e-12)
    assert overall["ci_high"].to_numpy() == pytest.approx(overall["fair"] + z * np.sqrt(var), abs=1e-12)
    # observed ranks P3, P1, P2; fair P1, P3, P2: the top 1 changes hands
    assert overall["rank_observed"].tolist() == [2, 3, 1] and overall["rank_fair"].tolist() == [1, 3, 2]
    assert overall["top_observed"].tolist() == [False, False, True]
    assert overall["top_fair"].tolist() == [True, False, False]
    assert overall["depends_on_roles"].tolist() == [True, False, True]
    assert overall["adjusted"].tolist() == [True, True, True] and cells["adjusted"].tolist() == [True] * 6
    # top 2: P1 and P3 on both rankings, nothing depends on the roles
    _, top2 = fair.fair_profiles(_scores(), _fit(), top_n=2)
    assert top2["top_observed"].tolist() == [True, False, True] and not top2["depends_on_roles"].any()


def test_leader_and_equal_mixes_shift_every_cell_by_their_own_offset_sum() -> None:
    """Pins down Σ w β per mix: ``leder`` 0 (fair = the leader-equivalent score), ``equal`` −0.1."""
    study_cells, _ = fair.fair_profiles(_scores(), _fit(), mix="study")
    for mix, shift in (("leder", 0.12), ("equal", 0.02)):  # against the study mix's −0.12
        cells, _ = fair.fair_profiles(_scores(), _fit(), mix=mix)
        assert (cells["fair"] - study_cells["fair"]).to_numpy() == pytest.approx([shift] * 6, abs=1e-12)


def test_excluded_informants_and_roles_without_an_offset_leave_the_fair_scores() -> None:
    """Pins down who enters: an excluded informant leaves both the fair and the observed score; an
    informant of a role the model has no offset for leaves the fair score only, and a practice answered by
    such informants alone keeps its observed score with no fair score (``n_scored`` 0)."""
    extra = [("P4", "S4", "samarbejdspartner", "teori", 0.9), ("P4", "S4", "samarbejdspartner", "maal", 0.7)]
    cells, overall = fair.fair_profiles(_scores(extra), _fit(), exclude_informants=["M1"], min_element_share=0.5)
    cells = cells.set_index(["practice_id", "element_id"])
    # P1 without M1: the leader alone, 0.8 observed; fair 0.8 − 0.12 (the study mix is over the model's
    # roles and counts every informant of the table, M1 included: 2 leaders, 3 staff; S4's role is not
    # one of the model's)
    assert cells.loc[("P1", "teori"), "observed"] == pytest.approx(0.8, abs=1e-12)
    assert cells.loc[("P1", "teori"), "fair"] == pytest.approx(0.68, abs=1e-12)
    assert cells.loc[("P1", "teori"), "n_scored"] == 1
    assert cells.loc[("P4", "teori"), "observed"] == pytest.approx(0.9, abs=1e-12)
    assert pd.isna(cells.loc[("P4", "teori"), "fair"]) and cells.loc[("P4", "teori"), "n_scored"] == 0
    # P4's cells have no informant the model can adjust, but the table was adjusted: True, as a bool column
    assert cells["adjusted"].tolist() == [True] * len(cells) and cells["adjusted"].dtype == bool
    assert cells["n_scored"].dtype == np.int64
    overall = overall.set_index("practice_id")
    assert overall.loc["P4", "observed"] == pytest.approx(0.8, abs=1e-12) and pd.isna(overall.loc["P4", "fair"])
    assert pd.isna(overall.loc["P4", "rank_fair"]) and not overall.loc["P4", "top_fair"]


def test_an_unreadable_fit_leaves_the_observed_scores_without_interval() -> None:
    """Pins down the fallback: with a fit that cannot be read the fair score is the observed mean, no
    standard error, ``adjusted`` False, and the two rankings agree."""
    no_roles = RoleFit("leder", [], np.array([]), np.zeros((0, 0)), {}, [], "no_reference", "", [])
    # a fit without a role to compare is not read even when it carries no reason
    no_contrast = RoleFit("leder", [], np.array([]), np.zeros((0, 0)), {}, [], "", "lbfgs", [])
    staff_only = _scores()[lambda es: es["informant_role"] == "medarbejder"]  # no informant of the model's roles
    cases = [(_fit(reason="fit_failed"), _scores()), (no_roles, _scores()), (no_roles, staff_only)]
    for fit, es in [*cases, (no_contrast, _scores())]:
        cells, overall = fair.fair_profiles(es, fit)
        assert cells["fair"].to_numpy() == pytest.approx(cells["observed"].to_numpy(), abs=1e-12)
        assert cells["se"].isna().all() and cells["ci_low"].isna().all() and not cells["adjusted"].any()
        assert overall["se"].isna().all() and overall["adjusted"].tolist() == [False] * len(overall)
        assert overall["se"].dtype == np.float64 and cells["se"].dtype == np.float64
        assert overall["rank_fair"].tolist() == overall["rank_observed"].tolist()
        assert not overall["depends_on_roles"].any()


def test_a_model_without_the_informant_term_puts_all_within_variance_in_the_residual() -> None:
    """Pins down the NaN informant variance read as 0: P3 teori's variance is then 0.003/1 + 0.36 · 0.0004."""
    cells, overall = fair.fair_profiles(_scores(), _fit(informant=np.nan))
    cells = cells.set_index(["practice_id", "element_id"])
    assert cells.loc[("P3", "teori"), "se"] == pytest.approx(np.sqrt(0.003 + 0.000144), abs=1e-12)
    # overall P3: 0 + 0.003/(1 · 2) + 0.000144
    assert overall.set_index("practice_id").loc["P3", "se"] == pytest.approx(np.sqrt(0.0015 + 0.000144), abs=1e-12)


def test_ties_share_the_best_rank() -> None:
    """Pins down ``method="min"`` on both rankings: two practices with the same index share rank 1 and both
    are in the top 1 (an unreadable fit makes the fair index the observed one, ties included)."""
    es = _scores()
    es.loc[es["practice_id"] == "P3", "score"] = [0.7, 0.5]  # observed 0.6, as P1's
    for fit in (_fit(), _fit(reason="fit_failed")):
        _, overall = fair.fair_profiles(es, fit, top_n=1)
        overall = overall.set_index("practice_id")
        assert overall.loc[["P1", "P3"], "rank_observed"].tolist() == [1, 1]
        assert overall.loc[["P1", "P3"], "top_observed"].tolist() == [True, True]
    assert overall.loc[["P1", "P2", "P3"], "rank_fair"].tolist() == [1, 3, 1]


def test_a_role_with_no_informant_left_and_the_element_share() -> None:
    """Every staff member set aside: the model's role has no informant left, its share is 0 (not missing),
    so d = w − 0 and P1 teori (the leader alone) has variance 0.005 + d² · 0.0004. A practice
    with a fair score on one of its two elements (P5: a leader on teori, a partner on maal) has a fair
    overall index at ``min_element_share`` 0.5 and none at 0.6."""
    cells, _ = fair.fair_profiles(_scores(), _fit(), exclude_informants=["M1", "M2", "M3"])
    cells = cells.set_index(["practice_id", "element_id"])
    # the study mix counts the set-aside staff: 2 leaders, 3 staff → w_staff = d = 0.6 (a share of 1 for
    # the missing role would give d = −0.4), Σwβ = −0.12
    assert cells.loc[("P1", "teori"), "se"] == pytest.approx(np.sqrt(0.005 + 0.36 * 0.0004), abs=1e-12)
    assert cells.loc[("P1", "teori"), "fair"] == pytest.approx(0.8 - 0.12, abs=1e-12)
    extra = [("P5", "L5", "leder", "teori", 0.9), ("P5", "S5", "samarbejdspartner", "maal", 0.2)]
    _, at = fair.fair_profiles(_scores(extra), _fit(), min_element_share=0.5)
    _, above = fair.fair_profiles(_scores(extra), _fit(), min_element_share=0.6)
    # P5: teori 0.9 − 0.1 = 0.8; maal has no fair score (S5's role has no offset); 1 of 2 elements
    assert at.set_index("practice_id").loc["P5", "fair"] == pytest.approx(0.8, abs=1e-12)
    assert pd.isna(above.set_index("practice_id").loc["P5", "fair"])


@pytest.mark.parametrize("confidence", [-0.1, 1.2, "0.9"])
def test_confidence_must_be_a_share(confidence: object) -> None:
    with pytest.raises(LovendeError, match="^confidence: "):
        fair.fair_profiles(_scores(), _fit(), confidence=confidence)  # type: ignore[arg-type]
