"""The bias figures show every mark: no legend is drawn over the bars or points it explains."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.patches import Rectangle

from lovende_research import bias
from lovende_research.agreement import coder_agreement, coding_units
from lovende_research.plots import bias as bias_plots
from lovende_research.plots import figure_bytes
from lovende_research.study import Study


def _covered_marks(figure: plt.Figure) -> int:
    """Bars and scatter points whose drawn extent meets a legend's box, over every axes of ``figure``."""
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    covered = 0
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        covered += sum(
            1
            for patch in ax.patches
            if isinstance(patch, Rectangle)
            and patch.get_width()
            and patch.get_height()
            and patch.get_window_extent(renderer).overlaps(box)
        )
        for points in (c for c in ax.collections if isinstance(c, PathCollection)):
            covered += sum(
                1 for x, y in points.get_offset_transform().transform(points.get_offsets()) if box.contains(x, y)
            )
    return covered


@pytest.fixture(scope="module")
def example_checks(example_study):
    study = Study.load(example_study)
    main = study.codings[study.codings["delimitation_id"] == "main"]
    agreement = coder_agreement(
        coding_units(main, study.instrument), categories=list(study.instrument.scale_codes), n_boot=50, seed=1
    )
    return study, bias.run_bias_checks(study), agreement


@pytest.mark.parametrize("language", ["da", "en"])
def test_no_legend_covers_a_mark(example_checks, language: str) -> None:
    study, tables, agreement = example_checks
    figures = {
        "coders": bias_plots.coder_agreement_chart(agreement, study.instrument, language=language),
        "roles": bias_plots.role_chart(tables.role_profiles, tables.role_effects, language),
        "styles": bias_plots.response_style_chart(tables.response_styles, language=language),
        "stability": bias_plots.stability_chart(tables.stability, language=language),
    }
    try:
        assert {name: _covered_marks(figure) for name, figure in figures.items()} == dict.fromkeys(figures, 0)
    finally:
        for figure in figures.values():
            plt.close(figure)


def test_coder_agreement_lists_elements_in_the_instruments_order(example_checks) -> None:
    study, _, agreement = example_checks
    figure = bias_plots.coder_agreement_chart(
        agreement.sample(frac=1.0, random_state=3), study.instrument, language="da"
    )
    try:
        labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    finally:
        plt.close(figure)
    # by hand: the instrument numbers its elements 1–11; the overall row ("alle") comes last
    assert [int(label.split(".")[0]) for label in labels[:-1]] == list(range(1, len(study.instrument.elements) + 1))
    assert labels[-1].startswith("Samlet")


def test_fair_and_stability_charts_show_the_top_and_bottom_n_and_count_the_rest(example_checks) -> None:
    """``show=2`` on the example's 14 practices: the 2 best and 2 worst get rows (ordered as the tables,
    sorted here with pandas, order them), and a note counts the other 10 with their span of ranks."""
    _, checks, _ = example_checks
    fair = checks.fair_overall.dropna(subset=["fair"]).sort_values("fair", ascending=False, kind="stable")
    best, worst = fair["practice_id"].iloc[:2].tolist(), fair["practice_id"].iloc[-2:].tolist()
    figure = bias_plots.fair_chart(checks.fair_overall, language="en", show=2)
    rows = {t.get_text() for t in figure.axes[0].get_yticklabels()}
    assert rows == set(best + worst)
    assert [t.get_text() for t in figure.texts] == [
        f"{len(fair) - 4} other practices (ranks 3–{len(fair) - 2}) are not shown; all are in the table."
    ]
    plt.close(figure)
    full = checks.stability.drop_duplicates("practice_id").sort_values("rank_full")
    figure = bias_plots.stability_chart(checks.stability, language="en", show=2)
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == [
        *full["practice_id"].iloc[:2],
        *full["practice_id"].iloc[-2:],
    ]
    rest = full["rank_full"].iloc[2:-2]
    assert f"{len(full) - 4} other practices (ranks {int(rest.min())}–{int(rest.max())})" in figure.texts[0].get_text()
    plt.close(figure)
    assert len(bias_plots.fair_chart(checks.fair_overall, language="en").axes[0].get_yticklabels()) == len(
        fair
    )  # without show: all
    plt.close("all")


# A national-size input, made here: 2,000 practices (6,000 informants), far more than a page can show.
N_PRACTICES = 2000


