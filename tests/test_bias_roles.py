"""``bias/roles.py`` on small hand-made frames: the role model against statsmodels' own formula route.

Fast tests (a handful of practices, a fit in well under a second), so mutation testing of ``roles.py`` can
run them per mutant. Expected numbers come from statsmodels fitted here from the documented model
(``smf.mixedlm`` with ``vc_formula``), scipy for the Wald arithmetic and ``statsmodels.stats.multitest`` for
Holm, or from arithmetic by hand in a comment; never from ``roles.py`` itself.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from lovende_research.bias import roles
from lovende_research.errors import LovendeError

COLUMNS = ["practice_id", "informant_id", "informant_role", "element_id", "score"]
ELEMENTS = ("teori", "maal", "oekonomi")


def _scores(
    n_practices: int = 6, informant_sd: float = 0.05, seed: int = 0, staff_offset: float = -0.1
) -> pd.DataFrame:
    """Element scores of ``n_practices`` practices with a leader, two staff and a partner each, on three
    elements (a fixed seed, for the arithmetic only: every expected number is recomputed from the frame)."""
    rng = np.random.default_rng(seed)
    offsets = {"leder": 0.0, "medarbejder": staff_offset, "samarbejdspartner": 0.04}
    rows = []
    for p in range(n_practices):
        level = rng.normal(0.6, 0.08)
        for informant, role in (
            ("L", "leder"),
            ("M1", "medarbejder"),
            ("M2", "medarbejder"),
            ("S", "samarbejdspartner"),
        ):
            person = rng.normal(0, informant_sd) if informant_sd else 0.0
            for e, element in enumerate(ELEMENTS):
                score = level + 0.05 * e + offsets[role] + person + rng.normal(0, 0.05)
                rows.append((f"P{p}", f"P{p}-{informant}", role, element, score))
    return pd.DataFrame(rows, columns=COLUMNS)


def _statsmodels_fit(  # type: ignore[no-untyped-def]
    data: pd.DataFrame, informant_level: bool = True, practice_element: bool = True, method: str = "lbfgs"
):
    """The documented model through statsmodels' formula route, REML, by default L-BFGS (the first
    optimiser ``fit_role_model`` tries)."""
    import statsmodels.formula.api as smf

    vc = {"informant": "0 + C(informant_id)"} if informant_level else {}
    if practice_element:
        vc["practice_element"] = "0 + C(element_id)"
    model = smf.mixedlm(
        "score ~ C(informant_role, Treatment('leder')) + C(element_id)",
        data,
        groups="practice_id",
        re_formula="1",
        **({"vc_formula": vc} if vc else {}),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(reml=True, method=[method])


NAMES = [
    "C(informant_role, Treatment('leder'))[T.medarbejder]",
    "C(informant_role, Treatment('leder'))[T.samarbejdspartner]",
]


def test_holm_adjusted_equals_statsmodels_with_ties_caps_and_order_kept() -> None:
    """Pins down Holm's step-down (Holm 1979) against ``multipletests(method="holm")``: ties (a stable
    order), products above 1 capped, the monotone step, the input order kept."""
    cases = [
        np.array([0.04, 0.01, 0.03]),  # by hand: 3·0.01 = 0.03, max(0.03, 2·0.03) = 0.06, max(0.06, 0.04) = 0.06
        np.array([0.02, 0.02, 0.5, 0.02]),  # ties: 4·0.02 = 0.08 three times (each max with the last), 0.5
        np.array([0.7, 0.9, 0.45]),  # 3·0.45 = 1.35 → 1, then 1, 1
        np.array([0.3]),
        np.array([0.001, 0.2, 0.011, 0.04, 0.8]),
    ]
    assert roles.holm_adjusted(cases[0]) == pytest.approx([0.06, 0.03, 0.06], abs=1e-15)
    for p in cases:
        expected = multipletests(p, alpha=0.05, method="holm")[1]
        assert roles.holm_adjusted(p) == pytest.approx(expected, abs=1e-15)
    assert roles.holm_adjusted(np.array([])).shape == (0,)


def test_fit_equals_statsmodels_formula_route_with_counts_and_variances() -> None:
    """Pins down what ``fit_role_model`` reads from its fit: the role contrasts and their covariance, the
    variance components by name, the counts (observations, practices, informants, excluded) and the
    optimiser used, against statsmodels' formula route on the same rows (tolerance 1e-8: the same
    model, built another way)."""
    data = _scores(seed=1)
    data.loc[3, "score"] = np.nan  # an insufficient score leaves the model
    data["note"] = [np.nan] * 10 + ["x"] * (len(data) - 10)  # a missing value elsewhere does not
    excluded = ["P5-S", "nobody"]  # one informant set aside; an id not in the data is not counted
    kept = data[(data["informant_id"] != "P5-S")].dropna(subset=["score"]).reset_index(drop=True)
    expected = _statsmodels_fit(kept)
    fit = roles.fit_role_model(data, excluded)
    assert fit.converged and fit.reason == "" and fit.optimizer == "lbfgs" and fit.model == "mixed"
    assert fit.reference == "leder" and fit.roles == ["medarbejder", "samarbejdspartner"]
    np.testing.assert_allclose(fit.estimate, expected.fe_params[NAMES].to_numpy(), rtol=0, atol=1e-8)
    np.testing.assert_allclose(fit.cov, expected.cov_params().loc[NAMES, NAMES].to_numpy(), rtol=0, atol=1e-8)
    vcomp = dict(zip(expected.model.exog_vc.names, expected.vcomp, strict=True))
    assert fit.variances == pytest.approx(
        {
            "practice": float(np.asarray(expected.cov_re)[0, 0]),
            "practice_element": vcomp["practice_element"],
            "informant": vcomp["informant"],
            "residual": expected.scale,
        },
        abs=1e-8,
    )
    # 6 practices × 4 informants × 3 elements = 72 rows, less P5-S's 3 and the one NaN: 68; 23 informants.
    assert fit.counts == {"n_obs": 68, "n_practices": 6, "n_informants": 23, "n_excluded": 1}
    # scores held as Python objects (a column read from a mixed sheet) are read as numbers
    as_objects = roles.fit_role_model(data.assign(score=data["score"].astype(object)), excluded)
    np.testing.assert_allclose(as_objects.estimate, fit.estimate, rtol=0, atol=1e-12)
    assert fit.offset("leder") == 0.0
    assert fit.offset("samarbejdspartner") == pytest.approx(expected.fe_params[NAMES[1]], abs=1e-8)
    assert np.isnan(fit.offset("ukendt"))


@pytest.mark.parametrize(("informant_level", "practice_element"), [(False, True), (True, False), (False, False)])
def test_a_model_without_a_term_has_no_variance_for_it(informant_level: bool, practice_element: bool) -> None:
    """Pins down the flags: a term left out has a NaN variance, the label says ``practice_only`` without
    the informant level, and the contrasts are those of statsmodels' model without that term."""
    data = _scores(seed=2)
    expected = _statsmodels_fit(data, informant_level, practice_element)
    fit = roles.fit_role_model(data, informant_level=informant_level, practice_element=practice_element)
    np.testing.assert_allclose(fit.estimate, expected.fe_params[NAMES].to_numpy(), rtol=0, atol=1e-8)
    assert fit.model == ("mixed" if informant_level else "practice_only")
    assert np.isnan(fit.variances["informant"]) != informant_level
    assert np.isnan(fit.variances["practice_element"]) != practice_element
    assert fit.variances["residual"] == pytest.approx(expected.scale, abs=1e-8)


