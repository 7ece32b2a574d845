"""The bias figures show every mark: no legend is drawn over the bars or points it explains."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from lovende_research import bias
from lovende_research.agreement import coder_agreement, coding_units
from lovende_research.plots import bias as bias_plots
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
