"""Figures of the subjectivity-bias stage: one per check, each showing the thing its verdict is about.

Every function takes the tables :mod:`lovende_research.bias` (or :mod:`lovende_research.agreement`)
returns and gives back a matplotlib Figure; saving is the caller's job
(:func:`lovende_research.plots.save_figure`). Labels are Danish first, English with ``language="en"``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from lovende_research.agreement import in_element_order
from lovende_research.bias.common import TOP_N
from lovende_research.bias.styles import CEILING_SHARE, STRAIGHTLINE_SHARE
from lovende_research.i18n import check_language, number, percent, phrase
from lovende_research.instrument import Instrument
from lovende_research.plots import localised, top_and_bottom, use_style

PHRASES: dict[str, tuple[str, str]] = {
    "practice": ("Praksis", "Practice"),
    "role": ("Rolle", "Role"),
    "mean_score": ("Informantens gennemsnitlige elementscore (0–1)", "Informant's mean element score (0–1)"),
    "roles_title": ("Hvordan rollerne vurderer de samme praksisser", "How each role rates the same practices"),
    "offset": (
        "Forskel til lederen (elementscore, {ci} % interval)",
        "Offset against the leader (element score, {ci}% interval)",
    ),
    "offset_title": ("Rolle-effekt (blandet model)", "Role effect (mixed model)"),
    "excluded": (
        "hul markør = straight-liner, holdt ude af modellen",
        "hollow marker = straight-liner, set aside in the model",
    ),
    "not_converged": ("modellen konvergerede ikke", "the model did not converge"),
    "fair_title": (
        "Samlet indeks observeret og med samme rollesammensætning for alle ({ci} % interval)",
        "Overall index observed and with the same role mix for every practice ({ci}% interval)",
    ),
    "fair_index": ("Samlet indeks (0–1)", "Overall index (0–1)"),
    "observed": ("observeret", "observed"),
    "fair": ("rollejusteret", "role-adjusted"),
    "moves_top": ("skifter plads i top {top_n}", "changes its place in the top {top_n}"),
    "icc_title": (
        "Enighed mellem informanter i samme praksis: ICC(1) med {ci} % interval",
        "Agreement of informants within a practice: ICC(1) with {ci}% interval",
    ),
    "icc": ("ICC(1), én informant", "ICC(1), single informant"),
    "element": ("Element", "Element"),
    "overall": ("Samlet score", "Overall score"),
    "bands": (
        "Koo & Li: < 0,5 dårlig · 0,5–0,75 moderat · 0,75–0,9 god · > 0,9 meget god",
        "Koo & Li: < 0.5 poor · 0.5–0.75 moderate · 0.75–0.9 good · > 0.9 excellent",
    ),
    "styles_title": ("Svarstil pr. informant", "Response style per informant"),
    "modal_share": ("Andel svar i den hyppigste kategori", "Share of answers in the most frequent category"),
    "top_share": ("Andel svar i øverste kategori", "Share of answers in the top category"),
    "threshold": ("grænse", "threshold"),
    "flagged": ("markeret", "flagged"),
    "not_flagged": ("ikke markeret", "not flagged"),
    "rest_not_shown": (
        "{n} øvrige praksisser (plads {low}–{high}) er ikke vist; alle står i tabellen.",
        "{n} other practices (ranks {low}–{high}) are not shown; all are in the table.",
    ),
    "rest_row": ("{n} øvrige", "{n} others"),
    "rest_roles": (
        "{n} øvrige praksisser er vist som én række: boksplot pr. rolle af deres informanter; alle står i tabellen.",
        "{n} other practices are shown as one row: a box plot per role of their informants; all are in the table.",
    ),
    "density": ("ikke markeret (antal pr. sekskant)", "not flagged (count per hexagon)"),
    "names_not_shown": (
        "{n} markerede informanter; navnene står i tabellen.",
        "{n} flagged informants; their names are in the table.",
    ),
    "rest_delimitations": (
        "{n} øvrige praksisser med alternativ afgrænsning (mindre forskelle) er vist samlet: boksplot pr. element.",
        "{n} other practices with an alternative delimitation (smaller differences) are shown together: a box plot per element.",
    ),
    "rest_panel": ("{n} øvrige", "{n} others"),
    "stability_title": ("Rangering uden én informant eller én koder", "Ranking without one informant or one coder"),
    "rank": ("Rang (1 = højest samlet indeks)", "Rank (1 = highest overall index)"),
    "full": ("fuld rangering", "full ranking"),
    "without_informant": ("spænd uden én af praksissens informanter", "range without one of the practice's informants"),
    "without_coder": ("spænd uden én koder", "range without one coder"),
    "top": ("top {top_n}", "top {top_n}"),
    "delimitation_title": (
        "Afgrænsningens betydning: alternativ − hoved-afgrænsning",
        "Effect of delimitation: alternative − main delimitation",
    ),
    "difference": ("Forskel i elementscore", "Difference in element score"),
    "no_delimitation": (
        "Ingen praksis er kodet under mere end én afgrænsning",
        "No practice was coded under more than one delimitation",
    ),
    "coders_title": ("Enighed mellem kodere pr. element", "Coder agreement per element"),
    "statistic": ("Mål", "Statistic"),
    "value": ("Værdi", "Value"),
    "value_ci": ("Værdi med {ci} % interval", "Value with {ci}% interval"),
    "kappa": ("kappa (vægtet)", "kappa (weighted)"),
    "paradox": (
        "* = kappa-paradoks (koder hobet op i én yderkategori)",
        "* = kappa paradox (codes piled up at one end)",
    ),
}

ROLE_ORDER: tuple[str, ...] = ("leder", "medarbejder", "samarbejdspartner", "andet")


def _names(instrument: Instrument | None, language: str) -> dict[str, str]:
    if instrument is None:
        return {}
    return {e.id: f"{e.number}. {e.name(language)}" for e in instrument.elements}


def role_chart(
    role_profiles: pd.DataFrame,
    role_effects: pd.DataFrame,
    language: str = "da",
    alpha_level: float = 0.05,
    show: int | None = None,
) -> plt.Figure:
    """Left: each informant's mean element score per practice, coloured by role. Right: role offsets with intervals.

    Practices are ordered by their mean over informants; straight-liners set aside in the model are drawn
    hollow, so a reader sees both what was said and what the model used. With ``show``, only the ``show``
    highest and lowest practices get a row of their own; the others share one row between them, a box
    plot per role of their informants' scores, and a note counts them.
    """
    check_language(language)
    use_style()
    means = role_profiles.groupby("practice_id")["score"].mean().sort_values()
    top, rest, bottom = top_and_bottom(means.index.tolist()[::-1], show)
    order = bottom[::-1] + top[::-1]  # upwards from the lowest mean
    y = {p: k for k, p in enumerate(order)}
    if rest:  # the others' row sits between the lowest and the highest
        y = {p: k + (1 if k >= len(bottom) else 0) for p, k in y.items()}
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(12, 0.38 * (len(order) + 3 * bool(rest)) + 2.5), gridspec_kw={"width_ratios": [2, 1]}
    )
    roles = [r for r in ROLE_ORDER if r in set(role_profiles["informant_role"])] + sorted(
        set(role_profiles["informant_role"]) - set(ROLE_ORDER)
    )
    colours = dict(zip(roles, sns.color_palette(n_colors=len(roles)), strict=True))
    shown = role_profiles[role_profiles["practice_id"].isin(y)]
    for practice, group in shown.groupby("practice_id"):
        left.plot([group["score"].min(), group["score"].max()], [y[practice]] * 2, color="#bbbbbb", lw=1, zorder=1)
    for role in roles:
        mine = shown[shown["informant_role"] == role]
        kept, excluded = mine[~mine["excluded"]], mine[mine["excluded"]]
        left.scatter(kept["score"], kept["practice_id"].map(y), color=colours[role], label=role, zorder=2, s=40)
        left.scatter(
            excluded["score"],
            excluded["practice_id"].map(y),
            facecolors="none",
            edgecolors=colours[role],
            zorder=2,
            s=40,
        )
    ticks, labels = [y[p] for p in order], list(order)
    if rest:
        others = role_profiles[role_profiles["practice_id"].isin(rest)]
        present = [r for r in roles if (others["informant_role"] == r).any()]
        step = 0.8 / max(len(present), 1)
        for j, role in enumerate(present):
            box = left.boxplot(
                others.loc[others["informant_role"] == role, "score"].dropna().to_numpy(dtype=float),
                positions=[len(bottom) + 0.4 - step * (j + 0.5)],
                widths=step * 0.8,
                orientation="horizontal",
                patch_artist=True,
                showfliers=False,
                manage_ticks=False,
            )
            for patch in box["boxes"]:
                patch.set(facecolor=colours[role], alpha=0.6)
        ticks.append(len(bottom))
        labels.append(phrase(PHRASES, "rest_row", language, n=len(rest)))
    left.set_yticks(ticks, labels)
    left.set_xlim(-0.02, 1.02)
    left.set_xlabel(phrase(PHRASES, "mean_score", language))
    left.set_ylabel(phrase(PHRASES, "practice", language))
    left.set_title(phrase(PHRASES, "roles_title", language) + "\n" + phrase(PHRASES, "excluded", language), fontsize=10)
    left.legend(title=phrase(PHRASES, "role", language), loc="lower right", fontsize=8)
    effects = role_effects.reset_index(drop=True)
    yy = np.arange(len(effects))
    for k, row in effects.iterrows():
        colour = colours.get(row["role"], "black")
        if np.isfinite(row["estimate"]):
            right.errorbar(
                row["estimate"],
                k,
                xerr=[[row["estimate"] - row["ci_low"]], [row["ci_high"] - row["estimate"]]],
                fmt="o",
                color=colour,
                capsize=4,
            )
    right.axvline(0, color="black", lw=1)
    right.set_yticks(yy, [f"{r} − leder" for r in effects["role"]])
    right.set_ylim(-1, max(len(effects), 1))
    right.set_xlabel(phrase(PHRASES, "offset", language, ci=round(100 * (1 - alpha_level))))
    title = phrase(PHRASES, "offset_title", language)
    if len(effects) and not bool(effects["converged"].all()):
        title += "\n" + phrase(PHRASES, "not_converged", language)
    right.set_title(title, fontsize=10)
    figure.tight_layout()
    if rest:
        figure.text(0.01, 0.0, phrase(PHRASES, "rest_roles", language, n=len(rest)), fontsize=8, ha="left", va="top")
    return localised(figure, language)


def icc_chart(icc: pd.DataFrame, instrument: Instrument | None = None, language: str = "da") -> plt.Figure:
    """ICC(1) per element and for the overall score, with intervals and Koo & Li's bands shaded."""
    check_language(language)
    use_style()
    names = _names(instrument, language)
    names["overall"] = phrase(PHRASES, "overall", language)
    table = icc.reset_index(drop=True)
    figure, ax = plt.subplots(figsize=(8, 0.4 * len(table) + 2))
    for low, high, shade in ((-1, 0.5, "#f4cccc"), (0.5, 0.75, "#fff2cc"), (0.75, 0.9, "#d9ead3"), (0.9, 1, "#b6d7a8")):
        ax.axvspan(low, high, color=shade, alpha=0.6, lw=0)
    y = np.arange(len(table))[::-1]
    est, lo, hi = (table[c].to_numpy(dtype=float) for c in ("icc1", "icc1_ci_low", "icc1_ci_high"))
    colour = ["black" if e == "overall" else sns.color_palette()[0] for e in table["element_id"]]
    for k in range(len(table)):
        if np.isfinite(est[k]):
            ax.errorbar(est[k], y[k], xerr=[[est[k] - lo[k]], [hi[k] - est[k]]], fmt="o", color=colour[k], capsize=3)
    ax.set_yticks(y, [names.get(e, e) for e in table["element_id"]])
    ax.set_xlim(min(-0.2, np.nanmin(lo) - 0.05) if np.isfinite(lo).any() else -0.2, 1)
    ax.set_xlabel(phrase(PHRASES, "icc", language))
    ci = round(100 * float(table["confidence"].iloc[0])) if len(table) else 95
    ax.set_title(phrase(PHRASES, "icc_title", language, ci=ci) + "\n" + phrase(PHRASES, "bands", language), fontsize=10)
    return localised(figure, language)


