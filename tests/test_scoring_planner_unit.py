"""Fast tests of the design planner's public functions (``g_study``, ``coefficients``, ``d_study``,
``needed``) on small hand-made data: Brennan's (2001) published G study, a balanced coder design whose
ANOVA components are worked out with numpy, and the D-study formulas of ``coefficients`` written out."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lovende_research.errors import in_language
from lovende_research.instrument import load_instrument
from lovende_research.scoring.parameters import ScoringError
from lovende_research.scoring.planner import (
    COMPONENTS,
    DesignPlan,
    GStudy,
    _CodedScores,
    coder_element_scores,
    coefficients,
    d_study,
    g_study,
    needed,
    plan_study,
)
from tests.g_theory_data import BRENNAN_2, brennan_scores

VARIANCE = {
    "practice": 0.010,
    "practice_element": 0.015,
    "informant": 0.008,
    "informant_element": 0.012,
    "coder": 0.002,
    "residual": 0.006,
    "item": 0.03,
}


def test_brennans_g_study_and_its_mean_squares() -> None:
    g = g_study(brennan_scores())
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
    g = g_study(brennan_scores(), items)
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
    assert plan.text() == plan.text("da")  # Danish by default
    assert _lines(plan.text("en")) == [
        "Design plan for lille: G and Φ coefficients",
        "design used: 2.5 informants per practice, 2.0 coders per interview",
        "",
        "Variance components (0–1 scale)",
        "Component Variance Share",
        "practice 0.02000 0.66667",
        "residual 0.01000 0.33333",
        "",
        "Measure Coders Informants G Phi Design used",
        "overall 2 2 0.50 [0.25; 0.75] 0.45 [0.20; 0.70] no",
        "overall 2 3 0.60 [0.35; 0.80] 0.55 [0.30; 0.75] yes",
        "",
        "Fewest informants per practice for the target (– = not reached with 50)",
        "0.7",
        "Measure Coefficient Coders",
        "overall G 2 5",
        "Phi 2 –",
    ]


def test_the_plan_writes_its_three_tables_as_csv(tmp_path) -> None:
    # The three tables whole, in this order, read back equal (no index column, nothing lost).
    plan = _small_plan()
    written = plan.write(tmp_path)
    assert [p.name for p in written] == ["design_components.csv", "design_projections.csv", "design_needed.csv"]
    for path, frame in zip(written, (plan.components, plan.projections, plan.needed), strict=True):
        pd.testing.assert_frame_equal(pd.read_csv(path), frame, check_dtype=False)


# --- What the planner's parts hand each other, and the degenerate designs (issue 22's mutation run) ---

INSTRUMENT = load_instrument()
TEORI = [item.id for item in INSTRUMENT.element("teori").items]  # teori_1–3, weight 1 each; scale 1–4


def test_informant_ids_repeated_across_practices_are_different_informants() -> None:
    # Brennan's data set no. 2 again, its informants called i0–i7 in every practice (the study format
    # asks for a pseudonym, not one unique across practices): the same σ²(p) = .6108 and σ²(i:p) = 2.025.
    scores = brennan_scores().assign(informant_id=lambda d: d["informant_id"].str.split("i").str[1])
    assert scores["informant_id"].nunique() == 8
    g = g_study(scores)
    assert g.variance["practice"] == pytest.approx(0.6108, abs=5e-5)
    assert g.variance["informant"] == pytest.approx(2.025, abs=5e-5)
    assert g.n_informants == 8


def test_the_components_a_design_cannot_estimate_are_zero() -> None:
    # Four practices with one informant each, two elements, one coder: the informants within practice ×
    # element cells have no degree of freedom (one informant per practice), nor do coders (one), so
    # informant, informant × element, coder and residual are 0, and the practices' two-way ANOVA without
    # replication (practices × elements, by numpy) is all there is: σ²_p = (MS_p − MS_pe)/2, σ²_pe = MS_pe.
    y = np.array([[0.2, 0.5], [0.6, 0.7], [0.4, 0.9], [0.1, 0.3]])
    scores = pd.DataFrame(
        [(f"P{p}", f"P{p}-L", f"I{p}", "leder", f"e{e}", "A", y[p, e]) for p in range(4) for e in range(2)],
        columns=["practice_id", "informant_id", "interview_id", "informant_role", "element_id", "coder_id", "score"],
    )
    g = g_study(scores)
    grand = y.mean()
    ms_p = 2 * ((y.mean(axis=1) - grand) ** 2).sum() / 3
    ms_pe = ((y - y.mean(axis=1, keepdims=True) - y.mean(axis=0, keepdims=True) + grand) ** 2).sum() / 3
    assert g.variance["practice"] == pytest.approx((ms_p - ms_pe) / 2, rel=1e-9)
    assert g.variance["practice_element"] == pytest.approx(ms_pe, rel=1e-9)
    for name in ("informant", "informant_element", "coder", "residual"):
        assert g.variance[name] == 0.0, name
    assert (g.n_informants, g.n_coders, g.n_elements) == (1, 1, 2)


def test_one_practice_has_no_practice_components() -> None:
    # The balanced coder design of the test above has a single practice: nothing to compare it with.
    rng = np.random.default_rng(5)
    rows = [("P1", f"i{u // 2}", f"e{u % 2}", f"K{c}", rng.normal(0.5, 0.1)) for u in range(12) for c in range(3)]
    scores = pd.DataFrame(rows, columns=["practice_id", "informant_id", "element_id", "coder_id", "score"])
    g = g_study(scores.assign(interview_id=scores["informant_id"], informant_role="medarbejder"))
    assert g.variance["practice"] == 0.0 and g.variance["practice_element"] == 0.0
    assert g.variance["informant_element"] > 0  # the rest is estimated


def test_a_single_coder_scoring_an_interview_twice_is_still_no_coder_component() -> None:
    # One coder, every score recorded twice (0.1 apart): there is no second coder to tell a coder's
    # severity or a coder × interview residual from, so both are 0, not the spread of the repeats.
    scores = brennan_scores()
    twice = pd.concat([scores, scores.assign(score=scores["score"] + 0.1)], ignore_index=True)
    g = g_study(twice)
    assert g.variance["coder"] == 0.0 and g.variance["residual"] == 0.0


def test_no_score_at_all_is_a_clear_error() -> None:
    # Every element insufficient (no score): the G study has nothing to estimate from.
    scores = brennan_scores().assign(score=np.nan)
    with pytest.raises(ScoringError) as caught:
        g_study(scores)
    assert str(caught.value) == (
        "coder_scores: 80 kan ikke bruges; forventet: mindst én elementscore (rækker med en score)"
    )
    assert in_language(caught.value.args[0], "en") == (
        "coder_scores: 80 cannot be used; expected: at least one element score (rows with a score)"
    )


def test_the_item_component_is_items_within_interview_by_element_cells() -> None:
    # Ten interviews, two elements of two items each, every item answered: items are nested in elements,
    # so per element a two-way (interview × item) ANOVA without replication, pooled over the elements:
    # σ²_item = (MS_item − MS_res)/10, MS_item on 2·(2−1) df, MS_res on 2·(10−1)(2−1) df (by numpy).
    rng = np.random.default_rng(8)
    v = rng.normal(0.5, 0.1, size=(10, 4)) + np.array([0.1, -0.1, 0.05, 0.0])
    items = pd.DataFrame(
        [(f"I{u}", f"e{j // 2}", f"j{j}", v[u, j], pd.NA) for u in range(10) for j in range(4)],
        columns=["interview_id", "element_id", "item_id", "value", "missing_code"],
    )
    # reconcile_coders' rows: a missing code only where no value was given (these rows count for nothing).
    unanswered = pd.DataFrame({"interview_id": ["I0"], "element_id": ["e0"], "item_id": ["j9"], "value": [np.nan]})
    items = pd.concat([items, unanswered.assign(missing_code="ved_ikke")], ignore_index=True)
    ss_item = ss_res = 0.0
    for block in (v[:, :2], v[:, 2:]):
        grand = block.mean()
        ss_item += 10 * ((block.mean(axis=0) - grand) ** 2).sum()
        ss_res += ((block - block.mean(axis=1, keepdims=True) - block.mean(axis=0, keepdims=True) + grand) ** 2).sum()
    ms_item, ms_res = ss_item / 2, ss_res / 18
    assert g_study(brennan_scores(), items).variance["item"] == pytest.approx((ms_item - ms_res) / 10, rel=1e-9)


def test_coded_scores_number_practices_and_roles_in_sorted_order_and_keep_row_order() -> None:
    # 40 rows of two practices drawn in random order (P2 first), informants L and M in both, roles
    # "medarbejder" seen before "leder"; each row's score is its position in the frame, so the rows'
    # order after grouping by practice can be read off (numpy's default sort would not keep it here).
    rng = np.random.default_rng(0)
    practice = np.array(["P2"] + list(rng.choice(["P1", "P2"], size=39)))
    informant = rng.choice(["M", "L"], size=40)
    frame = pd.DataFrame(
        {
            "practice_id": practice,
            "informant_id": informant,
            "interview_id": [f"{p}-{i}" for p, i in zip(practice, informant, strict=True)],
            "informant_role": np.where(informant == "L", "leder", "medarbejder"),
            "element_id": rng.choice(["e1", "e2"], size=40),
            "coder_id": "A",
            "score": np.arange(40.0),
        }
    )
    assert frame["informant_role"].iloc[0] == "medarbejder"
    coded = _CodedScores.of(frame)
    in_practice_order = [n for p in ("P1", "P2") for n in range(40) if practice[n] == p]
    assert coded.score.tolist() == in_practice_order
    n_p1 = int((practice == "P1").sum())
    assert coded.practice.tolist() == [0] * n_p1 + [1] * (40 - n_p1)
    assert list(coded.roles) == ["leder", "medarbejder"]
    rows = frame.iloc[in_practice_order]
    assert coded.role.tolist() == (rows["informant_role"] == "medarbejder").astype(int).tolist()
    # Informants numbered in order of appearance practice after practice: P1's L and M are not P2's.
    first_seen = list(dict.fromkeys(zip(rows["practice_id"], rows["informant_id"], strict=True)))
    assert len(first_seen) == 4
    assert coded.informant.tolist() == [
        first_seen.index(k) for k in zip(rows["practice_id"], rows["informant_id"], strict=True)
    ]
    cells = list(dict.fromkeys(zip(rows["interview_id"], rows["element_id"], strict=True)))
    assert coded.cell.tolist() == [cells.index(k) for k in zip(rows["interview_id"], rows["element_id"], strict=True)]
    p1_cells = len({k for k in cells if k[0].startswith("P1")})
    assert coded.per_practice["rows"].tolist() == [n_p1, 40 - n_p1]
    assert coded.per_practice["cell"].tolist() == [p1_cells, len(cells) - p1_cells]
    assert coded.per_practice["informant"].tolist() == [2, 2]


def test_the_component_table_names_each_component_with_its_variance_and_share() -> None:
    table = _g().table()
    assert list(table.columns) == ["component", "variance", "share"]
    # Shares of the sum .010 + .015 + .008 + .012 + .002 + .006 + .03 = .083.
    assert table["variance"].tolist() == [VARIANCE[c] for c in COMPONENTS]
    assert table["share"].tolist() == pytest.approx([VARIANCE[c] / 0.083 for c in COMPONENTS], rel=1e-12)


def test_no_variance_at_all_gives_undefined_coefficients() -> None:
    # Every component 0 (every score the same): G = Φ = 0 / 0, undefined, reported as NaN without a warning.
    zero = dict.fromkeys(VARIANCE, 0.0)
    got = coefficients(zero, 2, 2, 11)
    assert math.isnan(got["G"]) and math.isnan(got["Phi"])


def test_needed_looks_up_to_fifty_informants_by_default() -> None:
    # Only practice and informant variance: G(n) = τ / (τ + σ²_i / n) ≥ .7 ⇔ n ≥ (.7/.3)·σ²_i/τ. With
    # σ²_i / τ = 50.5 · .3/.7 the bound is 50.5: 51 informants, one more than the default most (50).
    variance = dict.fromkeys(VARIANCE, 0.0) | {"practice": 0.07, "informant": 0.07 * 50.5 * 0.3 / 0.7}
    g = GStudy(variance, 3.0, 1.0, 1)
    default = needed(g, targets=[0.7], coders=[1])
    assert default["n_informants"].isna().all()
    assert needed(g, targets=[0.7], coders=[1], most=51)["n_informants"].tolist() == [51, 51, 51, 51]
    # The rows: element then overall, G then Phi.
    assert default[["measure", "coefficient"]].values.tolist() == [
        ["element", "G"],
        ["element", "Phi"],
        ["overall", "G"],
        ["overall", "Phi"],
    ]


#: Practices in the pilot: enough that resamples rarely tie, so the intervals tell seeds and draw counts apart.
N_PILOT = 6


def _codes_of(seed: int) -> np.ndarray:
    """Codes 1–4 of coders K1, K2 for teori_1–3, shape (6 practices, 2 informants, 2 coders, 3 items): a
    practice's level plus noise, rounded into the scale; K2 one code higher on teori_1 where it can be
    (a coder's severity)."""
    rng = np.random.default_rng(seed)
    level = rng.normal(0, 0.8, size=(N_PILOT, 1, 1, 1))
    codes = np.clip(np.rint(2.5 + level + rng.normal(0, 0.7, size=(N_PILOT, 2, 2, 3))), 1, 4).astype(int)
    codes[:, :, 1, 0] = np.minimum(codes[:, :, 1, 0] + 1, 4)
    return codes


def _pilot(role: object = "medarbejder") -> SimpleNamespace:
    """P1–P6 with two informants (one interview each), both coders coding teori_1–3 of every interview,
    in the main delimitation and in an alternative one ("alt") with other codes; a consensus code that
    changes nothing of the coders' own scores; seed 7 in study.yml."""
    interviews = pd.DataFrame(
        {
            "interview_id": [f"I{p}{i}" for p in range(1, N_PILOT + 1) for i in range(2)],
            "practice_id": [f"P{p}" for p in range(1, N_PILOT + 1) for _ in range(2)],
            "informant_id": [f"P{p}-{i}" for p in range(1, N_PILOT + 1) for i in range(2)],
            "informant_role": pd.array([role] * 2 * N_PILOT, dtype="string"),
        }
    )
    rows = [
        (f"I{p + 1}{i}", f"K{c + 1}", TEORI[j], delimitation, int(codes[p, i, c, j]), False)
        for delimitation, codes in (("main", _codes_of(1)), ("alt", _codes_of(8)))
        for p in range(N_PILOT)
        for i in range(2)
        for c in range(2)
        for j in range(3)
    ]
    rows.append(("I10", "konsensus", TEORI[0], "main", 4, True))
    frame = pd.DataFrame(
        rows, columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value", "is_consensus"]
    )
    codings = frame.assign(
        value=pd.array(frame["value"], dtype="Int64"),
        missing_code=pd.array([None] * len(frame), dtype="string"),
        screen_answer=pd.array([None] * len(frame), dtype="string"),
    )
    return SimpleNamespace(
        name="pilot", config=SimpleNamespace(seed=7), instrument=INSTRUMENT, codings=codings, interviews=interviews
    )


def _balanced_g(scores: np.ndarray) -> dict[str, float]:
    """The G study of the pilot's design written out (g_study's Notes, balanced, one element): ``scores``
    of shape (practices, 2 informants, 2 coders), a practice drawn twice being two practices.

    Coders × interviews, a two-way ANOVA without replication: σ²_c = (MS_c − MS_res)/n_interviews,
    σ²_res = MS_res. The coders' means, informants within practices (one element: informant and its
    element interaction are one term, σ²_ie = 0): σ²_i = MS_within. The practices' means:
    σ²_p = var(means, ddof=1) − σ²_i/2, floored at 0."""
    y = scores.reshape(-1, 2)
    n, grand = len(y), y.mean()
    ms_c = n * ((y.mean(axis=0) - grand) ** 2).sum() / 1
    ms_res = ((y - y.mean(axis=1, keepdims=True) - y.mean(axis=0, keepdims=True) + grand) ** 2).sum() / (n - 1)
    means = scores.mean(axis=2)
    within = ((means - means.mean(axis=1, keepdims=True)) ** 2).sum() / (means.size - len(means))
    practice = max(means.mean(axis=1).var(ddof=1) - within / 2, 0.0)
    return {
        "practice": practice,
        "practice_element": 0.0,
        "informant": within,
        "informant_element": 0.0,
        "coder": max((ms_c - ms_res) / n, 0.0),
        "residual": ms_res,
    }


def _g_and_phi(v: dict[str, float]) -> tuple[float, float]:
    """G and Φ for 2 informants and 2 coders of one element (Brennan 2001, eqs. 4.11–4.13)."""
    delta = v["informant"] / 2 + v["informant_element"] / 2 + v["residual"] / 4
    return v["practice"] / (v["practice"] + delta), v["practice"] / (v["practice"] + delta + v["coder"] / 2)


def _pilot_expected(delimitation: str, n_boot: int, seed: int, ci: float) -> dict[str, object]:
    """The pilot's components, G and Φ, and their percentile intervals over ``n_boot`` resamples of the
    practices, drawn as plan_study's Notes say (the practices in sorted order, with replacement)."""
    codes = _codes_of(1 if delimitation == "main" else 8)
    values = (codes - 1) / 3  # the scale 1–4 on 0–1
    scores = values.mean(axis=3)  # a coder's element score: the mean of teori's three items (weights 1)
    variance = _balanced_g(scores)
    # Items within interview cells (teori only): the coders' median (of two: their mean) per item,
    # 12 interviews × 3 items without replication, σ²_item = (MS_item − MS_res)/12 on 2 and 11·2 df.
    items = values.mean(axis=2).reshape(2 * N_PILOT, 3)
    if delimitation == "main":
        items[0, 0] = 1.0  # I10's teori_1: the consensus code 4 wins (reconcile_coders' precedence)
    grand = items.mean()
    ms_item = 2 * N_PILOT * ((items.mean(axis=0) - grand) ** 2).sum() / 2
    ms_res = ((items - items.mean(axis=1, keepdims=True) - items.mean(axis=0, keepdims=True) + grand) ** 2).sum() / 22
    rng = np.random.default_rng(seed)
    draws = np.array(
        [_g_and_phi(_balanced_g(scores[rng.choice(N_PILOT, size=N_PILOT, replace=True)])) for _ in range(n_boot)]
    )
    return {
        "variance": variance | {"item": max((ms_item - ms_res) / (2 * N_PILOT), 0.0)},
        "G": _g_and_phi(variance),
        "low": np.nanquantile(draws, (1 - ci) / 2, axis=0),
        "high": np.nanquantile(draws, (1 + ci) / 2, axis=0),
    }


def _assert_plan(plan: DesignPlan, expected: dict[str, object]) -> None:
    variance = expected["variance"]
    assert plan.components["variance"].tolist() == pytest.approx([variance[c] for c in COMPONENTS], abs=1e-12)
    p = plan.projections
    assert p[["measure", "n_informants", "n_coders"]].values.tolist() == [["element", 2, 2], ["overall", 2, 2]]
    for row in p.itertuples():  # one element: the overall index is the element score
        assert (row.G, row.Phi) == pytest.approx(expected["G"], abs=1e-12)
        assert (row.G_low, row.Phi_low) == pytest.approx(tuple(expected["low"]), abs=1e-12)
        assert (row.G_high, row.Phi_high) == pytest.approx(tuple(expected["high"]), abs=1e-12)
    assert p["design_used"].tolist() == [True, True]
    assert set(plan.needed["n_coders"]) == {2}


def test_plan_study_hands_its_delimitation_seed_ci_and_designs_to_every_step() -> None:
    # The alternative delimitation's codes, a 50 % interval, seed 11, 2 informants × 2 coders only.
    study = _pilot()
    plan = plan_study(study, n_boot=30, seed=11, ci=0.5, delimitation="alt", informants=[2], coders=[2])  # type: ignore[arg-type]
    expected = _pilot_expected("alt", n_boot=30, seed=11, ci=0.5)
    assert expected["G"][0] != expected["G"][1] and (expected["low"] < expected["high"]).all()
    _assert_plan(plan, expected)
    assert plan.study == "pilot"


def test_plan_study_defaults_to_200_resamples_with_the_studys_seed() -> None:
    study = _pilot()
    plan = plan_study(study, informants=[2], coders=[2])  # type: ignore[arg-type]
    _assert_plan(plan, _pilot_expected("main", n_boot=200, seed=7, ci=0.95))


def test_a_blank_role_is_a_role_like_any_other() -> None:
    # interviews.csv allows a blank role (<NA>): every informant still counts, so the same plan as above.
    plan = plan_study(_pilot(role=pd.NA), n_boot=20, seed=3, informants=[2], coders=[2])  # type: ignore[arg-type]
    _assert_plan(plan, _pilot_expected("main", n_boot=20, seed=3, ci=0.95))


def test_plan_study_refuses_an_interval_level_outside_0_to_1() -> None:
    with pytest.raises(ScoringError) as caught:
        plan_study(_pilot(), n_boot=5, ci=1.5)  # type: ignore[arg-type]
    assert caught.value.parameter == "ci" and caught.value.value == 1.5


def test_a_study_without_variance_plans_nothing_and_says_so() -> None:
    # Every code 3: every score 2/3, no variance, so G and Φ are 0 / 0 in the study and in every
    # resample: NaN with NaN intervals (no warning), no number of informants reaches a target ("–").
    study = _pilot()
    study.codings["value"] = pd.array([3] * len(study.codings), dtype="Int64")
    plan = plan_study(study, n_boot=5, seed=1, informants=[2], coders=[2])  # type: ignore[arg-type]
    assert plan.projections[["G", "G_low", "G_high", "Phi", "Phi_low", "Phi_high"]].isna().all().all()
    assert plan.needed["n_informants"].isna().all()
    assert "– [–; –]" in plan.text("en")


def test_coder_element_scores_are_each_coders_own_scores_by_hand() -> None:
    # Two interviews coded by K2 (listed first) and K1 on teori_1–3, K1 leaving teori_3 out in I2, and a
    # consensus code that is no coder's; an alternative delimitation of I1. Scores: the mean of the
    # codes on 0–1, (c − 1)/3. I2's informant has a blank role.
    interviews = pd.DataFrame(
        {
            "interview_id": ["I1", "I2"],
            "practice_id": ["P1", "P2"],
            "informant_id": ["L", "M"],
            "informant_role": pd.array(["leder", pd.NA], dtype="string"),
        }
    )
    rows = [
        ("I1", "K2", "main", [4, 4, 1]),
        ("I2", "K2", "main", [2, 3, 4]),
        ("I1", "K1", "main", [1, 2, 3]),
        ("I2", "K1", "main", [4, 1, None]),
        ("I1", "konsensus", "main", [1, 1, 1]),
        ("I1", "K1", "alt", [4, 4, 4]),
        ("I1", "K2", "alt", [1, 4, 4]),
    ]
    frame = pd.DataFrame(
        [(iv, coder, TEORI[j], d, v) for iv, coder, d, codes in rows for j, v in enumerate(codes) if v is not None],
        columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value"],
    )
    codings = frame.assign(
        value=pd.array(frame["value"], dtype="Int64"),
        missing_code=pd.array([None] * len(frame), dtype="string"),
        is_consensus=frame["coder_id"] == "konsensus",
    )
    study = SimpleNamespace(instrument=INSTRUMENT, interviews=interviews, codings=codings)
    keep = ["coder_id", "interview_id", "informant_role", "delimitation_id", "element_id", "coverage", "score"]
    # Coverage 2/3 for K1 in I2: kept at the threshold 0.5, left out at 0.7.
    out = coder_element_scores(study, 0.7)  # type: ignore[arg-type]
    expected = pd.DataFrame(
        [
            ("K1", "I1", "leder", "main", "teori", 1.0, (0 + 1 + 2) / 9),
            ("K2", "I1", "leder", "main", "teori", 1.0, (3 + 3 + 0) / 9),
            ("K2", "I2", pd.NA, "main", "teori", 1.0, (1 + 2 + 3) / 9),
        ],
        columns=keep,
    ).astype({"informant_role": "string"})
    assert list(out.columns) == [
        "interview_id",
        "practice_id",
        "informant_id",
        "informant_role",
        "delimitation_id",
        "element_id",
        "n_items",
        "n_answered",
        "coverage",
        "score",
        "sufficient",
        "coder_id",
    ]
    pd.testing.assert_frame_equal(out[keep], expected, check_dtype=False, atol=1e-12)  # index 0, 1, 2 too
    assert len(coder_element_scores(study)) == 4  # type: ignore[arg-type]
    alt = coder_element_scores(study, delimitation="alt")  # type: ignore[arg-type]
    assert alt[["coder_id", "interview_id"]].values.tolist() == [["K1", "I1"], ["K2", "I1"]]
    assert alt["score"].tolist() == pytest.approx([1.0, (0 + 3 + 3) / 9], abs=1e-12)


def test_codings_with_no_coder_but_the_consensus_are_a_clear_error() -> None:
    study = _pilot()
    study.codings = study.codings[study.codings["is_consensus"]]
    with pytest.raises(ScoringError) as caught:
        coder_element_scores(study)  # type: ignore[arg-type]
    assert str(caught.value) == "codings: ['konsensus'] kan ikke bruges; forventet: mindst én koders kodninger"
    assert in_language(caught.value.args[0], "en") == (
        "codings: ['konsensus'] cannot be used; expected: the codings of at least one coder"
    )
