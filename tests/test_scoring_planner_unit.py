"""Fast tests of the design planner's public functions (``g_study``, ``coefficients``, ``d_study``,
``needed``) on small hand-made data: Brennan's (2001) published G study, a balanced coder design whose
ANOVA components are worked out with numpy, and the D-study formulas of ``coefficients`` written out."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lovende_research.scoring.planner import COMPONENTS, DesignPlan, GStudy, coefficients, d_study, g_study, needed

# Brennan, R. L. (2001), Generalizability Theory, Springer: synthetic data set no. 2 (i:p, 10 × 8).
BRENNAN_2 = [
    [2, 6, 7, 5, 2, 5, 5, 5],
    [4, 5, 6, 7, 6, 7, 5, 7],
    [5, 5, 4, 6, 5, 4, 5, 5],
    [5, 9, 8, 6, 5, 7, 7, 6],
    [4, 3, 5, 6, 4, 5, 6, 4],
    [4, 4, 4, 7, 6, 4, 7, 8],
    [2, 6, 6, 5, 2, 7, 7, 5],
    [3, 4, 4, 5, 6, 6, 6, 4],
    [0, 5, 4, 5, 5, 5, 5, 3],
    [6, 8, 7, 6, 6, 8, 8, 6],
]

VARIANCE = {
    "practice": 0.010,
    "practice_element": 0.015,
    "informant": 0.008,
    "informant_element": 0.012,
    "coder": 0.002,
    "residual": 0.006,
    "item": 0.03,
}


def _brennan() -> pd.DataFrame:
    scores = pd.DataFrame(
        [(f"p{p}", f"p{p}i{i}", v) for p, row in enumerate(BRENNAN_2) for i, v in enumerate(row)],
        columns=["practice_id", "informant_id", "score"],
    )
    return scores.assign(interview_id=scores["informant_id"], informant_role="leder", element_id="e", coder_id="A")


def test_brennans_g_study_and_its_mean_squares() -> None:
    g = g_study(_brennan())
    # Brennan (2001): σ²(p) = .6108, σ²(i:p) = 2.0250 (printed to four decimals). Also by numpy from the
    # one-way ANOVA: MS(p) = 8 · var(person means), MS(i:p) = pooled within variance; σ²(p) = (MS(p) − MS(i:p))/8.
    data = np.array(BRENNAN_2, dtype=float)
    ms_p = 8 * data.mean(axis=1).var(ddof=1)
    ms_ip = ((data - data.mean(axis=1, keepdims=True)) ** 2).sum() / (10 * 7)
    assert g.variance["practice"] == pytest.approx(0.6108, abs=5e-5)
    assert g.variance["practice"] == pytest.approx((ms_p - ms_ip) / 8, abs=1e-9)
    assert g.variance["informant"] == pytest.approx(ms_ip, abs=1e-9) and ms_ip == pytest.approx(2.025, abs=5e-5)
    assert (g.n_informants, g.n_coders, g.n_elements) == (8, 1, 1)
    # One coder, one element: no coder, residual or element components; no item scores → item NaN.
    assert g.variance["coder"] == g.variance["residual"] == g.variance["practice_element"] == 0.0
    assert math.isnan(g.variance["item"])
    table = g.table()
    assert table["component"].tolist() == list(COMPONENTS)
    assert table["share"].sum() == pytest.approx(1.0, abs=1e-12)


def test_a_balanced_coder_design_gives_the_two_way_anova_components() -> None:
    # One practice of 6 informants × 2 elements, each interview coded by 3 coders with a constant coder
    # offset plus noise. Coders within interview × element cells: a two-way (cell × coder) ANOVA without
    # replication: σ²_c = (MS_c − MS_res)/n_cells, σ²_res = MS_res.
    rng = np.random.default_rng(5)
    offsets = np.array([0.0, 0.05, -0.04])
    y = rng.normal(0.5, 0.1, size=(12, 1)) + offsets[None, :] + rng.normal(0, 0.02, size=(12, 3))
    rows = []
    for cell in range(12):
        informant, element = divmod(cell, 2)
        for c in range(3):
            rows.append(("P1", f"i{informant}", f"e{element}", f"K{c}", y[cell, c]))
    scores = pd.DataFrame(rows, columns=["practice_id", "informant_id", "element_id", "coder_id", "score"])
    scores = scores.assign(interview_id=scores["informant_id"], informant_role="medarbejder")
    g = g_study(scores)
    grand = y.mean()
    ms_c = 12 * ((y.mean(axis=0) - grand) ** 2).sum() / 2
    resid = y - y.mean(axis=1, keepdims=True) - y.mean(axis=0, keepdims=True) + grand
    ms_res = (resid**2).sum() / (11 * 2)
    assert g.variance["residual"] == pytest.approx(ms_res, rel=1e-9)
    assert g.variance["coder"] == pytest.approx(max((ms_c - ms_res) / 12, 0.0), rel=1e-9)
    assert g.n_coders == 3 and g.n_elements == 2
    # The coders' means, informants × elements in the one practice (two-way ANOVA without replication):
    # σ²_i = (MS_i − MS_ie)/2 and σ²_ie = MS_ie − σ²_res / n_c.
    m = y.mean(axis=1).reshape(6, 2)
    m_grand = m.mean()
    ms_i = 2 * ((m.mean(axis=1) - m_grand) ** 2).sum() / 5
    ms_ie = ((m - m.mean(axis=1, keepdims=True) - m.mean(axis=0, keepdims=True) + m_grand) ** 2).sum() / 5
    assert g.variance["informant"] == pytest.approx(max((ms_i - ms_ie) / 2, 0.0), rel=1e-9)
    assert g.variance["informant_element"] == pytest.approx(max(ms_ie - ms_res / 3, 0.0), rel=1e-9)
    assert g.variance["informant_element"] > 0


def test_item_scores_give_the_item_component() -> None:
    # Items within interview × element cells: balanced, so σ²_item = (MS_item − MS_res)/n_cells.
    rng = np.random.default_rng(2)
    effect = np.array([0.1, -0.1, 0.0, 0.05])
    v = rng.normal(0.5, 0.1, size=(10, 1)) + effect[None, :] + rng.normal(0, 0.03, size=(10, 4))
    items = pd.DataFrame(
        [(f"I{u}", "e", f"j{j}", v[u, j]) for u in range(10) for j in range(4)],
        columns=["interview_id", "element_id", "item_id", "value"],
    )
    g = g_study(_brennan(), items)
    grand = v.mean()
    ms_j = 10 * ((v.mean(axis=0) - grand) ** 2).sum() / 3
    resid = v - v.mean(axis=1, keepdims=True) - v.mean(axis=0, keepdims=True) + grand
    ms_res = (resid**2).sum() / (9 * 3)
    assert g.variance["item"] == pytest.approx((ms_j - ms_res) / 10, rel=1e-9)


def test_coefficients_are_the_d_study_formulas() -> None:
    # Written out for n_i = 3, n_c = 2, n_e = 11:
    # τ = .010 + .015/11; δ = .008/3 + .012/(3·11) + .006/(3·2·11); Δ = δ + .002/2.
    tau = 0.010 + 0.015 / 11
    delta = 0.008 / 3 + 0.012 / 33 + 0.006 / 66
    absolute = delta + 0.002 / 2
    got = coefficients(VARIANCE, n_informants=3, n_coders=2, n_elements=11)
    assert got["G"] == pytest.approx(tau / (tau + delta), rel=1e-12)
    assert got["Phi"] == pytest.approx(tau / (tau + absolute), rel=1e-12)
    one = coefficients(VARIANCE, 3, 2)  # one element by default
    tau1, delta1 = 0.025, 0.008 / 3 + 0.012 / 3 + 0.006 / 6
    assert one["G"] == pytest.approx(tau1 / (tau1 + delta1), rel=1e-12)
    # Brennan (2001), D study of data set no. 2 with n_i' = 8: Eρ² = Φ = .71.
    brennan = {
        "practice": 0.6108,
        "practice_element": 0,
        "informant": 2.025,
        "informant_element": 0,
        "coder": 0,
        "residual": 0,
    }
    assert coefficients(brennan, 8, 1)["G"] == pytest.approx(0.71, abs=0.005)


def _g() -> GStudy:
    return GStudy(VARIANCE, n_informants=3.0, n_coders=2.0, n_elements=11)


def test_d_study_is_every_design_for_both_measures() -> None:
    out = d_study(_g(), informants=[1, 4], coders=[1, 2])
    assert list(out.columns) == ["measure", "n_informants", "n_coders", "G", "Phi"]
    assert out[["measure", "n_coders", "n_informants"]].values.tolist() == [
        ["element", 1, 1],
        ["element", 1, 4],
        ["element", 2, 1],
        ["element", 2, 4],
        ["overall", 1, 1],
        ["overall", 1, 4],
        ["overall", 2, 1],
        ["overall", 2, 4],
    ]
    for row in out.itertuples():
        want = coefficients(VARIANCE, row.n_informants, row.n_coders, 1 if row.measure == "element" else 11)
        assert (row.G, row.Phi) == pytest.approx((want["G"], want["Phi"]), rel=1e-12)
    assert len(d_study(_g())) == 2 * 3 * 6  # defaults: 1–6 informants, 1–3 coders


def test_needed_is_the_first_number_of_informants_reaching_each_target() -> None:
    out = needed(_g(), targets=[0.7, 0.99], coders=[1], most=20)
    assert list(out.columns) == ["measure", "coefficient", "target", "n_coders", "n_informants"]
    assert str(out["n_informants"].dtype) == "Int64"
    for row in out.itertuples():
        n_e = 1 if row.measure == "element" else 11
        values = [coefficients(VARIANCE, n, 1, n_e)[row.coefficient] for n in range(1, 21)]
        first = next((n for n, v in enumerate(values, start=1) if v >= row.target), None)
        assert (pd.isna(row.n_informants) and first is None) or row.n_informants == first
    # By hand for the element score, G: τ = .025, δ(n) = (.008 + .012 + .006)/n = .026/n; G ≥ .7 ⇔
    # .025 n /(.025 n + .026) ≥ .7 ⇔ n ≥ .7 · .026 / (.3 · .025) = 2.43 → 3. 0.99 needs n ≥ 103: not reached.
    element_g = out[(out["measure"] == "element") & (out["coefficient"] == "G")]
    assert element_g["n_informants"].tolist()[0] == 3 and pd.isna(element_g["n_informants"].tolist()[1])
    assert len(needed(_g())) == 2 * 3 * 2 * 2  # defaults: 2 targets, 1–3 coders


def test_a_coefficient_exactly_at_the_target_reaches_it() -> None:
    # σ²_p = σ²_i = 1, nothing else: G = 1 / (1 + 1/n), exactly 0.5 with one informant.
    g = GStudy(dict.fromkeys(VARIANCE, 0.0) | {"practice": 1.0, "informant": 1.0}, 1.0, 1.0, 1)
    out = needed(g, targets=[0.5], coders=[1], most=3)
    assert out["n_informants"].tolist() == [1, 1, 1, 1]


def _small_plan() -> "DesignPlan":
    """A plan written down by hand: two components, two designs of one measure, one target."""
    g = GStudy({"practice": 0.02, "residual": 0.01}, 2.5, 2.0, 11)
    components = pd.DataFrame(
        {"component": ["practice", "residual"], "variance": [0.02, 0.01], "share": [2 / 3, 1 / 3]}
    )
    projections = pd.DataFrame(
        {
            "measure": ["overall", "overall"],
            "n_coders": [2, 2],
            "n_informants": [2, 3],
            "G": [0.5, 0.6],
            "G_low": [0.25, 0.35],
            "G_high": [0.75, 0.8],
            "Phi": [0.45, 0.55],
            "Phi_low": [0.2, 0.3],
            "Phi_high": [0.7, 0.75],
            "design_used": [False, True],
        }
    )
    needed_ = pd.DataFrame(
        {
            "measure": ["overall", "overall"],
            "coefficient": ["G", "Phi"],
            "target": [0.7, 0.7],
            "n_coders": [2, 2],
            "n_informants": [5, float("nan")],
        }
    )
    return DesignPlan("lille", g, components, projections, needed_)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def test_the_plan_text_is_written_for_people_in_danish_and_english() -> None:
    # Every table of `lovende plan` with its headers, codes and yes/no in the reader's language, numbers
    # with the language's decimal mark, a target not reached as "–" (issue 24: tables for people). Lines
    # compared with their runs of spaces made one (pandas aligns the columns).
    plan = _small_plan()
    assert _lines(plan.text("da")) == [
        "Designplan for lille: G- og Φ-koefficienter",
        "anvendt design: 2,5 informanter pr. praksis, 2,0 kodere pr. interview",
        "",
        "Varianskomponenter (skala 0–1)",
        "Komponent Varians Andel",
        "praksis 0,02000 0,66667",
        "rest 0,01000 0,33333",
        "",
        "Mål Kodere Informanter G Phi Anvendt design",
        "samlet 2 2 0,50 [0,25; 0,75] 0,45 [0,20; 0,70] nej",
        "samlet 2 3 0,60 [0,35; 0,80] 0,55 [0,30; 0,75] ja",
        "",
        "Færrest informanter pr. praksis for målet (– = nås ikke med 50)",
        "0,7",
        "Mål Koefficient Kodere",
        "samlet G 2 5",
        "Phi 2 –",
    ]
    english = _lines(plan.text("en"))
    assert english[:2] == [
        "Design plan for lille: G and Φ coefficients",
        "design used: 2.5 informants per practice, 2.0 coders per interview",
    ]
    assert english[4:7] == ["Component Variance Share", "practice 0.02000 0.66667", "residual 0.01000 0.33333"]
    assert english[8:11] == [
        "Measure Coders Informants G Phi Design used",
        "overall 2 2 0.50 [0.25; 0.75] 0.45 [0.20; 0.70] no",
        "overall 2 3 0.60 [0.35; 0.80] 0.55 [0.30; 0.75] yes",
    ]
    assert english[13:] == ["0.7", "Measure Coefficient Coders", "overall G 2 5", "Phi 2 –"]


def test_the_plan_writes_its_three_tables_as_csv(tmp_path) -> None:
    # The three tables whole, in this order, read back equal (no index column, nothing lost).
    plan = _small_plan()
    written = plan.write(tmp_path)
    assert [p.name for p in written] == ["design_components.csv", "design_projections.csv", "design_needed.csv"]
    for path, frame in zip(written, (plan.components, plan.projections, plan.needed), strict=True):
        pd.testing.assert_frame_equal(pd.read_csv(path), frame, check_dtype=False)
