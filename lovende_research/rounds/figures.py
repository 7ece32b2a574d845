"""The change profile of one practice: a dumbbell per element, each round's score with its interval."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from lovende_research.i18n import check_language, number, phrase
from lovende_research.instrument import Instrument
from lovende_research.plots import use_style

PHRASES: dict[str, tuple[str, str]] = {
    "title": (
        "{practice}: profil i {earlier} og {later} ({ci} %-intervaller)",
        "{practice}: profile in {earlier} and {later} ({ci} % intervals)",
    ),
    "score": ("Score (0–1)", "Score (0–1)"),
    "improved": ("forbedret ud over intervallet", "improved beyond the interval"),
    "declined": ("forringet ud over intervallet", "declined beyond the interval"),
    "unchanged": ("inden for intervallet", "within the interval"),
    "note": (
        "Åben cirkel: første runde; fyldt: anden runde; vandrette streger: hver rundes interval.",
        "Open circle: first round; filled: second round; horizontal lines: each round's interval.",
    ),
}


def direction_colours() -> dict[str, tuple[float, float, float]]:
    """One colour per direction from the colour-blind palette (grey for a change within the interval)."""
    palette = sns.color_palette("colorblind")
    return {"improved": palette[2], "declined": palette[3], "unchanged": (0.55, 0.55, 0.55)}


def change_profile_chart(
    cells: pd.DataFrame,
    practice_id: str,
    instrument: Instrument,
    labels: tuple[str, str],
    language: str = "da",
    ci: float = 0.95,
) -> plt.Figure:
    """One practice's elements as dumbbells from the earlier round's score to the later one's.

    ``cells`` are :attr:`RoundChange.elements`; the colour says whether the change lies beyond its
    interval. Numbers on the axis are written as the page's language writes them (decimal comma in Danish).
    """
    check_language(language)
    use_style()
    colours = direction_colours()
    elements = [e.id for e in instrument.elements]
    names = [f"{e.number}. {e.name(language)}" for e in instrument.elements]
    rows = cells[cells["practice_id"] == practice_id].set_index("element_id").reindex(elements)
    y = np.arange(len(elements))
    figure, ax = plt.subplots(figsize=(7.5, 0.45 * len(elements) + 1.9))
    for yi, row in zip(y, rows.itertuples(), strict=True):
        colour = colours.get(str(row.direction), colours["unchanged"])
        for r, offset, face in ((1, -0.12, "white"), (2, 0.12, colour)):
            score, low, high = getattr(row, f"score_{r}"), getattr(row, f"ci_low_{r}"), getattr(row, f"ci_high_{r}")
            if pd.notna(low):
                ax.plot([low, high], [yi + offset] * 2, color=colour, linewidth=1, alpha=0.7)
            if pd.notna(score):
                ax.plot(score, yi + offset, "o", markerfacecolor=face, markeredgecolor=colour, markersize=7, zorder=3)
        if pd.notna(row.score_1) and pd.notna(row.score_2):
            ax.annotate(
                "",
                xy=(row.score_2, yi + 0.12),
                xytext=(row.score_1, yi - 0.12),
                arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.6, "shrinkA": 4, "shrinkB": 4},
            )
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value, language, 1)))
    ax.set_xlabel(phrase(PHRASES, "score", language))
    ax.set_title(
        phrase(
            PHRASES, "title", language, practice=practice_id, earlier=labels[0], later=labels[1], ci=round(100 * ci)
        ),
        fontsize=11,
    )
    handles = [
        Line2D([], [], color=colours[d], marker="o", linewidth=1.6, label=phrase(PHRASES, d, language))
        for d in ("improved", "declined", "unchanged")
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8, frameon=False)
    figure.text(0.01, -0.02, phrase(PHRASES, "note", language), fontsize=8, ha="left", va="top")
    return figure
