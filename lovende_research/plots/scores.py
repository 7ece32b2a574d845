"""Figures of the interview-coding stage: heatmap, practice profile, element pattern, ranking.

Every function takes the long tables :mod:`lovende_research.scoring` returns and the study's instrument
(for element names in Danish or English), and returns a matplotlib Figure; saving is the caller's job
(:func:`lovende_research.plots.save_figure`). Insufficient scores are never drawn as low: they are grey
and marked, so a reader cannot mistake thin evidence for a weak practice.
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.artist import Artist
from matplotlib.backend_bases import RendererBase
from matplotlib.container import ErrorbarContainer
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox, TransformedBbox
from seaborn.utils import relative_luminance

from lovende_research.errors import Text
from lovende_research.i18n import check_language, number, phrase
from lovende_research.instrument import Instrument
from lovende_research.plots import figure_bytes, localised, top_and_bottom, use_style
from lovende_research.scoring import ScoringError

PHRASES: dict[str, tuple[str, str]] = {
    "heatmap_title": (
        "Elementprofil pr. praksis (ordnet efter samlet indeks)",
        "Element profile per practice (ordered by overall index)",
    ),
    "practice": ("Praksis", "Practice"),
    "rest_median": ("{n} øvrige (median)", "{n} others (median)"),
    "rest_ranks": ("{n} øvrige: pladser {low}–{high}", "{n} others: ranks {low}–{high}"),
    "element": ("Element", "Element"),
    "score": ("Score (0–1)", "Score (0–1)"),
    "overall": ("Samlet indeks", "Overall index"),
    "insufficient": ("utilstrækkelig dækning", "insufficient coverage"),
    "heatmap_note": (
        "Tal = score; * = ikke alle spørgsmål besvaret; grå = for få svar til en score",
        "Number = score; * = not all items answered; grey = too few answers for a score",
    ),
    "profile_title": (
        "Profil for {practice}: score med {ci} % interval",
        "Profile of {practice}: score with {ci}% interval",
    ),
    "profile_note": (
        "Grå markering = utilstrækkelig dækning; intet interval = for få informanter til et interval",
        "Grey mark = insufficient coverage; no interval = too few informants for an interval",
    ),
    "pattern_title": ("Elementernes mønster på tværs af praksisser", "Element pattern across practices"),
    "strongest": ("stærkest", "strongest"),
    "weakest": ("svagest", "weakest"),
    "middle": ("midt", "middle"),
    "mean": ("gennemsnit over praksisser", "mean across practices"),
    "rank_title": ("Rangering med {ci} % rangintervaller", "Ranking with {ci}% rank intervals"),
    "rank": ("Rang (1 = højest samlet indeks)", "Rank (1 = highest overall index)"),
    "rank_note": (
        "Overlappende intervaller: rækkefølgen kan ikke skelnes",
        "Overlapping intervals: the order cannot be told apart",
    ),
    "point": ("Rang", "Rank"),
    "interval": ("Rang-interval", "Rank interval"),
    "p_top": ("Sandsynlighed for top {k}", "Probability of top {k}"),
    "p_top_decile": ("top 10 % ({k} pladser)", "top 10 % ({k} places)"),
}

MAIN = "main"


def _one_delimitation(frame: pd.DataFrame, delimitation: str) -> pd.DataFrame:
    out = frame[frame["delimitation_id"] == delimitation] if "delimitation_id" in frame.columns else frame
    if out.empty:
        raise ScoringError(
            "delimitation",
            delimitation,
            Text("en afgrænsning med scorer i tabellen", "a delimitation with scores in the table"),
        )
    return out


def _element_names(instrument: Instrument, language: str) -> dict[str, str]:
    return {e.id: f"{e.number}. {e.name(language)}" for e in instrument.elements}


#: The row that stands for the practices between the top and the bottom ones.
REST = "\x00rest"


def _label(practice: str, labels: Mapping[str, str] | None) -> str:
    return f"{practice} {labels[practice]}" if labels and practice in labels else practice


def heatmap(
    profiles: pd.DataFrame,
    overall: pd.DataFrame,
    instrument: Instrument,
    language: str = "da",
    delimitation: str = MAIN,
    labels: Mapping[str, str] | None = None,
    show: int | None = None,
) -> plt.Figure:
    """Practices × elements, rows ordered by overall index (highest first), coverage marked.

    A cell shows its score; ``*`` marks a score from an element where not every item was answered;
    grey cells with ``–`` had too few answers for a score. ``labels`` maps practice_id to a short name.
    With ``show`` and more than ``2 * show`` practices, only the ``show`` highest and lowest get a row;
    one row between them gives the median score per element of all the others (a national study's
    heatmap was otherwise one row per practice, about 150,000 pt tall).

    Drawn with matplotlib's ``pcolormesh`` as seaborn's ``heatmap`` draws it (same mesh, colour bar, text
    colours), without seaborn's extra drawing of the whole figure to decide whether to turn tick labels
    that are turned here anyway: that drawing was 60 % of the time spent building this figure.
    """
    check_language(language)
    use_style()
    prof = _one_delimitation(profiles, delimitation)
    order = (
        _one_delimitation(overall, delimitation)
        .sort_values("overall", ascending=False, na_position="last")["practice_id"]
        .tolist()
    )
    elements = [e.id for e in instrument.elements]
    scores = prof.pivot(index="practice_id", columns="element_id", values="score").reindex(
        index=order, columns=elements
    )
    coverage = prof.pivot(index="practice_id", columns="element_id", values="coverage").reindex(
        index=order, columns=elements
    )
    top, rest, bottom = top_and_bottom(order, show)
    if rest:
        median = scores.loc[rest].median().rename(REST)
        scores = pd.concat([scores.loc[top], median.to_frame().T, scores.loc[bottom]])
        coverage = pd.concat(
            [coverage.loc[top], pd.DataFrame(1.0, index=[REST], columns=elements), coverage.loc[bottom]]
        )
        order = [*top, REST, *bottom]
    annot = np.where(
        scores.isna(), "–", scores.map(lambda v: number(v, language)) + np.where(coverage < 1 - 1e-9, "*", "")
    )
    names = _element_names(instrument, language)
    figure, ax = plt.subplots(figsize=(1.0 * len(elements) + 3.5, 0.45 * len(order) + 2.5))
    ax.set_facecolor("#d9d9d9")  # a cell without a score is not drawn, so it shows this grey
    for spine in ax.spines.values():
        spine.set_visible(False)
    values = np.ma.masked_invalid(scores.to_numpy(dtype=float))
    mesh = ax.pcolormesh(values, cmap="viridis", vmin=0, vmax=1, linewidths=0.5, edgecolor="white")
    ax.set(xlim=(0, len(elements)), ylim=(len(order), 0))  # first row at the top
    figure.colorbar(mesh, ax=ax, label=phrase(PHRASES, "score", language)).outline.set_linewidth(0)
    # dark text on light cells and white on dark ones (seaborn's rule), the dash dark on the grey of no score
    luminance = relative_luminance(mesh.to_rgba(values).reshape(-1, 4)).reshape(values.shape)
    dark_text = np.ma.getmaskarray(values) | (luminance > 0.408)
    for (row, column), text in np.ndenumerate(annot):
        ax.text(
            column + 0.5,
            row + 0.5,
            text,
            ha="center",
            va="center",
            fontsize=8,
            color="0.15" if dark_text[row, column] else "w",
        )
    ax.set_xticks(np.arange(len(elements)) + 0.5, [names[e] for e in elements], rotation=45, ha="right")
    rest_label = phrase(PHRASES, "rest_median", language, n=len(rest))
    ax.set_yticks(
        np.arange(len(order)) + 0.5, [rest_label if p == REST else _label(p, labels) for p in order], va="center"
    )
    ax.set_xlabel(phrase(PHRASES, "element", language))
    ax.set_ylabel(phrase(PHRASES, "practice", language))
    ax.set_title(
        phrase(PHRASES, "heatmap_title", language) + "\n" + phrase(PHRASES, "heatmap_note", language), fontsize=10
    )
    return localised(figure, language)


def profile_chart(
    profiles: pd.DataFrame,
    practice_id: str,
    instrument: Instrument,
    language: str = "da",
    delimitation: str = MAIN,
    ci: float = 0.95,
) -> plt.Figure:
    """One practice's element scores as horizontal bars with their intervals (model or bootstrap, as scored)."""
    return ProfileCharts(instrument, language, ci).chart(profiles, practice_id, delimitation)