def point_labels(styles: pd.DataFrame) -> dict[tuple[float, float], str]:
    """One label per point of the response-style chart: informants on the same point share it, comma-joined.

    Informants who answer alike land on the very same (modal share, top share) point, often (1.0, 1.0);
    separate labels there print on top of each other and none can be read.

    >>> styles = pd.DataFrame({"informant_id": ["P045-S", "P025-L", "P003-M"], "modal_share": [1.0, 1.0, 0.5],
    ...                        "top_share": [1.0, 1.0, 0.2]})
    >>> point_labels(styles)
    {(0.5, 0.2): 'P003-M', (1.0, 1.0): 'P025-L, P045-S'}
    """
    groups = styles.assign(x=styles["modal_share"].astype(float).round(6), y=styles["top_share"].astype(float).round(6))
    return {
        (float(x), float(y)): ", ".join(sorted(group["informant_id"].astype(str)))
        for (x, y), group in groups.groupby(["x", "y"], sort=True)
    }


def response_style_chart(
    styles: pd.DataFrame,
    straightline_share: float = STRAIGHTLINE_SHARE,
    ceiling_share: float = CEILING_SHARE,
    language: str = "da",
    show: int | None = None,
    points: int | None = None,
) -> plt.Figure:
    """Each informant as a point: share at the modal category against share at the top; flagged ones named.

    At a national scale one point per informant is a file of megabytes in which nobody can find anyone:
    with more than ``points`` unflagged informants they are drawn as a density (informants per hexagon),
    and with more than ``show`` flagged positions the names are left to the table and a note counts the
    flagged. The flagged are always drawn as points, one per position (those on the same spot coincide).
    """
    check_language(language)
    use_style()
    figure, ax = plt.subplots(figsize=(7.5, 6))
    flagged = styles["straightliner"] | styles["ceiling"] | styles["screen_unsupported"]
    palette = sns.color_palette()
    calm = styles.loc[~flagged, ["modal_share", "top_share"]].astype(float)
    dense = points is not None and len(calm) > points
    if dense:
        cells = ax.hexbin(
            calm["modal_share"], calm["top_share"], gridsize=30, extent=(0, 1, 0, 1), mincnt=1, cmap="Blues"
        )
        figure.colorbar(cells, ax=ax, pad=0.02).set_label(phrase(PHRASES, "density", language), fontsize=8)
    else:
        ax.scatter(
            calm["modal_share"],
            calm["top_share"],
            color=palette[0],
            alpha=0.7,
            label=phrase(PHRASES, "not_flagged", language),
        )
    labels = point_labels(styles[flagged])
    ax.scatter(
        [x for x, _ in labels],
        [y for _, y in labels],
        color=palette[3],
        marker="D",
        s=12 if dense else None,
        alpha=0.7 if dense else None,
        label=phrase(PHRASES, "flagged", language),
    )
    if show is not None and len(labels) > show:
        ax.text(
            0.98,
            0.97,
            phrase(PHRASES, "names_not_shown", language, n=int(flagged.sum())),
            transform=ax.transAxes,
            fontsize=8,
            ha="right",
            va="top",
        )
        labels = {}
    for (x, y), label in labels.items():
        right = x > 0.8  # near the right edge the label runs leftwards, so it stays inside the axes
        ax.annotate(
            label,
            (x, y),
            xytext=(-4 if right else 4, -10),
            textcoords="offset points",
            fontsize=8,
            ha="right" if right else "left",
        )
    ax.axvline(straightline_share, color="grey", ls="--", lw=1)
    ax.axhline(ceiling_share, color="grey", ls=":", lw=1)
    ax.text(
        straightline_share,
        0.02,
        f" {phrase(PHRASES, 'threshold', language)} {percent(straightline_share, language)}",
        fontsize=8,
        color="grey",
    )
    ax.text(
        0.02,
        ceiling_share,
        f"{phrase(PHRASES, 'threshold', language)} {percent(ceiling_share, language)}",
        fontsize=8,
        color="grey",
        va="bottom",
    )
    ax.set_xlim(0, 1.05)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel(phrase(PHRASES, "modal_share", language))
    ax.set_ylabel(phrase(PHRASES, "top_share", language))
    ax.set_title(phrase(PHRASES, "styles_title", language), fontsize=11)
    ax.legend(loc="upper left", fontsize=8)
    return localised(figure, language)


