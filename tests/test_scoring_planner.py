"""Tests of the design planner (lovende_research.scoring.planner) and ``lovende plan``.

Reference numbers: Brennan's (2001) published G study of his synthetic data set no. 2, and the
components planted by a small generator written here (no code shared with ``simulate.py``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lovende_research.config import EXAMPLE_STUDY
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.scoring.model import fit_score_model, two_way_components
from lovende_research.scoring.planner import (
    GStudy,
    _CodedScores,
    _g_study,
    coefficients,
    d_study,
    g_study,
    needed,
    plan_study,
)
from lovende_research.scoring.profiles import practice_profiles
from lovende_research.study import Study
from tests.g_theory_data import brennan_scores


def test_brennans_nested_example_gives_his_components_and_coefficients() -> None:
    """Persons are practices and the items nested in them informants (both designs are i:p)."""
    g = g_study(brennan_scores())
    # Brennan (2001), G study of synthetic data set no. 2: sigma^2(p) = .6108, sigma^2(i:p) = 2.0250
    # (mean squares 6.9111 and 2.0250 on 9 and 70 df); printed to four decimals, so tolerance 5e-5.
    assert g.variance["practice"] == pytest.approx(0.6108, abs=5e-5)
    assert g.variance["informant"] == pytest.approx(2.0250, abs=5e-5)
    assert g.n_informants == 8
    # Brennan (2001), D study with n_i' = 8 for the same data: E rho^2 = Phi = .71 (printed to two
    # decimals, so tolerance 0.005); in an i:p design every error is relative, so G equals Phi.
    projected = coefficients(g.variance, n_informants=8, n_coders=1)
    assert projected["G"] == pytest.approx(0.71, abs=0.005)
    assert projected["Phi"] == pytest.approx(projected["G"], abs=1e-12)


PLANTED = {
    "practice": 0.010,
    "practice_element": 0.015,
    "informant": 0.008,
    "informant_element": 0.012,
    "coder": 0.002,
    "residual": 0.006,
}


def planted(
    seed: int, n_practices: int = 60, n_informants: int = 3, n_coders: int = 2, n_elements: int = 11
) -> pd.DataFrame:
    """Coder-level element scores from the G study's model with the PLANTED components; coders crossed
    with every interview (each coder codes all), elements with fixed means."""
    rng = np.random.default_rng(seed)
    sd = {k: np.sqrt(v) for k, v in PLANTED.items()}
    element_mean = np.linspace(0.3, 0.7, n_elements)
    coder = rng.normal(0, sd["coder"], n_coders)
    rows = []
    for p in range(n_practices):
        level = rng.normal(0, sd["practice"]) + rng.normal(0, sd["practice_element"], n_elements)
        for i in range(n_informants):
            informant = rng.normal(0, sd["informant"]) + rng.normal(0, sd["informant_element"], n_elements)
            for c in range(n_coders):
                score = element_mean + level + informant + coder[c] + rng.normal(0, sd["residual"], n_elements)
                rows += [
                    (f"P{p}", f"P{p}-{i}", f"P{p}-{i}", "medarbejder", f"e{e}", f"C{c}", score[e])
                    for e in range(n_elements)
                ]
    return pd.DataFrame(
        rows,
        columns=["practice_id", "informant_id", "interview_id", "informant_role", "element_id", "coder_id", "score"],
    )


def test_components_recover_planted_ones_and_the_projection_its_coefficients() -> None:
    """Averaged over 20 planted studies (60 practices x 3 informants x 2 coders x 11 elements) every
    component sits near its planted value. The coder component rests on 1 df per study (two coders),
    so it gets a wide tolerance; the others about 4 SE of the mean."""
    estimates = pd.DataFrame([g_study(planted(seed)).variance for seed in range(20)]).mean()
    for name, tolerance in {
        "practice": 0.25,
        "practice_element": 0.1,
        "informant": 0.15,
        "informant_element": 0.1,
        "residual": 0.05,
        "coder": 0.8,
    }.items():
        assert estimates[name] == pytest.approx(PLANTED[name], rel=tolerance), name
    # The projected coefficients for 4 informants and 2 coders, against the formula on the planted
    # components by hand: element tau = .025, delta = .008/4 + .012/4 + .006/8 = .00575, so
    # G = .025 / .03075 = 0.813; Phi adds .002/2: 0.025 / 0.03175 = 0.787.
    g = GStudy(dict(estimates), 3.0, 2.0, 11)
    projected = d_study(g, informants=[4], coders=[2]).set_index("measure")
    assert projected.at["element", "G"] == pytest.approx(0.025 / 0.03075, abs=0.03)
    assert projected.at["element", "Phi"] == pytest.approx(0.025 / 0.03175, abs=0.03)


def unbalanced(seed: int) -> pd.DataFrame:
    """A small messy design: roles differ, one informant has two interviews, each interview is coded by
    two of three coders, and a sixth of the scores are missing (so the fits' alternating projections
    have to iterate, and the harmonic means are not whole numbers)."""
    rng = np.random.default_rng(seed)
    scores = planted(seed, n_practices=7, n_informants=3, n_coders=3, n_elements=4)
    scores["informant_role"] = np.where(scores["informant_id"].str.endswith("-0"), "leder", "medarbejder")
    second = scores["informant_id"] == "P2-1"  # P2's informant 2 is informant 1 interviewed a second time
    scores.loc[scores["informant_id"] == "P2-2", "informant_id"] = "P2-1"
    scores.loc[second, "interview_id"] = "P2-1"
    skipped = {iv: f"C{rng.integers(3)}" for iv in scores["interview_id"].unique()}
    keep = (scores["coder_id"] != scores["interview_id"].map(skipped)) & (rng.random(len(scores)) > 1 / 6)
    return scores[keep].reset_index(drop=True)


def g_study_from_tables(cs: pd.DataFrame) -> dict[str, float]:
    """The G study the way its Notes read, through the package's tables (``fit_score_model``,
    ``practice_profiles``) with pandas groupbys: the route the integer fast path replaces."""

    def codes(*columns: str) -> np.ndarray:
        return cs.groupby(list(columns), sort=True).ngroup().to_numpy()

    coders = two_way_components(cs["score"].to_numpy(), codes("interview_id", "element_id"), codes("coder_id"))
    n_coders = cs.groupby(["interview_id", "element_id"]).size()
    n_coders = len(n_coders) / np.sum(1 / n_coders)
    keys = ["interview_id", "practice_id", "informant_id", "informant_role", "element_id"]
    es = cs.groupby(keys)["score"].mean().reset_index()
    es = es.assign(delimitation_id=MAIN_DELIMITATION, coverage=1.0, sufficient=True)
    model = fit_score_model(es)
    profiles = practice_profiles(es).dropna(subset=["score"])
    n_informants = len(profiles) / np.sum(1 / profiles["n_scored"])
    practices = two_way_components(
        profiles["score"].to_numpy(),
        profiles.groupby("element_id").ngroup().to_numpy(),
        profiles.groupby("practice_id").ngroup().to_numpy(),
    )
    return {
        "practice": max(practices.informant_var - model.informant_var / n_informants, 0.0),
        "practice_element": max(practices.residual_var - model.residual_var / n_informants, 0.0),
        "informant": model.informant_var,
        "informant_element": max(model.residual_var - coders.residual_var / n_coders, 0.0),
        "coder": coders.informant_var,
        "residual": coders.residual_var,
        "n_informants": n_informants,
        "n_coders": n_coders,
    }


def test_integer_g_study_equals_the_route_through_the_tables() -> None:
    """The bincount path of g_study gives the components the tables give, to rounding (1e-12)."""
    cs = unbalanced(3)
    expected = g_study_from_tables(cs)
    assert 1 < expected["n_coders"] < 2 and expected["n_informants"] != round(expected["n_informants"])
    g = g_study(cs)
    assert {**g.variance, "n_informants": g.n_informants, "n_coders": g.n_coders} == pytest.approx(
        {**expected, "item": np.nan}, abs=1e-12, nan_ok=True
    )


def test_a_resample_of_integer_codes_is_the_resample_of_the_rows_with_ids_made_distinct() -> None:
    """Drawing practices 3, 0, 3, 6 (P3 twice) on the integer codes gives the G study of those
    practices' rows concatenated, with every id suffixed by its draw position (what the planner did
    before, with strings), computed through the tables."""
    cs = unbalanced(5)
    chosen = np.array([3, 0, 3, 6])
    copies = []
    for position, p in enumerate(chosen):
        rows = cs[cs["practice_id"] == f"P{p}"].copy()
        for column in ("practice_id", "informant_id", "interview_id"):
            rows[column] = rows[column] + f"#{position}"
        copies.append(rows)
    expected = g_study_from_tables(pd.concat(copies, ignore_index=True))
    g = _g_study(_CodedScores.of(cs).resample(chosen))
    assert {**g.variance, "n_informants": g.n_informants, "n_coders": g.n_coders} == pytest.approx(
        {**expected, "item": np.nan}, abs=1e-12, nan_ok=True
    )


def test_needed_is_the_first_design_that_reaches_the_target() -> None:
    # tau = .025, per-informant error .008 + .012 + .006 / n_c: with one coder .026, so G(n) = .025 /
    # (.025 + .026 / n) >= .8 needs n >= 4 * .026 / .025 = 4.16, i.e. 5 informants; >= .7 needs 2.4, i.e. 3.
    g = GStudy({**PLANTED, "coder": 0.0, "item": np.nan}, 3.0, 1.0, 11)
    table = needed(g, coders=[1]).set_index(["measure", "coefficient", "target"])
    assert table.at[("element", "G", 0.8), "n_informants"] == 5
    assert table.at[("element", "G", 0.7), "n_informants"] == 3
    # A coefficient no number of informants reaches is <NA>: the coder's severity alone keeps Phi below 1.
    severe = GStudy({**PLANTED, "coder": 1.0, "item": np.nan}, 3.0, 1.0, 11)
    assert pd.isna(
        needed(severe, coders=[1])
        .set_index(["measure", "coefficient", "target"])
        .at[("element", "Phi", 0.8), "n_informants"]
    )


def test_plan_of_the_example_is_reproducible_and_its_intervals_hold_the_estimate() -> None:
    study = Study.load(EXAMPLE_STUDY)
    plan = plan_study(study, n_boot=30, seed=4)
    again = plan_study(study, n_boot=30, seed=4)
    pd.testing.assert_frame_equal(plan.projections, again.projections)
    p = plan.projections
    assert set(p["n_informants"]) == set(range(1, 7)) and set(p["n_coders"]) == {1, 2, 3}
    assert ((p["G_low"] <= p["G"]) & (p["G"] <= p["G_high"])).mean() >= 0.9
    # The example has 3 informants per practice (a few below it where an element lacks coverage) and
    # 2 coders per interview; that is the row marked as the design used.
    used = p[p["design_used"]]
    assert set(zip(used["n_informants"], used["n_coders"], strict=True)) == {(3, 2)}
    assert list(plan.components["component"]) == [
        "practice",
        "practice_element",
        "informant",
        "informant_element",
        "coder",
        "residual",
        "item",
    ]


def test_lovende_plan_prints_the_table_and_writes_csv(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lovende_research.cli",
            "plan",
            str(EXAMPLE_STUDY),
            "--n-boot",
            "20",
            "--out",
            str(tmp_path),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Design plan for example" in done.stdout and "Fewest informants per practice" in done.stdout
    projections = pd.read_csv(tmp_path / "design_projections.csv")
    assert len(projections) == 2 * 6 * 3
    assert {"measure", "n_informants", "n_coders", "G", "G_low", "G_high", "Phi", "Phi_low", "Phi_high"} <= set(
        projections.columns
    )
    assert (tmp_path / "design_components.csv").is_file() and (tmp_path / "design_needed.csv").is_file()


def test_plan_text_writes_decimal_commas_in_danish_and_points_in_english() -> None:
    plan = plan_study(Study.load(EXAMPLE_STUDY), n_boot=10, seed=4)
    danish, english = plan.text("da"), plan.text("en")
    assert re.search(r"\d,\d\d \[\d,\d\d; \d,\d\d\]", danish) and re.search(r"\d\.\d\d \[\d\.\d\d; \d\.\d\d\]", english)
    assert not re.search(r"\d\.\d", danish), "a decimal point in the Danish plan"
    assert not re.search(r"\d,\d", english), "a decimal comma in the English plan"


@pytest.mark.parametrize("language, title", [("da", "En elementscore"), ("en", "An element score")])
def test_design_chart_draws_one_line_per_coder_count_with_the_design_used(language: str, title: str) -> None:
    import matplotlib.pyplot as plt

    from lovende_research.plots.design import design_chart

    g = GStudy({**PLANTED, "item": np.nan}, 3.0, 2.0, 11)
    projections = d_study(g).assign(G_low=lambda d: d["G"] - 0.1, G_high=lambda d: d["G"] + 0.1)
    projections["design_used"] = (projections["n_informants"] == 3) & (projections["n_coders"] == 2)
    figure = design_chart(projections, language)
    element, overall = figure.axes
    assert element.get_title() == title
    # three coder lines and the square marking the design used, per panel
    assert len(element.lines) == 4 + 2  # + the two dashed targets
    square = element.lines[3]
    assert list(square.get_xdata()) == [3] and square.get_ydata()[0] == pytest.approx(
        coefficients(g.variance, 3, 2)["G"]
    )
    plt.close(figure)


def test_stage_three_shows_and_writes_the_design_plan(example_run) -> None:
    """Notebook 03's last section: the plan's CSV tables and its figure, shown on the stage's page."""
    from lovende_research.display import svg_element

    processed = example_run.index.parent.parent.parent / "processed" / "example"
    design = processed / "bias" / "design"
    projections = pd.read_csv(design / "design_projections.csv")
    assert len(projections) == 36 and projections["design_used"].sum() == 2
    page = (example_run.index.parent / "03_subjectivity_bias.html").read_text(encoding="utf-8")
    assert "Designplan" in page and "Projiceret pålidelighed (G) efter design" in (
        design / "design_plan.svg"
    ).read_text(encoding="utf-8")
    import base64
    import re

    shown = {base64.b64decode(d) for d in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)}
    assert svg_element((design / "design_plan.svg").read_bytes()).encode("utf-8") in shown
