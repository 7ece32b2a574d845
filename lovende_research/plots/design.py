"""Figure of the design planner: projected G coefficients by informants per practice and coders.

Takes the ``projections`` table of :func:`lovende_research.scoring.planner.plan_study` and returns a
matplotlib Figure; saving is the caller's job. One panel per measure (an element score, the overall
index), one line per number of coders with its interval as a band, the targets 0.7 and 0.8 dashed, the
design used marked: a researcher reads off how many informants the next mapping needs.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from lovende_research.i18n import check_language, phrase
from lovende_research.plots import localised, use_style
from lovende_research.scoring.planner import TARGETS

PHRASES: dict[str, tuple[str, str]] = {
    "title": ("Projiceret pålidelighed (G) efter design", "Projected reliability (G) by design"),
    "element": ("En elementscore", "An element score"),
    "overall": ("Det samlede indeks", "The overall index"),
    "informants": ("Informanter pr. praksis", "Informants per practice"),
    "coefficient": ("G-koefficient", "G coefficient"),
    "coders": ("{n} kodere pr. interview", "{n} coders per interview"),
    "coder": ("1 koder pr. interview", "1 coder per interview"),
    "used": ("anvendt design", "design used"),
    "note": (
        "Bånd: {ci} % interval fra genudtræk af praksisserne; stiplet: 0,7 og 0,8",
        "Bands: {ci}% interval from resampling the practices; dashed: 0.7 and 0.8",
    ),
}


def design_chart(projections: pd.DataFrame, language: str = "da", ci: float = 0.95) -> plt.Figure:
    """G of an element score and of the overall index against informants per practice, one line per coder count."""
    check_language(language)
    use_style()
    figure, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    palette = sns.color_palette()
    for ax, measure in zip(axes, ("element", "overall"), strict=True):
        data = projections[projections["measure"] == measure]
        for k, (n_coders, rows) in enumerate(data.groupby("n_coders", sort=True)):
            rows = rows.sort_values("n_informants")
            label = (
                phrase(PHRASES, "coder", language)
                if n_coders == 1
                else phrase(PHRASES, "coders", language, n=int(n_coders))
            )
            ax.plot(rows["n_informants"], rows["G"], "o-", color=palette[k], label=label)
            ax.fill_between(
                rows["n_informants"], rows["G_low"], rows["G_high"], color=palette[k], alpha=0.12, linewidth=0
            )
        used = data[data["design_used"]]
        ax.plot(
            used["n_informants"],
            used["G"],
            "s",
            markersize=11,
            markerfacecolor="none",
            markeredgecolor="black",
            label=phrase(PHRASES, "used", language),
        )
        for target in TARGETS:
            ax.axhline(target, color="0.4", linestyle="--", linewidth=0.8)
        ax.set_ylim(0, 1)
        ax.set_xticks(sorted(data["n_informants"].unique()))
        ax.set_title(phrase(PHRASES, measure, language))
        ax.set_xlabel(phrase(PHRASES, "informants", language))
    axes[0].set_ylabel(phrase(PHRASES, "coefficient", language))
    axes[1].legend(loc="lower right", fontsize=8)
    figure.suptitle(phrase(PHRASES, "title", language))
    figure.text(0.01, 0.0, phrase(PHRASES, "note", language, ci=round(100 * ci)), fontsize=8, ha="left", va="top")
    return localised(figure, language)