def _rest_note(figure: plt.Figure, rest: list[str], rank_of: pd.Series, language: str) -> None:
    """Under a figure that shows only the top and bottom practices: how many others, and their ranks."""
    if rest:
        ranks = rank_of.loc[rest].dropna()
        low, high = (int(ranks.min()), int(ranks.max())) if len(ranks) else (0, 0)
        figure.text(
            0.01,
            0.0,
            phrase(PHRASES, "rest_not_shown", language, n=len(rest), low=low, high=high),
            fontsize=8,
            ha="left",
            va="top",
        )


def stability_chart(
    stability: pd.DataFrame, top_n: int = TOP_N, language: str = "da", show: int | None = None
) -> plt.Figure:
    """Per practice: its full rank, and the range of ranks without one of its informants or one coder.

    With ``show``, only the ``show`` best and worst ranked practices get a row; a note counts the others.
    """
    check_language(language)
    use_style()
    full = stability.drop_duplicates("practice_id")[["practice_id", "rank_full"]].sort_values(
        "rank_full", na_position="last"
    )
    top, rest, bottom = top_and_bottom(full["practice_id"].tolist(), show)
    rank_of = full.set_index("practice_id")["rank_full"]
    full = full[full["practice_id"].isin(top + bottom)]
    order = full["practice_id"].tolist()
    y = {p: k for k, p in enumerate(order)}
    figure, ax = plt.subplots(figsize=(8, 0.38 * len(order) + 2.2))
    palette = sns.color_palette()
    own = stability[
        (stability["scenario"] == "informant") & (stability["left_out_practice"] == stability["practice_id"])
    ]
    coder = stability[stability["scenario"] == "coder"]
    for frame, offset, colour, key in (
        (own, -0.15, palette[1], "without_informant"),
        (coder, 0.15, palette[2], "without_coder"),
    ):
        if frame.empty:
            continue
        span = frame.groupby("practice_id")["rank_reduced"].agg(["min", "max"])
        first = True
        for practice, row in span.iterrows():
            if practice in y:
                ax.plot(
                    [row["min"], row["max"]],
                    [y[practice] + offset] * 2,
                    color=colour,
                    lw=4,
                    alpha=0.7,
                    solid_capstyle="round",
                    label=phrase(PHRASES, key, language) if first else None,
                )
                first = False
    ax.scatter(
        full["rank_full"], full["practice_id"].map(y), color="black", zorder=3, label=phrase(PHRASES, "full", language)
    )
    ax.axvspan(0.5, top_n + 0.5, color="#d9ead3", alpha=0.5, lw=0, label=phrase(PHRASES, "top", language, top_n=top_n))
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    ax.set_xlabel(phrase(PHRASES, "rank", language))
    ax.set_ylabel(phrase(PHRASES, "practice", language))
    ax.set_title(phrase(PHRASES, "stability_title", language), fontsize=11)
    # Outside the axes: inside, any corner holds some practice's dots (the lowest-ranked sit lower right).
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0, fontsize=8)
    figure.tight_layout()
    _rest_note(figure, rest, rank_of, language)
    return localised(figure, language)


