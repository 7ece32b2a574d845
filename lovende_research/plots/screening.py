"""Figures of the screening stage: the PRISMA-style flow diagram, the catalogue counts, screener agreement.

Each function takes the tables :mod:`lovende_research.screening` returns and gives back a matplotlib
Figure; saving is the caller's job (:func:`lovende_research.plots.save_figure`). Every number drawn is
read from those tables, so a figure can never disagree with the data it came from.
"""

from __future__ import annotations

import textwrap
from typing import cast

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from lovende_research.i18n import check_language, number, phrase
from lovende_research.plots import localised, use_style
from lovende_research.screening import OVERALL, flow_value

PHRASES: dict[str, tuple[str, str]] = {
    "identified": ("Praksisser identificeret\n(n = {n})", "Practices identified\n(n = {n})"),
    "dup_pending": (
        "Mulige dubletpar: {n}\n(samme udbyder, næsten samme navn)\nbeholdt indtil beslutning",
        "Possible duplicate pairs: {n}\n(same provider, near-identical name)\nkept pending decision",
    ),
    "dup_removed": ("Dubletter fjernet\n(n = {n})", "Duplicates removed\n(n = {n})"),
    "dup_none": ("Ingen dubletter fundet", "No duplicates found"),
    "screened": ("Praksisser screenet\n(n = {n})", "Practices screened\n(n = {n})"),
    "excluded": ("Ekskluderet (n = {n})", "Excluded (n = {n})"),
    "eligible": ("Egnede praksisser\n(n = {n})", "Eligible practices\n(n = {n})"),
    "selected": ("Udvalgt til interview\n(n = {n})", "Selected for interview\n(n = {n})"),
    "other_reasons": ("andre grunde", "other reasons"),
    "flow_title": ("Screeningens flow", "Screening flow"),
    "catalogue_title": ("Kandidatkataloget", "The candidate catalogue"),
    "top_note": ("(de {top} hyppigste af {total})", "(the {top} most frequent of {total})"),
    "n_practices": ("Antal praksisser", "Number of practices"),
    "dim_municipality": ("Kommune / organisation", "Municipality / organisation"),
    "dim_provider_type": ("Udbydertype", "Provider type"),
    "dim_target_group": ("Målgruppe", "Target group"),
    "dim_purpose": ("Formål (en praksis kan have flere)", "Purpose (a practice can have several)"),
    "agreement_title": ("Enighed mellem screenerne", "Agreement between screeners"),
    "kappa_axis": ("Cohens kappa med {ci} % konfidensinterval", "Cohen's kappa with {ci}% confidence interval"),
    "overall": ("Samlet vurdering", "Overall verdict"),
    "undefined": ("kappa ikke defineret", "kappa undefined"),
    "agree_label": ("enighed {pct} %, n = {n}", "agreement {pct}%, n = {n}"),
}

#: At most this many exclusion reasons are listed in the flow diagram; the rest are summed.
MAX_REASONS = 6
_BOX = {"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": "0.25", "linewidth": 1.2}
_SIDE_BOX = {**_BOX, "facecolor": "0.95"}


