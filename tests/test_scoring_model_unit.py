"""Fast tests of ``scoring/model.py`` on small hand-made designs (for mutation testing).

The variance components are checked against dense least squares (numpy's ``lstsq`` and ``matrix_rank``
on dummy matrices: the residual of cells + informants, the reduction by informants after cells and
roles, :math:`k = \\mathrm{tr}(Z^\\top M Z)`), which is a different computation from the module's
alternating projections; the balanced case also against the textbook two-way ANOVA sums of squares.
The draws are checked against the documented draw process written out again with numpy (same seed,
same order of the generator's calls) and against their distribution.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lovende_research.scoring import ScoreModel, ScoringError, fit_score_model, model_draws, two_way_components
from lovende_research.scoring.model import _group_mean, check_model_aggregation


def _es(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    """Element scores from (practice, informant, role, element, score) rows, one interview per informant."""
    frame = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    return frame.assign(
        interview_id=frame["informant_id"],
        delimitation_id="main",
        coverage=1.0,
        sufficient=frame["score"].notna(),
    )


def _dummies(codes: np.ndarray) -> np.ndarray:
    return np.eye(int(codes.max()) + 1)[codes]


def _residual(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return y - x @ np.linalg.lstsq(x, y, rcond=None)[0]


def _dense_components(y, cell, group, role):
    """Method III by dense least squares, independent of the module's projections."""
    xc, xg, xr = _dummies(cell), _dummies(group), _dummies(role)
    x_cr = np.hstack([xc, xr])
    x_full = np.hstack([xc, xr, xg])
    e = _residual(x_full, y)
    ss_e = float(e @ e)
    df_e = len(y) - np.linalg.matrix_rank(x_full)
    r_cr = _residual(x_cr, y)
    ss_u = float(r_cr @ r_cr) - ss_e
    df_u = np.linalg.matrix_rank(x_full) - np.linalg.matrix_rank(x_cr)
    m = np.eye(len(y)) - x_cr @ np.linalg.pinv(x_cr)
    k = float(np.trace(xg.T @ m @ xg))
    var_e = ss_e / df_e if df_e else 0.0
    return {
        "ss_e": ss_e,
        "df_e": df_e,
        "ss_u": ss_u,
        "df_u": df_u,
        "k": k,
        "var_e": var_e,
        "var_u": max((ss_u - df_u * var_e) / k, 0.0),
        "ms_u": ss_u / df_u,
    }


def test_group_mean_of_vectors_and_columns() -> None:
    # By hand: codes 0,0,1 → means (1+3)/2 = 2 and 5; an unused code 2 divides by max(0, 1).
    codes = np.array([0, 0, 1])
    assert np.allclose(_group_mean(np.array([1.0, 3.0, 5.0]), codes, 3), [2.0, 2.0, 5.0], atol=1e-12)
    columns = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
    assert np.allclose(_group_mean(columns, codes, 3), [[2.0, 20.0], [2.0, 20.0], [5.0, 50.0]], atol=1e-12)


def test_balanced_components_are_the_two_way_anova_of_each_practice() -> None:
    # 3 practices × 3 informants × 4 elements, no roles. Within a practice the textbook two-way ANOVA
    # without replication: SS_u = e Σ_i (ȳ_i. − ȳ..)², SS_E = Σ (y − ȳ_i. − ȳ_.e + ȳ..)², pooled.
    rng = np.random.default_rng(7)
    y = rng.normal(0.5, 0.1, size=(3, 3, 4)) + rng.normal(0, 0.1, size=(3, 3, 1))
    informant_mean = y.mean(axis=2, keepdims=True)
    element_mean = y.mean(axis=1, keepdims=True)
    grand = y.mean(axis=(1, 2), keepdims=True)
    ss_u = float(4 * ((informant_mean - grand) ** 2).sum())
    ss_e = float(((y - informant_mean - element_mean + grand) ** 2).sum())
    df_u, df_e = 3 * (3 - 1), 3 * (3 - 1) * (4 - 1)
    cell = np.array([p * 4 + e for p in range(3) for _ in range(3) for e in range(4)])
    group = np.array([p * 3 + i for p in range(3) for i in range(3) for _ in range(4)])
    model = two_way_components(y.reshape(-1), cell, group)
    assert model.residual_df == df_e == 18 and model.informant_df == df_u == 6
    assert model.residual_var == pytest.approx(ss_e / df_e, rel=1e-9)
    assert model.informant_ms == pytest.approx(ss_u / df_u, rel=1e-9)
    # k = e · df_u for a balanced design (E[MS_u] = σ²_ε + e σ²_u).
    assert model.informant_k == pytest.approx(4 * 6, rel=1e-9)
    assert model.informant_var == pytest.approx(max((ss_u / df_u - ss_e / df_e) / 4, 0.0), rel=1e-9)
    assert model.role_effects == {}