def delimitation_chart(
    delimitation: pd.DataFrame,
    instrument: Instrument | None = None,
    threshold: float = 0.15,
    language: str = "da",
    show: int | None = None,
) -> plt.Figure:
    """Per alternative delimitation: each element's difference from the main delimitation, threshold marked.

    With ``show``, only the ``show`` practices whose scores move most (largest absolute difference) get a
    panel; the others share one last panel, a box plot per element of their differences, and a note
    counts them. Panels are laid out four to a row.
    """
    check_language(language)
    use_style()
    names = _names(instrument, language)
    if delimitation.empty:
        figure, ax = plt.subplots(figsize=(6, 2))
        ax.text(0.5, 0.5, phrase(PHRASES, "no_delimitation", language), ha="center", va="center")
        ax.set_axis_off()
        return localised(figure, language)
    groups = list(delimitation.groupby(["practice_id", "delimitation_id"], sort=True))
    largest = [float(np.nanmax(np.abs(g["difference"].to_numpy(dtype=float)), initial=0.0)) for _, g in groups]
    moved_most = [groups[k] for k in sorted(range(len(groups)), key=lambda k: -largest[k])]
    rest = moved_most[show:] if show is not None and len(groups) > show + 1 else []
    if rest:
        shown = {key for key, _ in moved_most[:show]}
        groups = [g for g in groups if g[0] in shown]
    n_elements = delimitation["element_id"].nunique()
    n_panels = len(groups) + bool(rest)
    columns = min(n_panels, 4)
    rows = -(-n_panels // columns)
    figure, axes = plt.subplots(
        rows,
        columns,
        figsize=(4.5 * columns + 2, (0.35 * n_elements + 2) * rows),
        sharey=True,
        squeeze=False,
    )
    panels = list(axes.flat)
    palette = sns.color_palette()
    for ax, ((practice, delim), group) in zip(panels, groups, strict=False):
        y = np.arange(len(group))[::-1]
        diff = group["difference"].to_numpy(dtype=float)
        colours = [palette[3] if m else palette[0] for m in group["moved"].astype(bool)]
        ax.barh(y, np.nan_to_num(diff), color=colours)
        ax.set_yticks(y, [names.get(e, e) for e in group["element_id"]])
        label = group["label"].iloc[0]
        ax.set_title(f"{practice}: {delim}\n{label[:45]}", fontsize=9)
    if rest:
        ax = panels[len(groups)]
        others = pd.concat([g for _, g in rest])
        elements = list(dict.fromkeys(groups[0][1]["element_id"])) if groups else []
        elements += [e for e in dict.fromkeys(others["element_id"]) if e not in elements]
        y = np.arange(len(elements))[::-1]
        ax.boxplot(
            [others.loc[others["element_id"] == e, "difference"].dropna().to_numpy(dtype=float) for e in elements],
            positions=y,
            orientation="horizontal",
            patch_artist=True,
            boxprops={"facecolor": "white"},
            showfliers=False,
            manage_ticks=False,
        )
        ax.set_yticks(y, [names.get(e, e) for e in elements])
        ax.set_title(phrase(PHRASES, "rest_panel", language, n=len(rest)), fontsize=9)
    for ax in panels[:n_panels]:
        for edge in (-threshold, threshold):
            ax.axvline(edge, color="grey", ls="--", lw=1)
        ax.axvline(0, color="black", lw=1)
        ax.set_xlabel(phrase(PHRASES, "difference", language))
    for ax in panels[n_panels:]:
        ax.set_axis_off()
    figure.suptitle(
        phrase(PHRASES, "delimitation_title", language)
        + f" ({phrase(PHRASES, 'threshold', language)} ±{number(threshold, language)})",
        fontsize=11,
    )
    figure.tight_layout(rect=(0, 0, 1, 1 - 0.4 / figure.get_figheight()))  # room for the suptitle
    if rest:
        figure.text(
            0.01, 0.0, phrase(PHRASES, "rest_delimitations", language, n=len(rest)), fontsize=8, ha="left", va="top"
        )
    return localised(figure, language)


def coder_agreement_chart(
    agreement: pd.DataFrame, instrument: Instrument | None = None, low: float = 0.667, language: str = "da"
) -> plt.Figure:
    """Ordinal alpha, weighted kappa and AC2 per element side by side, each with its interval.

    Takes ``agreement.coder_agreement``'s table. The whiskers are the intervals of that table (alpha's
    bootstrap, kappa's Wald interval when there is one pair of coders, AC2's t interval): a bar that
    looks low on few units may still reach past the dashed line.
    """
    check_language(language)
    use_style()
    names = _names(instrument, language)
    names["alle"] = phrase(PHRASES, "overall", language)
    table = in_element_order(agreement, instrument) if instrument is not None else agreement.copy()
    labels = [
        names.get(str(e), str(e)) + (" *" if p else "")
        for e, p in zip(table["element_id"], table["paradox"].astype(bool), strict=True)
    ]
    statistics = {"alpha": "Krippendorff α", "kappa": phrase(PHRASES, "kappa", language), "ac2": "Gwet AC2"}
    figure, ax = plt.subplots(figsize=(8, 0.55 * len(table) + 2))
    y = np.arange(len(table))[::-1].astype(float)
    height = 0.8 / len(statistics)
    palette = sns.color_palette()
    lowest = 0.0
    for i, (column, label) in enumerate(statistics.items()):
        value = table[column].to_numpy(dtype=float)
        bounds = (
            table[[f"{column}_ci_low", f"{column}_ci_high"]].to_numpy(dtype=float)
            if f"{column}_ci_low" in table
            else np.full((len(table), 2), np.nan)
        )
        error = np.vstack([value - bounds[:, 0], bounds[:, 1] - value])
        error = np.where(np.isfinite(error), np.clip(error, 0, None), 0.0)  # no whisker where no interval
        at = y + (1 - i) * height
        ax.barh(at, np.nan_to_num(value), height=height, color=palette[i], label=label)
        ax.errorbar(np.nan_to_num(value), at, xerr=error, fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
        if np.isfinite(bounds).any() or np.isfinite(value).any():
            lowest = min(lowest, float(np.nanmin(np.concatenate([value, bounds[:, 0]]))))
    ax.set_yticks(y, labels)
    ax.axvline(low, color="grey", ls="--", lw=1)
    ax.set_xlim(lowest - 0.05 if lowest < 0 else 0, 1)
    ax.set_xlabel(
        phrase(PHRASES, "value_ci", language, ci=number(100 * float(table["confidence"].iloc[0]), language, 0))
        if "confidence" in table and len(table)
        else phrase(PHRASES, "value", language)
    )
    ax.set_ylabel("")
    # Outside the axes: bars start at 0 on the left and most reach past 0.8, so no corner inside is free.
    ax.legend(
        title=phrase(PHRASES, "statistic", language),
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        borderaxespad=0,
    )
    ax.set_title(phrase(PHRASES, "coders_title", language) + "\n" + phrase(PHRASES, "paradox", language), fontsize=10)
    return localised(figure, language)


def fair_chart(
    fair_overall: pd.DataFrame,
    top_n: int = TOP_N,
    language: str = "da",
    confidence: float = 0.95,
    show: int | None = None,
) -> plt.Figure:
    """Each practice's overall index as observed (hollow) and role-adjusted (filled, with its interval).

    Practices are ordered by the adjusted index; those whose top-``top_n`` place depends on who was asked
    are drawn in red and named in the legend, so the figure shows what the ``role_mix`` flag says. With
    ``show``, only the ``show`` highest and lowest adjusted practices get a row; a note counts the others.
    """
    check_language(language)
    use_style()
    table = fair_overall.dropna(subset=["fair"]).sort_values("fair", kind="stable").reset_index(drop=True)
    top, rest, bottom = top_and_bottom(table["practice_id"].astype(str).tolist()[::-1], show)
    rank_of = pd.Series(np.arange(1, len(table) + 1), index=table["practice_id"].astype(str).tolist()[::-1])
    table = table[table["practice_id"].astype(str).isin(top + bottom)].reset_index(drop=True)
    figure, ax = plt.subplots(figsize=(8, 0.32 * len(table) + 2))
    y = np.arange(len(table))
    palette = sns.color_palette()
    colour = [palette[3] if moved else palette[0] for moved in table["depends_on_roles"]]
    lo = (table["fair"] - table["ci_low"]).to_numpy(dtype=float)
    hi = (table["ci_high"] - table["fair"]).to_numpy(dtype=float)
    for k in range(len(table)):
        ax.plot([table["observed"].iloc[k], table["fair"].iloc[k]], [y[k], y[k]], color="grey", lw=0.8, zorder=1)
        if np.isfinite(lo[k]):
            ax.errorbar(
                table["fair"].iloc[k], y[k], xerr=[[lo[k]], [hi[k]]], fmt="none", ecolor=colour[k], capsize=2, zorder=2
            )
    ax.scatter(
        table["observed"],
        y,
        facecolors="none",
        edgecolors="black",
        zorder=3,
        label=phrase(PHRASES, "observed", language),
    )
    ax.scatter(table["fair"], y, color=colour, zorder=3, label=phrase(PHRASES, "fair", language))
    if table["depends_on_roles"].any():
        ax.scatter([], [], color=palette[3], label=phrase(PHRASES, "moves_top", language, top_n=top_n))
    ax.set_yticks(y, table["practice_id"].astype(str).tolist())
    ax.set_xlabel(phrase(PHRASES, "fair_index", language))
    ax.set_title(phrase(PHRASES, "fair_title", language, ci=round(100 * confidence)), fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    _rest_note(figure, rest, rank_of, language)
    return localised(figure, language)