def flow_diagram(flow: pd.DataFrame, *, language: str = "da") -> plt.Figure:
    """A PRISMA-style flow diagram of the screening, from :func:`lovende_research.screening.flow_counts`.

    Main boxes (identified → screened → eligible → selected, the last when the flow has it) run down
    the left; side boxes hold the duplicates (pending or removed) and the exclusions with one line per
    reason.

    Examples
    --------
    >>> flow = pd.DataFrame({"step": ["identified", "possible_duplicates", "duplicates_removed", "screened",
    ...     "excluded", "excluded", "eligible"], "reason": [None, None, None, None, None, "ikke i drift", None],
    ...     "n": [4, 1, 0, 4, 1, 1, 3]})
    >>> figure = flow_diagram(flow, language="en")
    >>> sorted(t.get_text().split("\\n")[0] for t in figure.axes[0].texts if t.get_text())[:2]
    ['Eligible practices', 'Excluded (n = 1)']
    >>> plt.close(figure)
    """
    check_language(language)
    use_style()
    has_selected = bool((flow["step"] == "selected").any())
    figure, ax = plt.subplots(figsize=(10, 8.5 if has_selected else 7))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)

    def n(step: str) -> int:
        return flow_value(flow, step)

    main_steps = ["identified", "screened", "eligible"] + (["selected"] if has_selected else [])
    ys = np.linspace(0.92, 0.08, len(main_steps))
    main = {
        step: ax.text(
            0.25, y, phrase(PHRASES, step, language, n=n(step)), ha="center", va="center", fontsize=12, bbox=_BOX
        )
        for step, y in zip(main_steps, ys, strict=True)
    }
    pending, removed = n("possible_duplicates"), n("duplicates_removed")
    if removed:
        duplicates = phrase(PHRASES, "dup_removed", language, n=removed)
    elif pending:
        duplicates = phrase(PHRASES, "dup_pending", language, n=pending)
    else:
        duplicates = phrase(PHRASES, "dup_none", language)
    side = {
        "identified": ax.text(
            0.56, (ys[0] + ys[1]) / 2, duplicates, ha="left", va="center", fontsize=10.5, bbox=_SIDE_BOX
        ),
        "screened": ax.text(
            0.56,
            (ys[1] + ys[2]) / 2,
            _exclusion_text(flow, language),
            ha="left",
            va="center",
            fontsize=10.5,
            bbox=_SIDE_BOX,
        ),
    }
    figure.draw_without_rendering()  # lays the texts out (their boxes are measured below) without painting pixels
    boxes = {step: _extent(ax, text) for step, text in main.items()}
    for upper, lower in zip(main_steps, main_steps[1:], strict=False):  # neighbours: one shorter by design
        (_, _, top_low, _), (_, _, _, low_high) = boxes[upper], boxes[lower]
        _arrow(ax, (0.25, top_low), (0.25, low_high))
    for step, text in side.items():
        following = main_steps[main_steps.index(step) + 1]
        y = (boxes[step][2] + boxes[following][3]) / 2
        x0 = _extent(ax, text)[0]
        text.set_y(y)
        _arrow(ax, (0.25, y), (x0, y))
    ax.set_title(phrase(PHRASES, "flow_title", language), fontsize=14, loc="left")
    return localised(figure, language)


def _exclusion_text(flow: pd.DataFrame, language: str) -> str:
    """'Excluded (n = x)' and one wrapped line per reason, largest first; the tail summed."""
    reasons = flow[(flow["step"] == "excluded") & flow["reason"].notna()]
    lines = [phrase(PHRASES, "excluded", language, n=flow_value(flow, "excluded"))]
    shown = reasons.iloc[:MAX_REASONS]
    for reason, count in zip(shown["reason"], shown["n"], strict=True):
        lines.append(textwrap.fill(f"• {reason}: {int(count)}", width=46, subsequent_indent="   "))
    rest = int(reasons["n"].iloc[MAX_REASONS:].sum())
    if rest:
        lines.append(f"• {phrase(PHRASES, 'other_reasons', language)}: {rest}")
    return "\n".join(lines)


def _extent(ax: plt.Axes, text: Text) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) of a text's box in data coordinates, after the figure has been drawn."""
    patch = text.get_bbox_patch()
    renderer = cast(FigureCanvasAgg, ax.figure.canvas).get_renderer()  # plots/__init__.py selects Agg
    box = (patch.get_window_extent(renderer) if patch is not None else text.get_window_extent(renderer)).transformed(
        ax.transData.inverted()
    )
    return box.x0, box.x1, box.y0, box.y1


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": "0.25", "lw": 1.3, "shrinkA": 0, "shrinkB": 0},
    )