def _national_roles(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    roles = ["leder", "medarbejder", "samarbejdspartner"]
    profiles = pd.DataFrame(
        {
            "practice_id": np.repeat([f"P{p:04d}" for p in range(N_PRACTICES)], 3),
            "informant_id": [f"P{p:04d}-{r}" for p in range(N_PRACTICES) for r in roles],
            "informant_role": roles * N_PRACTICES,
            "score": rng.uniform(0, 1, 3 * N_PRACTICES),
            "n_elements": 11,
            "excluded": rng.random(3 * N_PRACTICES) < 0.05,
        }
    )
    effects = pd.DataFrame(
        {
            "role": ["medarbejder", "samarbejdspartner"],
            "estimate": [-0.1, -0.05],
            "ci_low": [-0.15, -0.1],
            "ci_high": [-0.05, 0.0],
            "converged": [True, True],
        }
    )
    return profiles, effects


def _points(figure: plt.Figure) -> int:
    return sum(len(c.get_offsets()) for ax in figure.axes for c in ax.collections if isinstance(c, PathCollection))


def test_role_chart_of_2000_practices_shows_the_top_and_bottom_n_and_a_distribution_of_the_rest() -> None:
    profiles, effects = _national_roles()
    figure = bias_plots.role_chart(profiles, effects, "en", show=10)
    try:
        # expected rows by pandas: the 10 highest and 10 lowest mean scores, plus one row for the other 1,980
        means = profiles.groupby("practice_id")["score"].mean().sort_values()
        labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
        assert len(labels) == 21 and set(labels) == set(means.index[:10]) | set(means.index[-10:]) | {"1980 others"}
        assert _points(figure) == 20 * 3  # one point per informant of the shown practices only
        assert len(figure.axes[0].patches) == 3  # one box per role for the others
        assert [t.get_text() for t in figure.texts] == [
            "1980 other practices are shown as one row: a box plot per role of their informants; all are in the table."
        ]
        assert figure.get_figheight() < 15 and len(figure_bytes(figure)) < 300_000
    finally:
        plt.close(figure)


def test_response_styles_of_6000_informants_are_a_density_with_the_flagged_counted() -> None:
    profiles, _ = _national_roles()
    rng = np.random.default_rng(3)
    n = len(profiles)
    styles = profiles[["informant_id"]].assign(
        modal_share=rng.uniform(0.2, 1, n).round(2),
        top_share=rng.uniform(0, 1, n).round(2),
        straightliner=rng.random(n) < 0.1,
        ceiling=False,
        screen_unsupported=False,
    )
    figure = bias_plots.response_style_chart(styles, language="en", show=25, points=500)
    try:
        ax = figure.axes[0]
        flagged = styles[styles["straightliner"]]
        # by pandas: one marker per distinct position of a flagged informant, none for the others
        assert _points(figure) == len(flagged[["modal_share", "top_share"]].drop_duplicates())
        density = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert len(density) == 1 and density[0].get_array().sum() == n - len(flagged)  # every other informant
        notes = [t.get_text() for t in ax.texts if "flagged" in t.get_text()]
        assert notes == [f"{len(flagged)} flagged informants; their names are in the table."]
        assert not [t for t in ax.texts if "P0" in t.get_text()]  # no names
        assert len(figure_bytes(figure)) < 400_000
    finally:
        plt.close(figure)


def test_delimitation_chart_of_2000_practices_shows_the_n_that_move_most_and_a_box_per_element() -> None:
    rng = np.random.default_rng(5)
    elements = [f"e{k}" for k in range(11)]
    table = pd.DataFrame(
        {
            "practice_id": np.repeat([f"P{p:04d}" for p in range(N_PRACTICES)], len(elements)),
            "delimitation_id": "D1",
            "label": "wide",
            "element_id": elements * N_PRACTICES,
            "difference": rng.normal(0, 0.05, N_PRACTICES * len(elements)),
        }
    )
    table["moved"] = table["difference"].abs() > 0.15
    figure = bias_plots.delimitation_chart(table, None, language="en", show=4)
    try:
        largest = table.assign(size=table["difference"].abs()).groupby("practice_id")["size"].max()
        expected = sorted(largest.sort_values(ascending=False).index[:4])
        titles = [ax.get_title().split(":")[0] for ax in figure.axes if ax.axison]
        assert titles == [*expected, "1996 others"]
        assert len(figure.axes[4].patches) == len(elements)  # one box per element for the other 1,996
        assert figure.texts[-1].get_text().startswith("1996 other practices")
        assert len(figure_bytes(figure)) < 400_000
    finally:
        plt.close(figure)
