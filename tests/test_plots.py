"""Saving figures: SVG by default, PNG on request, the same bytes when the same figure is drawn again.

The SVG is drawn once and cropped to matplotlib's tight bounding box by its ``viewBox``; its size must
be the one matplotlib's own ``savefig(bbox_inches="tight")`` finds (the picture itself is compared in
a browser, tests/test_reports_browser.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from lovende_research.plots import figure_bytes, save_figure, use_style


def _figure() -> plt.Figure:
    use_style()
    figure, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["Teori og viden", "Klare mål", "Opfølgning"], [0.8, 0.5, 0.25])
    ax.set_title("Æ, ø og å")
    return figure


def test_svg_by_default_and_identical_on_redraw(tmp_path: Path) -> None:
    first = save_figure(_figure(), tmp_path / "a" / "profile")
    assert first == [tmp_path / "a" / "profile.svg"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["profile.svg"]  # no temporary file left behind
    svg = first[0].read_bytes()
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    again = save_figure(_figure(), tmp_path / "b" / "profile")
    assert again[0].read_bytes() == svg
    plt.close("all")


def test_png_on_request(tmp_path: Path) -> None:
    written = save_figure(_figure(), tmp_path / "profile", formats=("svg", "png"))
    assert [p.suffix for p in written] == [".svg", ".png"]
    assert written[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert save_figure(_figure(), tmp_path / "again", formats=("png",))[0].read_bytes() == written[1].read_bytes()
    plt.close("all")


def overflowing_figure() -> plt.Figure:
    """A figure whose texts reach past its edges, as several of ours do: long labels on the left, a
    legend outside on the right, a colour bar (drawn as an image) and rotated tick labels below."""
    use_style()
    figure, ax = plt.subplots(figsize=(5, 3))
    mesh = ax.pcolormesh(np.arange(12).reshape(3, 4) / 11, cmap="viridis")
    ax.set_yticks([0.5, 1.5, 2.5], ["Den borgerrettede indsats i kommunen", "Opfølgning", "Teori og viden"])
    ax.set_xticks([0.5, 1.5, 2.5, 3.5], ["Leder", "Medarbejder", "Borger", "Pårørende"], rotation=45, ha="right")
    ax.plot([0, 4], [0, 3], label="Tilfældig linje, der er lang")
    ax.legend(loc="upper left", bbox_to_anchor=(1.25, 1.0))
    figure.colorbar(mesh, ax=ax)
    ax.set_title("Æ, ø og å")
    return figure


def _size(svg: bytes) -> tuple[float, float]:
    width, height = re.search(rb'<svg[^>]* width="([0-9.]+)pt" height="([0-9.]+)pt"', svg).groups()
    return float(width), float(height)


def matplotlib_tight_svg(figure: plt.Figure) -> bytes:
    """The same figure as matplotlib writes it with its tight bounding box (two layout passes)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


@pytest.mark.parametrize("build", [_figure, overflowing_figure])
def test_svg_is_cropped_to_matplotlibs_tight_box(build) -> None:
    ours = figure_bytes(build())
    theirs = matplotlib_tight_svg(build())
    assert _size(ours) == pytest.approx(_size(theirs), abs=1e-5)
    # the overflowing figure's texts really do lie outside it, so the crop starts left of its origin
    if build is overflowing_figure:
        viewbox = re.search(rb'viewBox="([-0-9. ]+)"', ours).group(1).split()
        assert float(viewbox[0]) < 0 and _size(ours)[0] > 5 * 72
    plt.close("all")


def test_drawing_leaves_the_figure_as_it_was() -> None:
    figure = overflowing_figure()
    dpi, background = figure.dpi, figure.patch.get_bbox().bounds
    first = figure_bytes(figure)
    assert (figure.dpi, figure.patch.get_bbox().bounds) == (dpi, background)
    assert figure_bytes(figure) == first
    plt.close("all")