def catalogue_figure(counts: pd.DataFrame, *, language: str = "da", top: int = 25) -> plt.Figure:
    """Bar charts of the catalogue by municipality/organisation, provider type, target group and purpose.

    ``counts`` is :func:`lovende_research.screening.catalogue_counts`; each panel shows at most ``top``
    values (most frequent first), and its title says so when values were left out.
    """
    check_language(language)
    use_style()
    dimensions = list(dict.fromkeys(counts["dimension"]))
    parts = {d: counts[counts["dimension"] == d] for d in dimensions}
    bars = [min(len(parts[d]), top) for d in dimensions]
    figure, axes = plt.subplots(
        len(dimensions),
        1,
        figsize=(9, 1.2 + 0.28 * sum(bars) + 0.9 * len(dimensions)),
        squeeze=False,
        gridspec_kw={"height_ratios": [b + 1.5 for b in bars]},
    )
    colour = plt.rcParams["axes.prop_cycle"].by_key()["color"][0]
    for ax, dimension in zip(axes[:, 0], dimensions, strict=True):
        part = parts[dimension].head(top)
        ax.barh(part["value"].astype(str)[::-1], part["n"][::-1], color=colour)
        title = phrase(PHRASES, f"dim_{dimension}", language)
        if len(parts[dimension]) > top:
            title += " " + phrase(PHRASES, "top_note", language, top=top, total=len(parts[dimension]))
        ax.set_title(title, loc="left", fontsize=11)
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[-1, 0].set_xlabel(phrase(PHRASES, "n_practices", language))
    figure.suptitle(phrase(PHRASES, "catalogue_title", language), x=0.02, ha="left", fontsize=14)
    figure.tight_layout()
    return localised(figure, language)


def agreement_figure(agreement: pd.DataFrame, *, language: str = "da") -> plt.Figure:
    """Cohen's kappa with its confidence interval per criterion and overall, percent agreement beside it.

    ``agreement`` is :func:`lovende_research.screening.screening_agreement`. A criterion where kappa is
    undefined (both screeners used one category throughout) is labelled so instead of drawn at 0.
    """
    check_language(language)
    use_style()
    table = agreement.reset_index(drop=True)
    labels = [phrase(PHRASES, "overall", language) if c == OVERALL else str(c) for c in table["criterion"]]
    figure, ax = plt.subplots(figsize=(9, 1.2 + 0.6 * len(table)))
    y = np.arange(len(table))[::-1]
    colour = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for yi, (_, row) in zip(y, table.iterrows(), strict=True):
        note = (
            phrase(
                PHRASES,
                "agree_label",
                language,
                pct=number(100 * row["percent_agreement"], language, 0),
                n=int(row["n_subjects"]),
            )
            if pd.notna(row["percent_agreement"])
            else ""
        )
        if pd.isna(row["estimate"]):
            ax.text(
                -0.95, yi, phrase(PHRASES, "undefined", language) + "; " + note, va="center", fontsize=9, color="0.4"
            )
            continue
        ax.plot([row["ci_low"], row["ci_high"]], [yi, yi], color=colour[1 if row["criterion"] == OVERALL else 0], lw=2)
        ax.plot(row["estimate"], yi, "o", color=colour[1 if row["criterion"] == OVERALL else 0])
        ax.text(1.03, yi, note, va="center", fontsize=9, color="0.3", transform=ax.get_yaxis_transform())
    ax.axvline(0, color="0.6", lw=1, ls="--")
    ax.set_yticks(y, labels)
    ax.set_xlim(-1, 1)
    ax.set_ylim(-0.7, len(table) - 0.3)
    confidence = float(table["confidence"].iloc[0]) if len(table) else 0.95
    ax.set_xlabel(phrase(PHRASES, "kappa_axis", language, ci=number(100 * confidence, language, 0)))
    ax.set_title(phrase(PHRASES, "agreement_title", language), loc="left", fontsize=14)
    return localised(figure, language)