class ProfileCharts:
    """Profile charts (:func:`profile_chart`) of many practices, drawn on one figure that is redrawn for each.

    A national study has thousands of practice pages, each with its profile. A new figure per practice
    spent most of its time building the same axes, ticks, labels and note again; here they are built
    once, and each practice only sets its bars' widths, which elements lack a score, its intervals and
    its title. The picture is the same as a new figure's: every element has a score bar and an
    "insufficient" bar with its label, shown when the score is missing, so the artists are drawn in the
    same order. The figure belongs to this object: save it before the next :meth:`chart`, close it
    with :meth:`close` (or ``plt.close``).
    """

    def __init__(self, instrument: Instrument, language: str = "da", ci: float = 0.95):
        check_language(language)
        use_style()
        self._language, self._ci = language, ci
        self._elements = [e.id for e in instrument.elements]
        names = _element_names(instrument, language)
        y = np.arange(len(self._elements))
        self.figure, self._ax = plt.subplots(figsize=(7, 0.45 * len(self._elements) + 1.8))
        self._bars = self._ax.barh(y, np.zeros(len(y)), color=sns.color_palette()[0], alpha=0.85)
        self._missing: list[tuple[Artist, Artist]] = []
        for yi in y:
            bar = self._ax.barh(yi, 1.0, color="#d9d9d9", hatch="//", edgecolor="white")[0]
            label = self._ax.text(
                0.5, float(yi), phrase(PHRASES, "insufficient", language), ha="center", va="center", fontsize=8
            )
            self._missing.append((bar, label))
        self._intervals: ErrorbarContainer | None = None
        self._static_box: Bbox | None = None
        self._ax.set_yticks(y, [names[e] for e in self._elements])
        self._ax.invert_yaxis()
        self._ax.set_xlim(0, 1)
        self._ax.set_xlabel(phrase(PHRASES, "score", language))
        self.figure.text(0.01, 0.0, phrase(PHRASES, "profile_note", language), fontsize=8, ha="left", va="top")
        localised(self.figure, language)

    def chart(self, profiles: pd.DataFrame, practice_id: str, delimitation: str = MAIN) -> plt.Figure:
        """The figure, redrawn with ``practice_id``'s profile (its rows of ``profiles``)."""
        prof = _one_delimitation(profiles, delimitation)
        prof = prof[prof["practice_id"] == practice_id]
        if prof.empty:
            raise ScoringError(
                "practice_id",
                practice_id,
                Text("en praksis med scorer i profiles", "a practice with scores in profiles"),
            )
        prof = prof.set_index("element_id").reindex(self._elements)
        score = prof["score"].to_numpy(dtype=float)
        for bar, width in zip(self._bars, np.nan_to_num(score), strict=True):
            bar.set_width(width)
        for (bar, label), missing in zip(self._missing, np.isnan(score), strict=True):
            bar.set_visible(bool(missing))
            label.set_visible(bool(missing))
        if self._intervals is not None:
            self._intervals.remove()
        y = np.arange(len(self._elements))
        low = prof["ci_low"].to_numpy(dtype=float) if "ci_low" in prof else np.full(len(y), np.nan)
        high = prof["ci_high"].to_numpy(dtype=float) if "ci_high" in prof else np.full(len(y), np.nan)
        has_ci = ~np.isnan(low) & ~np.isnan(score)
        self._intervals = self._ax.errorbar(
            score[has_ci],
            y[has_ci],
            xerr=[score[has_ci] - low[has_ci], high[has_ci] - score[has_ci]],
            fmt="none",
            ecolor="black",
            capsize=3,
        )
        self._ax.set_title(
            phrase(PHRASES, "profile_title", self._language, practice=practice_id, ci=round(100 * self._ci))
        )
        return self.figure

    def svg(self, profiles: pd.DataFrame, practice_id: str, delimitation: str = MAIN) -> bytes:
        """``practice_id``'s chart as SVG bytes, the same as ``figure_bytes`` of a new :func:`profile_chart`."""
        return figure_bytes(self.chart(profiles, practice_id, delimitation), "svg", self._tight_box)

    def _tight_box(self, renderer: RendererBase) -> Bbox:
        """The figure's tight box (inches), as ``Figure.get_tightbbox`` finds it, measured once.

        Only the title changes its extent from one practice to the next: the bars, intervals and grey
        bars lie inside the axes. So the box of everything but the title is measured on the first
        drawing and joined with the title's box each time (the union matplotlib takes, in the same
        units), instead of measuring every tick label again per practice.
        """
        title = self._ax.title
        if self._static_box is None:
            title.set_visible(False)
            try:
                self._static_box = Bbox(self.figure.get_tightbbox(renderer).get_points())
            finally:
                title.set_visible(True)
        title_box = TransformedBbox(title.get_window_extent(renderer), self.figure.dpi_scale_trans.inverted())
        return Bbox.union([self._static_box, title_box])

    def close(self) -> None:
        """Close the figure (matplotlib keeps every open figure)."""
        plt.close(self.figure)