def test_a_component_estimated_at_zero_is_listed_as_boundary_and_the_fit_still_counts() -> None:
    """Pins down the boundary rule: a component at most 1e-6 of the total variance is listed in
    ``boundary`` (and the fit is used), the others are not. Informants here differ by nothing but noise,
    so statsmodels puts the informant variance at (nearly) 0; the expected list is read off its fit."""
    data = _scores(seed=9, informant_sd=0.0)
    fit = roles.fit_role_model(data)
    assert fit.converged
    expected = _statsmodels_fit(data, method=fit.optimizer)
    assert expected.converged
    vcomp = dict(zip(expected.model.exog_vc.names, expected.vcomp, strict=True))
    parts = {"practice": float(np.asarray(expected.cov_re)[0, 0]), **vcomp}
    total = sum(parts.values()) + expected.scale
    boundary = [c for c in ("practice", "practice_element", "informant") if parts[c] <= 1e-6 * total]
    assert "informant" in boundary, "the fixture must put the informant variance on the boundary"
    assert "practice" not in boundary
    assert fit.boundary == boundary
    table = roles.role_effects(data, fit=fit)
    assert (table["boundary"] == ",".join(boundary)).all()


def test_no_reference_role_or_no_other_role_gives_no_result() -> None:
    """Pins down the two ``no_reference`` cases (no leader; only leaders) and what such a fit holds: NaN
    contrasts and variances of the right shape, the counts, no rows for only leaders."""
    data = _scores(seed=4)
    fit = roles.fit_role_model(data[data["informant_role"] != "leder"])
    assert fit.reason == "no_reference" and not fit.converged
    assert fit.reference == "leder" and fit.model == "mixed" and fit.optimizer == "" and fit.boundary == []
    assert fit.roles == ["medarbejder", "samarbejdspartner"]
    no_leader = data[data["informant_role"] != "leder"]
    assert roles.fit_role_model(no_leader, informant_level=False).model == "practice_only"
    assert fit.estimate.shape == (2,) and np.isnan(fit.estimate).all()
    assert fit.cov.shape == (2, 2) and np.isnan(fit.cov).all()
    assert set(fit.variances) == {"practice", "practice_element", "informant", "residual"}
    assert all(np.isnan(v) for v in fit.variances.values())
    assert fit.counts == {"n_obs": 54, "n_practices": 6, "n_informants": 18, "n_excluded": 0}
    table = roles.role_effects(data[data["informant_role"] != "leder"])
    assert table["reason"].tolist() == ["no_reference"] * 2
    assert not table["significant"].any() and table["p_holm"].isna().all() and table["estimate"].isna().all()
    assert table["p_holm"].dtype == np.float64 and table["p_value"].dtype == np.float64
    only_leaders = roles.role_effects(data[data["informant_role"] == "leder"])
    assert only_leaders.empty and list(only_leaders.columns) == list(roles.ROLE_COLUMNS)
    assert roles.fit_role_model(data[data["informant_role"] == "leder"]).reason == "no_reference"
    other_reference = roles.fit_role_model(data, reference="medarbejder")
    assert other_reference.converged and other_reference.roles == ["leder", "samarbejdspartner"]