def _stage_figure_builders(study_dir: Path, language: str) -> dict[str, Callable[[], plt.Figure]]:
    """Every figure a run draws, as a builder each, from the example study's tables (computed once)."""
    from lovende_research import bias
    from lovende_research import screening as sc
    from lovende_research.agreement import coder_agreement, coding_units
    from lovende_research.plots import bias as bias_plots
    from lovende_research.plots import scores as score_plots
    from lovende_research.plots import screening as screening_plots
    from lovende_research.scoring import score_study
    from lovende_research.study import Study

    study = Study.load(study_dir)
    review = sc.duplicate_review(study.candidates, sc.find_duplicates(study.candidates), study.duplicates)
    screened = sc.screened_rows(study.screening, sc.removed_duplicates(review))
    eligibility = sc.practice_eligibility(sc.final_decisions(screened))
    catalogue, screening_agreement = sc.catalogue_counts(study.candidates), sc.screening_agreement(screened)
    flow = sc.flow_counts(study.candidates, review, eligibility)
    scores = score_study(study, n_boot=50, seed=1, language=language)
    checks = bias.run_bias_checks(study, language=language)
    main = study.codings[study.codings["delimitation_id"] == "main"]
    agreement = coder_agreement(
        coding_units(main, study.instrument), categories=list(study.instrument.scale_codes), n_boot=50, seed=1
    )
    practice = scores.profiles["practice_id"].iloc[0]
    instrument = study.instrument
    return {
        "catalogue": lambda: screening_plots.catalogue_figure(catalogue, language=language),
        "screening agreement": lambda: screening_plots.agreement_figure(screening_agreement, language=language),
        "flow": lambda: screening_plots.flow_diagram(flow, language=language),
        "heatmap": lambda: score_plots.heatmap(scores.profiles, scores.overall, instrument, language),
        "ranks": lambda: score_plots.rank_chart(scores.ranks, language),
        "pattern": lambda: score_plots.element_pattern_chart(
            scores.profiles, scores.element_pattern, instrument, language
        ),
        "profile": lambda: score_plots.profile_chart(scores.profiles, practice, instrument, language),
        "coders": lambda: bias_plots.coder_agreement_chart(agreement, instrument, language=language),
        "icc": lambda: bias_plots.icc_chart(checks.icc, instrument, language),
        "roles": lambda: bias_plots.role_chart(checks.role_profiles, checks.role_effects, language),
        "styles": lambda: bias_plots.response_style_chart(checks.response_styles, language=language),
        "stability": lambda: bias_plots.stability_chart(checks.stability, language=language),
        "delimitation": lambda: bias_plots.delimitation_chart(checks.delimitation, instrument, language=language),
    }


def _svgs(builders: dict[str, Callable[[], plt.Figure]]) -> dict[str, bytes]:
    """Each builder's figure as SVG bytes, the figure closed after it is written."""
    svgs = {}
    for name, build in builders.items():
        figure = build()
        svgs[name] = figure_bytes(figure)
        plt.close(figure)
    return svgs