def element_pattern_chart(
    profiles: pd.DataFrame,
    pattern: pd.DataFrame,
    instrument: Instrument,
    language: str = "da",
    delimitation: str = MAIN,
    jitter_seed: int = 0,
    show: int | None = None,
) -> plt.Figure:
    """Each element's scores across practices (jittered points), strongest first, extremes coloured.

    With ``show`` and more than ``2 * show`` practices the points give way to each element's distribution
    (a box of the quartiles, whiskers at the 5th and 95th percentiles): a national study's 66,000 points
    made a 14 MB figure in which no single point could be seen anyway.
    """
    check_language(language)
    use_style()
    prof = _one_delimitation(profiles, delimitation).dropna(subset=["score"])
    pat = _one_delimitation(pattern, delimitation).sort_values("rank")
    names = _element_names(instrument, language)
    order = [names[e] for e in pat["element_id"]]
    data = prof.assign(element=prof["element_id"].map(names))
    palette = sns.color_palette()
    colours = {"strongest": palette[2], "weakest": palette[3], "middle": "#9e9e9e"}
    position_of = dict(zip(pat["element_id"].map(names), pat["position"], strict=True))
    figure, ax = plt.subplots(figsize=(8, 0.45 * len(order) + 1.8))
    # Jitter drawn from a seeded generator (seaborn's stripplot draws from numpy's global state), so a
    # rerun gives the same figure, byte for byte.
    rng = np.random.default_rng(jitter_seed)
    rows = data["element"].map({name: i for i, name in enumerate(order)}).to_numpy(dtype=float)
    if show is not None and data["practice_id"].nunique() > 2 * show:
        boxes = ax.boxplot(
            [data.loc[data["element"] == name, "score"].to_numpy(dtype=float) for name in order],
            positions=np.arange(len(order)),
            orientation="horizontal",
            whis=(5, 95),
            showfliers=False,
            widths=0.5,
            patch_artist=True,
            medianprops={"color": "black"},
        )
        for box, name in zip(boxes["boxes"], order, strict=True):
            box.set(facecolor=colours[position_of[name]], alpha=0.7)
    else:
        ax.scatter(
            data["score"].to_numpy(dtype=float),
            rows + rng.uniform(-0.15, 0.15, len(rows)),
            c=[colours[position_of[name]] for name in data["element"]],
            s=25,
            alpha=0.7,
            linewidths=0,
        )
    ax.set_yticks(np.arange(len(order)), order)
    ax.set_ylim(len(order) - 0.5, -0.5)
    means = pat["mean"].to_numpy(dtype=float)
    ax.plot(means, np.arange(len(order)), "D", color="black", markersize=7, label=phrase(PHRASES, "mean", language))
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel(phrase(PHRASES, "score", language))
    ax.set_ylabel(phrase(PHRASES, "element", language))
    ax.set_title(phrase(PHRASES, "pattern_title", language))
    handles: list[Artist] = [
        Patch(color=colours[k], label=phrase(PHRASES, k, language)) for k in ("strongest", "middle", "weakest")
    ]
    handles += ax.get_legend_handles_labels()[0][-1:]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return localised(figure, language)