def _unbalanced() -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two practices; informants with one to three elements; a leader offset; a missing score."""
    rng = np.random.default_rng(11)
    layout = {
        "P1": [("a", "leder", "xyz"), ("b", "medarbejder", "xy"), ("c", "medarbejder", "yz")],
        "P2": [("d", "leder", "xy"), ("e", "medarbejder", "xyz"), ("f", "medarbejder", "x"), ("g", "leder", "z")],
    }
    rows = []
    for practice, informants in layout.items():
        for informant, role, elements in informants:
            offset = rng.normal(0, 0.1)
            for element in elements:
                base = 0.4 + 0.2 * (role == "leder") + 0.05 * "xyz".index(element)
                rows.append((practice, informant, role, element, base + offset + rng.normal(0, 0.05)))
    rows.append(("P2", "e", "medarbejder", "w", np.nan))  # not scored: left out of the fit
    es = _es(rows)
    used = es.dropna(subset=["score"]).reset_index(drop=True)
    cell = pd.factorize(used["practice_id"] + "/" + used["element_id"])[0]
    group = pd.factorize(used["informant_id"])[0]
    role = pd.factorize(used["informant_role"], sort=True)[0]
    return es, used["score"].to_numpy(), cell, group, role


def test_unbalanced_components_match_dense_least_squares() -> None:
    es, y, cell, group, role = _unbalanced()
    want = _dense_components(y, cell, group, role)
    model = fit_score_model(es)
    assert model.residual_df == want["df_e"]
    assert model.informant_df == want["df_u"]
    assert model.residual_var == pytest.approx(want["var_e"], rel=1e-7)
    assert model.informant_ms == pytest.approx(want["ms_u"], rel=1e-7)
    assert model.informant_k == pytest.approx(want["k"], rel=1e-7)
    assert model.informant_var == pytest.approx(want["var_u"], rel=1e-6)
    assert model.informant_var > 0


def test_role_effects_are_the_within_cell_contrast_centred_on_the_informants() -> None:
    es, y, cell, group, role = _unbalanced()
    # Dense OLS of y on cells + roles; the leader − staff contrast, then centred on the observation-weighted
    # mean (roles sorted: leder = 0, medarbejder = 1).
    coef = np.linalg.lstsq(np.hstack([_dummies(cell), _dummies(role)[:, 1:]]), y, rcond=None)[0]
    staff_minus_leader = coef[-1]
    counts = np.bincount(role)
    leader = -staff_minus_leader * counts[1] / counts.sum()
    staff = staff_minus_leader * counts[0] / counts.sum()
    effects = fit_score_model(es).role_effects
    assert set(effects) == {"leder", "medarbejder"}
    assert effects["leder"] == pytest.approx(leader, abs=1e-9)
    assert effects["medarbejder"] == pytest.approx(staff, abs=1e-9)
    assert effects["leder"] > 0.1  # the planted offset of 0.2, roughly


def test_a_role_that_never_varies_within_a_cell_gets_zero() -> None:
    # P1 has only leaders, P2 only staff: no cell holds both roles, so the contrast is the practices'.
    y = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.3, 0.1, 0.4])
    cell = np.array([0, 1, 0, 1, 2, 3, 2, 3])
    group = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    role = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    model = two_way_components(y, cell, group, role, ["leder", "medarbejder"])
    assert model.role_effects == {"leder": 0.0, "medarbejder": 0.0}
    # The roles take no degree of freedom from the informants: df_u = I − K = 4 − 2 (one component per practice).
    assert model.informant_df == 2
    assert model.residual_df == 8 - 4 - 4 + 2


def test_empty_data_give_nan_components_and_zero_roles() -> None:
    empty = np.zeros(0)
    model = two_way_components(empty, empty.astype(int), empty.astype(int), None, ["leder"])
    assert math.isnan(model.informant_var) and math.isnan(model.residual_var)
    assert math.isnan(model.informant_ms) and math.isnan(model.informant_k)
    assert (model.informant_df, model.residual_df, model.role_effects) == (0, 0, {"leder": 0.0})


def test_one_element_per_informant_puts_the_whole_spread_on_the_informants() -> None:
    # Practice P1: informants 0.2, 0.4, 0.9 on one element; P2: 0.5, 0.7. df_E = 5 − 2 − 5 + 2 = 0, so
    # σ²_ε = 0 and σ²_u = SS_u / k with SS_u = Σ (y − cell mean)² (by hand: 0.26 + 0.02 = 0.28).
    y = np.array([0.2, 0.4, 0.9, 0.5, 0.7])
    cell = np.array([0, 0, 0, 1, 1])
    group = np.arange(5)
    model = two_way_components(y, cell, group)
    ss = ((y[:3] - y[:3].mean()) ** 2).sum() + ((y[3:] - y[3:].mean()) ** 2).sum()
    # k = Σ (1 − 1/n_cell) = 3·(2/3) + 2·(1/2) = 3 = df_u: σ²_u is the pooled within-cell variance.
    assert (model.residual_df, model.informant_df) == (0, 3)
    assert model.residual_var == 0.0
    assert model.informant_k == pytest.approx(3.0, abs=1e-12)
    assert ss == pytest.approx(0.28, abs=1e-12)
    assert model.informant_var == pytest.approx(0.28 / 3, rel=1e-9)


def test_one_informant_per_practice_has_no_informant_component() -> None:
    # Each practice one informant on two elements: df_u = I − K = 0, so σ²_u is NaN and MS_u too.
    y = np.array([0.2, 0.4, 0.6, 0.9])
    model = two_way_components(y, np.array([0, 1, 2, 3]), np.array([0, 0, 1, 1]))
    assert model.informant_df == 0 and model.residual_df == 0
    assert math.isnan(model.informant_var) and math.isnan(model.informant_ms) and math.isnan(model.residual_var)


def test_informant_variance_is_clipped_at_zero() -> None:
    # Informants identical up to a perfectly balanced interaction: informant means all equal, so SS_u = 0
    # and (0 − df_u σ²_ε)/k < 0 → 0.
    y = np.array([0.2, 0.8, 0.8, 0.2])
    model = two_way_components(y, np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1]))
    # By hand: cells (x: 0.2, 0.8), (y: 0.8, 0.2); residual of the additive fit ±0.3 → SS_E = 4·0.09, df_E = 1.
    assert model.residual_var == pytest.approx(0.36, abs=1e-12)
    assert model.informant_df == 1 and model.informant_ms == pytest.approx(0.0, abs=1e-12)
    assert model.informant_var == 0.0


def test_the_model_table_lists_variances_then_sorted_roles() -> None:
    model = ScoreModel(0.01, 0.02, 3, 7, 0.05, 4.0, {"medarbejder": -0.1, "leder": 0.2})
    table = model.table()
    assert table["term"].tolist() == ["informant", "residual", "leder", "medarbejder"]
    assert table["kind"].tolist() == ["variance", "variance", "role", "role"]
    assert table["estimate"].tolist() == [0.01, 0.02, 0.2, -0.1]
    assert str(table["df"].dtype) == "Int64"
    assert table["df"].iloc[:2].tolist() == [3, 7] and table["df"].iloc[2:].isna().all()


def _three_practices() -> pd.DataFrame:
    rows = []
    scores = {"P1": [0.2, 0.5, 0.6], "P2": [0.7, 0.8], "P3": [0.3, 0.9, 0.4]}
    for practice, values in scores.items():
        for i, value in enumerate(values):
            role = "leder" if i == 0 else "medarbejder"
            rows.append((practice, f"{practice}-{i}", role, "x", value))
            rows.append((practice, f"{practice}-{i}", role, "y", min(value + 0.1 * (i - 1), 1.0)))
    return _es(rows)


def _by_formula(
    es: pd.DataFrame, model: ScoreModel, n_boot: int, seed: int, leaders: bool = False, rows: int | None = None
) -> np.ndarray:
    """The draws of ``model_draws``' Notes, written out: σ²*_ε, MS*_u from χ², σ²*_u, u* per informant, noise
    (``rows`` draws at a time: the generator is called block by block, informants' offsets then noise)."""
    used = es[es["informant_role"] == "leder"] if leaders else es
    cells = es[["practice_id", "delimitation_id", "element_id"]].drop_duplicates()
    cells = cells.sort_values(["practice_id"], kind="stable").reset_index(drop=True)
    informants = sorted(used["informant_id"].unique())
    rng = np.random.default_rng(seed)
    # With df_E = 0 the residual variance is 0 whatever the χ² draw; one degree is drawn all the same.
    residual = model.residual_var * model.residual_df / rng.chisquare(max(model.residual_df, 1), n_boot)
    ms = model.informant_ms * model.informant_df / rng.chisquare(model.informant_df, n_boot)
    var_u = np.maximum((ms - residual) * model.informant_df / model.informant_k, 0.0)
    u, z = np.empty((n_boot, len(informants))), np.empty((n_boot, len(cells)))
    for start in range(0, n_boot, rows or n_boot):
        stop = min(start + (rows or n_boot), n_boot)
        u[start:stop] = rng.standard_normal((stop - start, len(informants)))
        z[start:stop] = rng.standard_normal((stop - start, len(cells)))
    u *= np.sqrt(var_u)[:, None]
    out = np.full((n_boot, len(cells)), np.nan)
    for c, (practice, element) in enumerate(zip(cells["practice_id"], cells["element_id"], strict=True)):
        mine = used[(used["practice_id"] == practice) & (used["element_id"] == element) & used["score"].notna()]
        if mine.empty:
            continue
        n = len(mine)
        columns = [informants.index(i) for i in mine["informant_id"]]
        theta = mine["score"].mean() + u[:, columns].sum(axis=1) / n + z[:, c] * np.sqrt(residual / n)
        out[:, c] = np.clip(theta, 0.0, 1.0)
    return out


def test_model_draws_follow_the_documented_draw_process() -> None:
    es = _three_practices()
    model = fit_score_model(es)
    assert model.informant_df > 0 and model.residual_df > 0
    draws = model_draws(es, n_boot=50, seed=5)
    assert draws.cells[["practice_id", "element_id"]].values.tolist() == [
        ["P1", "x"],
        ["P1", "y"],
        ["P2", "x"],
        ["P2", "y"],
        ["P3", "x"],
        ["P3", "y"],
    ]
    assert np.allclose(draws.scores, _by_formula(es, model, 50, 5), atol=1e-12, equal_nan=True)
    # A model passed in is used as given (here one with a larger informant variance).
    wide = ScoreModel(0.04, model.residual_var, model.informant_df, model.residual_df, 0.3, model.informant_k, {})
    assert np.allclose(model_draws(es, n_boot=50, seed=5, model=wide).scores, _by_formula(es, wide, 50, 5), atol=1e-12)


def test_model_draws_for_leaders_only_are_nan_where_a_practice_has_no_leader_score() -> None:
    es = _three_practices()
    es.loc[es["informant_id"] == "P2-0", "informant_role"] = "medarbejder"  # P2 has no leader
    model = fit_score_model(es)  # every informant, whatever the rule
    draws = model_draws(es, aggregation="leader", n_boot=40, seed=2, model=model)
    want = _by_formula(es, model, 40, 2, leaders=True)
    assert np.isnan(draws.scores[:, 2:4]).all()
    assert np.allclose(draws.scores, want, atol=1e-12, equal_nan=True)


def test_model_draws_are_clipped_to_the_scale_and_blocked_draws_are_the_same(monkeypatch) -> None:
    es = _three_practices()
    big = ScoreModel(4.0, 4.0, 3, 6, 30.0, 6.0, {})
    whole = model_draws(es, n_boot=30, seed=9, model=big).scores
    assert whole.min() == 0.0 and whole.max() == 1.0
    assert np.allclose(whole, _by_formula(es, big, 30, 9), atol=1e-12)
    # Blocks of draws (a national study's memory bound): 40 values per block over 6 cells + 8 informants
    # → 40 // 14 = 2 draws at a time, the generator called block by block.
    import lovende_research.scoring.model as model_module

    monkeypatch.setattr(model_module, "_BLOCK_VALUES", 40)
    blocked = model_draws(es, n_boot=31, seed=9, model=big).scores
    assert np.allclose(blocked, _by_formula(es, big, 31, 9, rows=2), atol=1e-12)
    monkeypatch.setattr(model_module, "_BLOCK_VALUES", 1)  # fewer values than a draw: still one draw a block
    assert np.allclose(model_draws(es, n_boot=5, seed=9, model=big).scores, _by_formula(es, big, 5, 9, rows=1))


def test_model_draw_spread_is_the_t_like_interval_of_one_cell() -> None:
    # One cell's draws have SD ≈ sqrt((σ²_u + σ²_ε)/n) when the variances are well determined (large df).
    es = _three_practices()
    # MS_u = σ²_ε + e σ²_u with e = 2 elements, and k = e · df_u, as in a balanced design.
    model = ScoreModel(0.004, 0.002, 10_000, 10_000, 0.002 + 2 * 0.004, 2 * 10_000.0, {})
    draws = model_draws(es, n_boot=20_000, seed=3, model=model)
    # P2 "x": two informants → sqrt(0.006 / 2) = 0.0548; the 1/sqrt(2·20000) relative error of an SD ≈ 0.5 %.
    assert float(np.std(draws.scores[:, 2])) == pytest.approx(math.sqrt(0.006 / 2), rel=0.03)
    # P1 "x": three informants → sqrt(0.006 / 3).
    assert float(np.std(draws.scores[:, 0])) == pytest.approx(math.sqrt(0.006 / 3), rel=0.03)
    # Centred on the estimate (P2 x: (0.7 + 0.8)/2).
    assert float(np.mean(draws.scores[:, 2])) == pytest.approx(0.75, abs=0.002)


def test_no_informant_degrees_of_freedom_gives_nan_draws() -> None:
    es = _es([("P1", "a", "leder", "x", 0.4), ("P1", "a", "leder", "y", 0.6), ("P2", "b", "leder", "x", 0.5)])
    draws = model_draws(es, n_boot=7, seed=0)
    assert draws.scores.shape == (7, 3) and np.isnan(draws.scores).all()
    infinite = ScoreModel(np.nan, 0.01, 3, 3, 0.1, 2.0, {})
    assert np.isnan(model_draws(_three_practices(), n_boot=4, model=infinite).scores).all()


@pytest.mark.parametrize("aggregation", ["median", "MEAN", "bogus"])
def test_model_draws_refuse_the_median_and_unknown_rules(aggregation: str) -> None:
    with pytest.raises(
        ScoringError, match=r"forventet: mean eller leader med interval_method='model' \(medianen"
    ) as info:
        model_draws(_three_practices(), aggregation=aggregation, n_boot=5)
    assert info.value.parameter == "aggregation" and info.value.value == aggregation
    check_model_aggregation("mean")
    check_model_aggregation("leader")


@pytest.mark.parametrize("n_boot", [0, -1, 2.0, True, "10"])
def test_model_draws_refuse_a_bad_number_of_draws(n_boot: object) -> None:
    with pytest.raises(ScoringError, match="positivt heltal"):
        model_draws(_three_practices(), n_boot=n_boot)  # type: ignore[arg-type]


def test_informants_and_roles_are_coded_in_sorted_order_whatever_the_table_order() -> None:
    # The same study with its rows reversed (staff first, informants out of order): the same fit and the
    # same draws, since informants are numbered sorted by practice and id and roles sorted by name.
    # P3-0 has no score on y, so which of P3's informants gets which offset shows in the draws.
    es = _three_practices()
    es.loc[(es["informant_id"] == "P3-0") & (es["element_id"] == "y"), "score"] = np.nan
    es["sufficient"] = es["score"].notna()
    reversed_es = es.iloc[::-1].reset_index(drop=True)
    reversed_es = reversed_es.sort_values(["practice_id"], kind="stable").reset_index(drop=True)
    forward, backward = fit_score_model(es), fit_score_model(reversed_es)
    assert backward.role_effects == pytest.approx(forward.role_effects, abs=1e-12)
    assert backward.role_effects["leder"] != pytest.approx(backward.role_effects["medarbejder"])
    want = _by_formula(reversed_es, backward, 20, 4)  # informants sorted by id in the formula
    assert np.allclose(model_draws(reversed_es, n_boot=20, seed=4).scores, want, atol=1e-12)


@pytest.mark.parametrize("blank", [pd.NA, None, np.nan])
def test_an_informant_with_a_blank_role_is_still_part_of_the_fit(blank: object) -> None:
    # interviews.csv allows a blank role (read as <NA>); it used to crash the fit (sorting a missing
    # value with the role names). Now it is a role of its own, "<NA>".
    es = _three_practices()
    es["informant_role"] = es["informant_role"].astype("string" if blank is pd.NA else object)
    es.loc[es["informant_id"] == "P3-2", "informant_role"] = blank
    model = fit_score_model(es)
    assert set(model.role_effects) == {"<NA>", "leder", "medarbejder"}
    # Same as naming that role: the fit does not depend on the label.
    named = fit_score_model(es.assign(informant_role=es["informant_role"].astype(object).fillna("<NA>")))
    assert model.informant_df == named.informant_df == 8 - 3 - 2  # I − K − rank of three roles' contrasts
    assert model.informant_var == named.informant_var and model.role_effects == named.role_effects
    assert np.isfinite(model_draws(es, n_boot=3, model=model).scores).all()


def test_the_model_draw_defaults_are_a_thousand_draws_from_seed_zero() -> None:
    es = _three_practices()
    draws = model_draws(es)
    assert draws.scores.shape == (1000, 6)
    assert np.array_equal(draws.scores, model_draws(es, n_boot=1000, seed=0).scores)


def test_no_scored_informant_under_the_rule_gives_nan_draws() -> None:
    # Leaders only, and no practice has a leader; the model fitted from everyone has informant df.
    es = _three_practices().assign(informant_role="medarbejder")
    model = fit_score_model(es)
    draws = model_draws(es, aggregation="leader", n_boot=6, seed=1, model=model)
    assert draws.scores.shape == (6, 6) and np.isnan(draws.scores).all()


def test_the_last_practice_without_a_leader_gets_nan_and_the_others_their_draws() -> None:
    es = _three_practices()
    es.loc[es["informant_id"] == "P3-0", "informant_role"] = "medarbejder"
    model = fit_score_model(es)
    draws = model_draws(es, aggregation="leader", n_boot=12, seed=8, model=model)
    assert np.isnan(draws.scores[:, 4:]).all() and np.isfinite(draws.scores[:, :4]).all()
    assert np.allclose(draws.scores, _by_formula(es, model, 12, 8, leaders=True), atol=1e-12, equal_nan=True)


@pytest.mark.parametrize(("informant_df", "residual_df"), [(1, 1), (1, 0), (2, 1)])
def test_draws_with_one_degree_of_freedom(informant_df: int, residual_df: int) -> None:
    # One degree of freedom is enough for a draw: χ²₁ (not χ² with the floor of 1 raised to 2).
    es = _three_practices()
    model = ScoreModel(0.01, 0.005, informant_df, residual_df, 0.025, 2.0 * informant_df, {})
    draws = model_draws(es, n_boot=15, seed=6, model=model)
    assert np.isfinite(draws.scores).all()
    assert np.allclose(draws.scores, _by_formula(es, model, 15, 6), atol=1e-12)


def test_a_model_without_informant_degrees_of_freedom_gives_nan_draws_on_the_cells() -> None:
    es = _three_practices()
    flat = ScoreModel(0.01, 0.01, 0, 5, 0.1, 2.0, {})
    draws = model_draws(es, n_boot=3, model=flat)
    assert np.isnan(draws.scores).all() and draws.scores.shape == (3, 6)
    assert draws.cells.values.tolist() == model_draws(es, n_boot=3).cells.values.tolist()


def test_two_informants_on_one_element_have_k_one() -> None:
    # One practice, two informants, one element: df_E = 2 − 1 − 2 + 1 = 0, df_u = 1, k = 2 · (1 − 1/2) = 1.
    # So σ²_ε = 0 and σ²_u = SS_u / 1 = (0.2 − 0.5)² + (0.8 − 0.5)² = 0.18.
    model = two_way_components(np.array([0.2, 0.8]), np.array([0, 0]), np.array([0, 1]))
    assert (model.residual_df, model.informant_df, model.informant_k) == (0, 1, 1.0)
    assert model.residual_var == 0.0 and model.informant_var == pytest.approx(0.18, abs=1e-12)


def test_roles_that_take_every_informant_degree_of_freedom_leave_no_informant_variance() -> None:
    # One practice: a leader and a staff member on two elements. The role contrast is the informants'
    # contrast, so df_u = 2 − 1 − 1 = 0 and σ²_u is NaN (k is 0 up to rounding).
    y = np.array([0.2, 0.4, 0.5, 0.9])
    model = two_way_components(
        y, np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1]), np.array([0, 0, 1, 1]), ["leder", "medarbejder"]
    )
    assert model.informant_df == 0 and math.isnan(model.informant_var)
    # By hand: the staff member is ((0.5 − 0.2) + (0.9 − 0.4))/2 = 0.4 above the leader; centred ∓0.2.
    assert model.role_effects == pytest.approx({"leder": -0.2, "medarbejder": 0.2}, abs=1e-12)
    # Residual by hand: cell x 0.2, 0.5 and y 0.4, 0.9 minus the contrast → ±0.05 in each cell, SS 0.01.
    assert model.residual_df == 1 and model.residual_var == pytest.approx(0.01, abs=1e-12)