def test_fixed_title_height_moves_no_title(example_study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``use_style`` fixes titles at the top of their axes (``axes.titley``), which skips matplotlib's
    automatic title placement; that placement only moves a title above tick labels or an axis label at
    the top, or an offset text, and none of our figures has one, so every figure must come out the same
    byte for byte with the automatic placement switched back on."""
    builders = _stage_figure_builders(example_study, "da")
    fixed = _svgs(builders)

    def automatic_titles() -> None:
        use_style()
        plt.rcParams["axes.titley"] = None

    for module in ("screening", "scores", "bias"):
        monkeypatch.setattr(f"lovende_research.plots.{module}.use_style", automatic_titles)
    automatic = _svgs(builders)
    assert len(fixed) == 13
    assert [name for name in fixed if fixed[name] != automatic[name]] == []


def test_heatmap_is_drawn_as_seaborn_draws_it(example_study: Path) -> None:
    """The heatmap is drawn with matplotlib alone; drawn through ``seaborn.heatmap`` with the same
    arguments (as it was until it became the slowest figure to build), the SVG is the same byte for byte."""
    import seaborn as sns

    from lovende_research.plots import scores as score_plots
    from lovende_research.scoring import score_study
    from lovende_research.study import Study

    study = Study.load(example_study)
    tables = score_study(study, n_boot=20, seed=1)
    ours = figure_bytes(score_plots.heatmap(tables.profiles, tables.overall, study.instrument, "en"))

    use_style()
    order = tables.overall.sort_values("overall", ascending=False)["practice_id"].tolist()
    elements = [e.id for e in study.instrument.elements]
    main = tables.profiles[tables.profiles["delimitation_id"] == "main"]
    scores = main.pivot(index="practice_id", columns="element_id", values="score").reindex(
        index=order, columns=elements
    )
    coverage = main.pivot(index="practice_id", columns="element_id", values="coverage").reindex(
        index=order, columns=elements
    )
    assert scores.notna().all().all()  # seaborn leaves a cell without a score blank; ours writes a dash there
    annot = scores.map(lambda v: f"{v:.2f}") + np.where(coverage < 1 - 1e-9, "*", "")
    figure, ax = plt.subplots(figsize=(len(elements) + 3.5, 0.45 * len(order) + 2.5))
    ax.set_facecolor("#d9d9d9")
    sns.heatmap(
        scores.astype(float),
        ax=ax,
        vmin=0,
        vmax=1,
        cmap="viridis",
        annot=annot.to_numpy(),
        fmt="",
        annot_kws={"fontsize": 8},
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"label": "Score (0–1)"},
    )
    ax.set_xticklabels([f"{e.number}. {e.name('en')}" for e in study.instrument.elements], rotation=45, ha="right")
    ax.set_yticklabels(order, rotation=0)
    ax.set_xlabel("Element")
    ax.set_ylabel("Practice")
    ax.set_title(score_plots.PHRASES["heatmap_title"][1] + "\n" + score_plots.PHRASES["heatmap_note"][1], fontsize=10)
    assert ours == figure_bytes(figure)
    plt.close("all")


def test_heatmap_and_ranking_show_the_top_and_bottom_n_and_summarise_the_rest(example_study: Path) -> None:
    """With ``show=3`` on the example's 14 practices, the figures give the 3 best and 3 worst their own
    rows and one row for the other 8: the median per element (computed here with pandas from the profile
    table) in the heatmap, the span of their ranks in the ranking."""
    from lovende_research.plots import scores as score_plots
    from lovende_research.scoring import score_study
    from lovende_research.study import Study

    study = Study.load(example_study)
    tables = score_study(study, n_boot=20, seed=1)
    main = tables.profiles[tables.profiles["delimitation_id"] == "main"]
    order = (
        tables.overall[tables.overall["delimitation_id"] == "main"]
        .sort_values("overall", ascending=False)["practice_id"]
        .tolist()
    )
    assert len(order) == 14
    figure = score_plots.heatmap(tables.profiles, tables.overall, study.instrument, "en", show=3)
    ax = figure.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == [*order[:3], "8 others (median)", *order[-3:]]
    median = main[main["practice_id"].isin(order[3:-3])].groupby("element_id")["score"].median()
    cells = {(round(t.get_position()[1] - 0.5), round(t.get_position()[0] - 0.5)): t.get_text() for t in ax.texts}
    elements = [e.id for e in study.instrument.elements]
    assert [cells[(3, k)] for k in range(len(elements))] == [f"{median[e]:.2f}" for e in elements]
    plt.close(figure)

    ranks = (
        tables.ranks[tables.ranks["delimitation_id"] == "main"] if "delimitation_id" in tables.ranks else tables.ranks
    )
    by_rank = ranks.dropna(subset=["rank"]).sort_values("rank")
    figure = score_plots.rank_chart(tables.ranks, "en", show=3)
    rows = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    rest = by_rank.iloc[3:-3]["rank"]
    assert rows == [
        *by_rank["practice_id"].iloc[:3],
        f"8 others: ranks {int(rest.min())}–{int(rest.max())}",
        *by_rank["practice_id"].iloc[-3:],
    ]
    plt.close(figure)
    # without show (or with a show covering every practice) every practice has its row, as before
    assert (
        len(
            score_plots.heatmap(tables.profiles, tables.overall, study.instrument, "en", show=7)
            .axes[0]
            .get_yticklabels()
        )
        == 14
    )
    plt.close("all")


def test_element_pattern_draws_distributions_instead_of_points_beyond_2n_practices(example_study: Path) -> None:
    """With ``show=3`` and 14 practices each element is one box (its quartiles, computed here with numpy)
    and no point per practice is drawn; with ``show=7`` the 14 × 11 points are drawn as before."""
    from matplotlib.collections import PathCollection

    from lovende_research.plots import scores as score_plots
    from lovende_research.scoring import score_study
    from lovende_research.study import Study

    study = Study.load(example_study)
    tables = score_study(study, n_boot=20, seed=1)
    figure = score_plots.element_pattern_chart(tables.profiles, tables.element_pattern, study.instrument, "en", show=3)
    ax = figure.axes[0]
    assert not [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets()) > 11]
    first = (
        tables.element_pattern[tables.element_pattern["delimitation_id"] == "main"]
        .sort_values("rank")["element_id"]
        .iloc[0]
    )
    scores = tables.profiles[(tables.profiles["delimitation_id"] == "main") & (tables.profiles["element_id"] == first)][
        "score"
    ].dropna()
    q1, q3 = np.percentile(scores, [25, 75])
    box = ax.patches[0].get_path().vertices[:, 0]  # the top box is the strongest element
    assert box.min() == pytest.approx(q1, abs=1e-9) and box.max() == pytest.approx(q3, abs=1e-9)
    plt.close(figure)
    figure = score_plots.element_pattern_chart(tables.profiles, tables.element_pattern, study.instrument, "en", show=7)
    scored = tables.profiles[tables.profiles["delimitation_id"] == "main"].dropna(subset=["score"])
    assert max(len(c.get_offsets()) for c in figure.axes[0].collections if isinstance(c, PathCollection)) == len(scored)
    plt.close("all")


def test_reused_profile_chart_draws_each_practice_as_a_new_figure_would() -> None:
    """ProfileCharts redraws one figure per practice (the practice pages' thousands of profiles); what
    it draws must not depend on the practice drawn before: a missing score's grey bar, or an interval,
    left over from the last practice would show on the next one's page."""
    from lovende_research.instrument import load_instrument
    from lovende_research.plots import scores as score_plots

    instrument = load_instrument()
    elements = [e.id for e in instrument.elements]
    rng = np.random.default_rng(5)
    rows = []
    for pid in ("P1", "P2", "P3"):
        score = rng.uniform(0.2, 0.8, len(elements))
        for i, element in enumerate(elements):
            missing = pid == "P2" and i in (1, 3)  # two elements without a score
            no_interval = pid == "P3" and i == 0  # a score without an interval
            rows.append(
                {
                    "practice_id": pid,
                    "element_id": element,
                    "score": np.nan if missing else score[i],
                    "ci_low": np.nan if missing or no_interval else score[i] - 0.1,
                    "ci_high": np.nan if missing or no_interval else score[i] + 0.1,
                }
            )
    profiles = pd.DataFrame(rows)
    charts = score_plots.ProfileCharts(instrument, "da", 0.9)
    # P2 lacks two scores, so its page shows two hatched grey bars (each filled from the SVG's hatch
    # pattern) and P1 and P3 none.
    hatched = {"P1": 0, "P2": 2, "P3": 0}
    try:
        for pid in ("P2", "P1", "P3"):
            fresh = score_plots.profile_chart(profiles, pid, instrument, "da", ci=0.9)
            expected = figure_bytes(fresh)
            plt.close(fresh)
            drawn = charts.svg(profiles, pid)
            assert drawn == expected, pid
            assert len(re.findall(rb"fill: url\(#h", drawn)) == hatched[pid], pid
    finally:
        charts.close()