def rank_chart(
    ranks: pd.DataFrame,
    language: str = "da",
    delimitation: str = MAIN,
    ci: float = 0.95,
    labels: Mapping[str, str] | None = None,
    show: int | None = None,
) -> plt.Figure:
    """Each practice's rank with its rank interval, and beside it the probability of a top place.

    With ``show`` and more than ``2 * show`` ranked practices, only the ``show`` best and worst ranked
    get a row; one line between them spans the ranks of all the others, with their number.

    The right panel shows P(top k) as a bar and P(top 10 %) as a diamond (columns ``p_top_k`` and
    ``p_top_decile`` of :func:`~lovende_research.scoring.rank_intervals`; left out for an older table
    without them): how sure a funder can be that a top place is one.
    """
    check_language(language)
    use_style()
    data = _one_delimitation(ranks, delimitation).dropna(subset=["rank"]).sort_values("rank")
    n = int(data["n_ranked"].max()) if len(data) else 1
    top, rest, bottom = top_and_bottom(data["practice_id"].tolist(), show)
    rest_ranks = data.loc[data["practice_id"].isin(rest), "rank"]
    data = data[data["practice_id"].isin(top + bottom)]
    y = np.arange(len(data)) + np.where(data["practice_id"].isin(bottom), 1, 0)  # a row's gap for the others
    rank = data["rank"].to_numpy(dtype=float)
    low = data["rank_low"].to_numpy(dtype=float)
    high = data["rank_high"].to_numpy(dtype=float)
    with_top = "p_top_k" in data.columns
    figure, axes = plt.subplots(
        1,
        2 if with_top else 1,
        figsize=(9.5 if with_top else 7, 0.4 * (len(data) + bool(rest)) + 1.8),
        sharey=True,
        squeeze=False,
        gridspec_kw={"width_ratios": [3, 1.4]} if with_top else None,
    )
    ax = axes[0, 0]
    ax.hlines(
        y, low, high, color=sns.color_palette()[0], linewidth=4, alpha=0.5, label=phrase(PHRASES, "interval", language)
    )
    ax.plot(rank, y, "o", color="black", label=phrase(PHRASES, "point", language))
    ticks, names = list(y), [_label(p, labels) for p in data["practice_id"]]
    if rest:
        low_rest, high_rest = int(rest_ranks.min()), int(rest_ranks.max())
        ax.hlines(len(top), low_rest, high_rest, color="0.6", linewidth=2, linestyle=":")
        ticks.insert(len(top), len(top))
        names.insert(len(top), phrase(PHRASES, "rest_ranks", language, n=len(rest), low=low_rest, high=high_rest))
    ax.set_yticks(ticks, names)
    ax.invert_yaxis()
    ax.set_xlim(0.5, n + 0.5)
    if n <= 30:
        ax.set_xticks(range(1, n + 1))
    ax.set_xlabel(phrase(PHRASES, "rank", language))
    ax.set_ylabel(phrase(PHRASES, "practice", language))
    ax.set_title(phrase(PHRASES, "rank_title", language, ci=round(100 * ci)))
    ax.legend(loc="upper right", fontsize=8)
    if with_top:
        top = axes[0, 1]
        k = int(data["top_k"].max()) if len(data) else 5
        decile = int(data["top_decile"].max()) if len(data) else 1
        top.barh(
            y,
            data["p_top_k"].to_numpy(dtype=float),
            color=sns.color_palette()[2],
            alpha=0.8,
            label=phrase(PHRASES, "p_top", language, k=k),
        )
        top.plot(
            data["p_top_decile"].to_numpy(dtype=float),
            y,
            "D",
            color="black",
            markersize=5,
            label=phrase(PHRASES, "p_top_decile", language, k=decile),
        )
        top.set_xlim(0, 1)
        top.set_xlabel(phrase(PHRASES, "p_top", language, k=k))
        top.legend(loc="lower right", fontsize=7)
    figure.text(0.01, 0.0, phrase(PHRASES, "rank_note", language), fontsize=8, ha="left", va="top")
    return localised(figure, language)