def test_roles_given_without_codes_or_codes_without_roles() -> None:
    y = np.array([0.2, 0.4, 0.5, 0.9])
    cell, group = np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])
    plain = two_way_components(y, cell, group)
    named = two_way_components(y, cell, group, None, ["leder"])
    assert named.role_effects == {"leder": 0.0}
    assert (named.informant_df, named.residual_var) == (plain.informant_df, plain.residual_var)
    unnamed = two_way_components(y, cell, group, np.array([0, 0, 1, 1]), ())
    assert unnamed.role_effects == {}
    assert (unnamed.informant_df, unnamed.informant_var) == (plain.informant_df, plain.informant_var)


def test_a_listed_role_without_observations_and_a_role_seen_in_one_cell_only() -> None:
    # Roles a, b, c, d (d never observed). Cell 0: a single informant of role c (c varies in no cell);
    # cells 1–2: informants of roles a and b. Only the a − b contrast is identified: c and d get 0, a and b
    # are centred on the observation-weighted mean of the fitted role coefficients.
    y = np.array([0.9, 0.3, 0.5, 0.4, 0.8, 0.2, 0.6])
    cell = np.array([0, 1, 2, 1, 2, 1, 2])
    group = np.array([0, 1, 1, 2, 2, 3, 3])
    role = np.array([2, 0, 0, 1, 1, 0, 0])
    model = two_way_components(y, cell, group, role, ["a", "b", "c", "d"])
    assert model.role_effects["c"] == 0.0 and model.role_effects["d"] == 0.0
    # Dense check: OLS of y on cells + (role b); the b − a contrast, whatever the centring.
    x = np.column_stack([cell == 0, cell == 1, cell == 2, role == 1]).astype(float)
    contrast = np.linalg.lstsq(x, y, rcond=None)[0][3]
    assert model.role_effects["b"] - model.role_effects["a"] == pytest.approx(contrast, abs=1e-9)
    assert model.role_effects["a"] != 0.0
    # Degrees of freedom: I − K − rank = 4 − 2 − 1 (cell 0 with informant 0 is a component of its own).
    want = _dense_components(y, cell, group, role)
    assert model.informant_df == want["df_u"] == 1 and model.residual_df == want["df_e"] == 2


def test_a_role_contrast_in_one_pair_of_informants_of_weight_one_is_counted() -> None:
    # Only cell 0 holds two roles (one informant each): the within-cell role columns are ±0.5, so the
    # role cross-product has eigenvalue 1.0; the rank is still 1 (a tolerance near 1 would drop it).
    y = np.array([0.3, 0.7, 0.5, 0.6])
    cell = np.array([0, 0, 1, 1])
    group = np.array([0, 1, 2, 3])
    role = np.array([0, 1, 1, 1])
    model = two_way_components(y, cell, group, role, ["leder", "medarbejder"])
    want = _dense_components(y, cell, group, role)
    assert model.informant_df == want["df_u"] == 4 - 2 - 1