def test_a_fit_no_optimiser_can_read_fails_with_every_note() -> None:
    """Pins down the failure rule: identical scores leave no residual variance, no optimiser's result meets
    the rule, and the table says ``fit_failed`` with what each optimiser said, nothing significant."""
    data = _scores(n_practices=6, seed=5).assign(score=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak out
        fit = roles.fit_role_model(data)
        table = roles.role_effects(data, fit=fit)
    assert fit.reason == "fit_failed" and not fit.converged and fit.optimizer == ""
    assert {note.split(":")[0] for note in fit.notes} == {"lbfgs", "powell", "nm"}
    assert len(fit.notes) == len(set(fit.notes))
    assert table["reason"].tolist() == ["fit_failed"] * 2
    assert not table["converged"].any() and not table["significant"].any()
    assert table["warning"].iloc[0] == "; ".join(fit.notes)


def test_role_effects_reads_the_table_from_the_fit() -> None:
    """Pins down every column of the table from the fit: the Wald arithmetic (scipy: two-sided p, the
    interval at z₁₋α/₂), Holm over the roles (statsmodels), significance only for a readable fit, the
    counts and variance components copied, the optimiser, the warnings joined."""
    data = _scores(seed=7, staff_offset=-0.15)
    fit = roles.fit_role_model(data, ["P0-S"])
    table = roles.role_effects(data, ["P0-S"], alpha_level=0.1, fit=fit)
    assert list(table.columns) == list(roles.ROLE_COLUMNS)
    assert table["role"].tolist() == ["medarbejder", "samarbejdspartner"]
    assert table["estimate"].tolist() == fit.estimate.tolist()
    se = np.sqrt(np.diag(fit.cov))
    p = 2 * stats.norm.sf(np.abs(fit.estimate / se))
    z = stats.norm.ppf(0.95)  # 1.645 at α = 0.10
    # Independent computation from fit.estimate and fit.cov (scipy), tolerance 1e-12.
    assert table["p_value"].to_numpy() == pytest.approx(p, abs=1e-12)
    assert table["ci_low"].to_numpy() == pytest.approx(fit.estimate - z * se, abs=1e-12)
    assert table["ci_high"].to_numpy() == pytest.approx(fit.estimate + z * se, abs=1e-12)
    reject, adjusted, _, _ = multipletests(p, alpha=0.1, method="holm")
    assert table["p_holm"].to_numpy() == pytest.approx(adjusted, abs=1e-12)
    assert table["significant"].tolist() == reject.tolist() == [True, False]
    assert (table["reference"] == "leder").all() and (table["n_excluded"] == 1).all()
    assert (table["n_obs"] == 69).all() and (table["n_informants"] == 23).all() and (table["n_practices"] == 6).all()
    for c in ("practice", "practice_element", "informant", "residual"):
        assert (table[f"{c}_var"] == fit.variances[c]).all()
    assert fit.optimizer in ("lbfgs", "powell", "nm")
    assert (table["model"] == "mixed").all() and (table["optimizer"] == fit.optimizer).all()
    assert table["converged"].tolist() == [True, True] and (table["reason"] == "").all()
    # the same fit marked unreadable: the numbers stay, nothing is significant
    fit.reason = "fit_failed"
    fit.notes = ["lbfgs: a", "powell: b"]
    unreadable = roles.role_effects(data, alpha_level=0.1, fit=fit)
    assert not unreadable["significant"].any() and (unreadable["warning"] == "lbfgs: a; powell: b").all()
    assert unreadable["p_value"].to_numpy() == pytest.approx(p, abs=1e-12)


def test_significance_is_strict_at_alpha() -> None:
    """Pins down ``p_holm < alpha`` (not ≤): at α equal to a role's Holm p exactly it is not significant,
    just above it is."""
    data = _scores(seed=6, staff_offset=-0.15)
    fit = roles.fit_role_model(data)
    holm = roles.role_effects(data, fit=fit)["p_holm"].to_numpy()
    at = roles.role_effects(data, alpha_level=float(holm[1]), fit=fit)
    assert not at["significant"].iloc[1]
    above = roles.role_effects(data, alpha_level=float(np.nextafter(holm[1], 1)), fit=fit)
    assert above["significant"].iloc[1]


@pytest.mark.parametrize("alpha", [-0.1, 1.5, "0.05", True])
def test_alpha_level_must_be_a_share_between_0_and_1(alpha: object) -> None:
    data = _scores(n_practices=2, seed=7)
    with pytest.raises(LovendeError, match="^alpha_level: "):
        roles.role_effects(data, alpha_level=alpha, fit=roles.fit_role_model(data[data["informant_role"] == "x"]))  # type: ignore[arg-type]


def test_missing_columns_are_named() -> None:
    """Pins down ``bias.common._require``'s message: the table, its columns (sorted), the missing ones."""
    data = _scores(n_practices=2, seed=7).drop(columns=["informant_role", "element_id"])
    with pytest.raises(LovendeError) as caught:
        roles.fit_role_model(data)
    assert str(caught.value) == (
        "element_scores: ['informant_id', 'practice_id', 'score'] kan ikke bruges; forventet: en tabel med "
        "kolonnerne informant_role, element_id"
    )


def test_role_design_names_and_indicators_by_hand() -> None:
    """Pins down the fixed-effect design: an intercept, an indicator per role other than the reference and
    per element other than the first in sorted order, named as the formula route names them."""
    data = pd.DataFrame(
        {
            "informant_role": ["medarbejder", "leder", "samarbejdspartner", "leder"],
            "element_id": ["maal", "teori", "maal", "aabenhed"],
        },
        index=[0, 1, 2, 3],
    )
    design = roles._role_design(data, "leder")
    assert list(design.columns) == [
        "Intercept",
        "C(informant_role, Treatment('leder'))[T.medarbejder]",
        "C(informant_role, Treatment('leder'))[T.samarbejdspartner]",
        "C(element_id)[T.maal]",
        "C(element_id)[T.teori]",
    ]
    assert design.to_numpy().tolist() == [[1, 1, 0, 1, 0], [1, 0, 0, 0, 1], [1, 0, 1, 1, 0], [1, 0, 0, 0, 0]]


def test_role_model_groups_rows_by_sorted_practice_as_the_formula_route_does() -> None:
    """Pins down the variance-component matrices (one indicator column per informant and per element of
    each practice, practices in sorted order, rows in the data's order within one) and the parameter
    names, against statsmodels' formula route on rows whose practices are not in sorted order."""
    import statsmodels.formula.api as smf

    data = _scores(n_practices=3, seed=8).sample(frac=1.0, random_state=1).reset_index(drop=True)
    ours = roles._role_model(data, "leder")
    theirs = smf.mixedlm(
        "score ~ C(informant_role, Treatment('leder')) + C(element_id)",
        data,
        groups="practice_id",
        re_formula="1",
        vc_formula={"informant": "0 + C(informant_id)", "practice_element": "0 + C(element_id)"},
    )
    assert ours.exog_vc.names == theirs.exog_vc.names
    assert ours.exog_vc.colnames == theirs.exog_vc.colnames
    for mine, yours in zip(ours.exog_vc.mats, theirs.exog_vc.mats, strict=True):
        for a, b in zip(mine, yours, strict=True):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert list(ours.data.param_names) == list(theirs.data.param_names)
    assert list(ours.data.exog_re_names) == list(theirs.data.exog_re_names)
    assert list(ours.data.vcomp_names) == list(theirs.data.vcomp_names)
    assert ours.group_labels == theirs.group_labels
    np.testing.assert_array_equal(ours.endog, theirs.endog)


def test_role_profiles_by_hand() -> None:
    """Pins down each informant's mean over their sufficient element scores, the count, and ``excluded``."""
    es = pd.DataFrame(
        [
            ("P2", "b", "medarbejder", "teori", 0.2),
            ("P1", "a", "leder", "teori", 0.5),
            ("P1", "a", "leder", "maal", 1.0),
            ("P1", "a", "leder", "oekonomi", np.nan),
            ("P2", "b", "medarbejder", "maal", 0.6),
        ],
        columns=COLUMNS,
    )
    out = roles.role_profiles(es, ["b"])
    assert out["informant_id"].tolist() == ["a", "b"]
    # a: (0.5 + 1.0) / 2 over 2 scores; b: (0.2 + 0.6) / 2
    assert out["score"].tolist() == pytest.approx([0.75, 0.4], abs=1e-12)
    assert out["n_elements"].tolist() == [2, 2]
    assert out["excluded"].tolist() == [False, True]
    assert out["practice_id"].tolist() == ["P1", "P2"] and out["informant_role"].tolist() == ["leder", "medarbejder"]


def test_role_effects_fits_the_documented_model_by_default_and_passes_its_flags_on() -> None:
    """Pins down that ``role_effects`` without a fit fits the full model (both terms) by default, and
    passes ``informant_level`` and ``practice_element`` to the fit: each table equals the one read from
    ``fit_role_model`` with the same flags."""
    data = _scores(seed=2)
    for flags in ({}, {"informant_level": False}, {"practice_element": False}):
        table = roles.role_effects(data, ["P1-S"], **flags)  # type: ignore[arg-type]
        expected = roles.role_effects(data, ["P1-S"], fit=roles.fit_role_model(data, ["P1-S"], **flags))  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(table, expected)
        assert table["model"].iloc[0] == ("practice_only" if flags.get("informant_level") is False else "mixed")
        assert np.isnan(table["practice_element_var"].iloc[0]) == (flags.get("practice_element") is False)
        assert np.isnan(table["informant_var"].iloc[0]) == (flags.get("informant_level") is False)


def test_a_zero_standard_error_gives_no_p_value_and_no_warning() -> None:
    """A fit handed in with a zero variance (0/0 and b/0 in the Wald ratio) gives p-values without numpy's
    division warnings (warnings are errors in this suite): NaN for 0/0, 0 for 0.1/0 (z infinite); and,
    the fit being unreadable, no significant role."""
    fit = roles.RoleFit(
        "leder",
        ["medarbejder", "samarbejdspartner"],
        np.array([0.0, 0.1]),
        np.zeros((2, 2)),
        dict.fromkeys(("practice", "practice_element", "informant", "residual"), 0.0),
        [],
        "fit_failed",
        "",
        [],
    )
    table = roles.role_effects(_scores(n_practices=2), fit=fit)
    assert np.isnan(table["p_value"].iloc[0]) and table["p_value"].iloc[1] == 0.0
    assert np.isnan(table["p_holm"].iloc[0]) and table["p_holm"].iloc[1] == 0.0  # Holm over the finite p only
    assert not table["significant"].any()


def _fake_result(
    estimate: list[float],
    variance: list[float],
    components: tuple[float, float, float, float] = (0.01, 0.002, 0.003, 0.004),
    converged: bool = True,
) -> SimpleNamespace:
    """What ``fit_role_model`` reads of a statsmodels fit, written down: the contrasts, their covariance
    (diagonal), the practice, practice × element, informant and residual variances, and ``converged``."""
    practice, practice_element, informant, residual = components
    return SimpleNamespace(
        converged=converged,
        fe_params=pd.Series(estimate, index=NAMES),
        cov_params=lambda: pd.DataFrame(np.diag(variance), index=NAMES, columns=NAMES),
        model=SimpleNamespace(exog_vc=SimpleNamespace(names=["informant", "practice_element"])),
        vcomp=np.array([informant, practice_element]),
        cov_re=np.array([[practice]]),
        scale=residual,
    )


def _fit_with(monkeypatch: pytest.MonkeyPatch, outcomes: dict[str, object]) -> roles.RoleFit:
    """``fit_role_model`` with each optimiser's outcome (a result, or an exception to raise) given."""
    from statsmodels.regression.mixed_linear_model import MixedLM

    def fake_fit(self: object, reml: bool = True, method: list[str] | None = None) -> object:
        outcome = outcomes[(method or ["?"])[0]]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(MixedLM, "fit", fake_fit)
    return roles.fit_role_model(_scores(n_practices=2))


def test_the_readable_fit_rule_optimiser_by_optimiser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pins down the rule of ``fit_role_model`` on written-down fits: an optimiser that raises, one whose
    contrast is NaN, one with a zero, a negative or an infinite variance, one not converged are each
    passed over (with a note saying why, except for non-convergence, whose warnings speak for it) and the
    next one tried; the first readable one is used."""
    good = _fake_result([-0.1, 0.05], [0.0004, 0.0009])
    fit = _fit_with(
        monkeypatch,
        {
            "lbfgs": np.linalg.LinAlgError("singular matrix"),
            "powell": _fake_result([np.nan, 0.05], [0.0004, 0.0009]),
            "nm": good,
        },
    )
    assert fit.converged and fit.optimizer == "nm" and fit.estimate.tolist() == [-0.1, 0.05]
    assert fit.notes == [
        "lbfgs: LinAlgError: singular matrix",
        "powell: role contrasts or their standard errors not finite",
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a negative variance must not reach np.sqrt's warning
        fit = _fit_with(
            monkeypatch,
            {
                "lbfgs": _fake_result([-0.1, 0.05], [0.0, 0.0009]),
                "powell": _fake_result([-0.1, 0.05], [-0.0004, 0.0009]),
                "nm": _fake_result([-0.1, 0.05], [np.inf, 0.0009]),
            },
        )
    assert fit.reason == "fit_failed" and fit.optimizer == ""
    assert fit.notes == [f"{m}: role contrasts or their standard errors not finite" for m in ("lbfgs", "powell", "nm")]
    fit = _fit_with(
        monkeypatch,
        {"lbfgs": _fake_result([0.0, 0.0], [1.0, 1.0], converged=False), "powell": ValueError("bad"), "nm": good},
    )
    assert fit.optimizer == "nm" and fit.notes == ["powell: ValueError: bad"]
    np.testing.assert_array_equal(fit.cov, np.diag([0.0004, 0.0009]))
    assert fit.variances == {"practice": 0.01, "practice_element": 0.002, "informant": 0.003, "residual": 0.004}


def test_boundary_at_exactly_one_millionth_of_the_total_variance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pins down ``variance <= 1e-6 · total``: an informant variance of 9e-7 with a total of exactly 0.9
    (0.5 + 0.25 + 9e-7 + 0.1499991, summed in that order) is on the boundary; with a total of about 4 a
    variance of 1e-6 is too (1e-6 ≤ 4e-6) while 0.5 is not."""
    components = (0.5, 0.25, 9e-07, 0.14999910000000002)
    assert sum(components) == 0.9 and 9e-07 == 1e-6 * 0.9  # the equality the test is about
    result = _fake_result([-0.1, 0.05], [0.0004, 0.0009], components)
    assert _fit_with(monkeypatch, {"lbfgs": result}).boundary == ["informant"]
    result = _fake_result([-0.1, 0.05], [0.0004, 0.0009], (3.0, 0.5, 1e-6, 0.5 - 1e-6))
    assert _fit_with(monkeypatch, {"lbfgs": result}).boundary == ["informant"]
    result = _fake_result([-0.1, 0.05], [0.0004, 0.0009], (3.0, 0.5, 5e-6, 0.5))  # 5e-6 > 1e-6 · 4
    assert _fit_with(monkeypatch, {"lbfgs": result}).boundary == []
