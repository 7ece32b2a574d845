"""Each check's verdict: one paragraph in Danish or English that a reader without statistics can act on."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from lovende_research.bias.common import BiasError
from lovende_research.bias.phrases import PHRASES
from lovende_research.bias.roles import ROLE_REASONS
from lovende_research.errors import Text
from lovende_research.i18n import check_language, number, percent, phrase
from lovende_research.people_tables import code_text as role_text

#: At most this many ids are named in a verdict; the rest are counted (a national study's verdict named
#: about 1,260 pseudonyms). The full list is the check's table, on the page and in ``tabeller/``.
LISTED_IDS = 10


def _ids(values: Iterable[str], language: str) -> str:
    """`` (a, b, c)``, or the first :data:`LISTED_IDS` and how many more, pointing to the full table."""
    values = list(values)
    if len(values) > LISTED_IDS:
        return (
            f" ({', '.join(values[:LISTED_IDS])} "
            + phrase(PHRASES, "more_ids", language, n=len(values) - LISTED_IDS)
            + ")"
        )
    return f" ({', '.join(values)})" if values else ""


def verdict(check: str, language: str = "da", **tables: Any) -> str:
    """The plain-language verdict of one check, in Danish or English.

    Parameters
    ----------
    check : {'icc', 'roles', 'fair', 'styles', 'stability', 'delimitation', 'coders'}
        Which check.
    language : {'da', 'en'}
        The language.
    **tables
        What the check's verdict reads: ``icc`` (:func:`informant_icc`); ``roles``
        (:func:`role_effects`), ``excluded`` (list of ids), ``alpha_level``; ``fair`` (the overall table of
        :func:`lovende_research.bias.fair.fair_profiles`), ``mix``, ``top_n``; ``styles``
        (:func:`response_styles`); ``summary`` (:func:`stability_summary`), ``flags``
        (:func:`practice_flags`), ``top_n``; ``delimitation`` (:func:`delimitation_sensitivity`),
        ``threshold``; ``agreement`` (:func:`lovende_research.agreement.coder_agreement`), ``low``.

    Returns
    -------
    str
        One paragraph a reader without statistics can act on.

    Examples
    --------
    >>> verdict("delimitation", "en", delimitation=pd.DataFrame(columns=["practice_id", "difference", "moved"]), threshold=0.15)[:40]
    'No practice was coded under more than on'
    """
    check_language(language)
    if check == "icc":
        icc = tables["icc"]
        overall = icc[icc["element_id"] == "overall"].iloc[0]
        elements = icc[icc["element_id"] != "overall"].sort_values("icc1")
        weakest = ", ".join(f"{r.element_id} {number(r.icc1, language)}" for r in elements.head(3).itertuples())
        return phrase(
            PHRASES,
            "v_icc",
            language,
            band=phrase(PHRASES, f"band_{overall['band']}", language),
            icc=number(overall["icc1"], language),
            lo=number(overall["icc1_ci_low"], language),
            hi=number(overall["icc1_ci_high"], language),
            k=number(overall["k"], language, 0),
            icck=number(overall["icck"], language),
            weakest=weakest,
        )
    if check == "roles":
        roles, excluded = tables["roles"], list(tables.get("excluded", []))
        alpha = number(float(tables.get("alpha_level", 0.05)), language)
        excluded_text = (
            phrase(PHRASES, "excluded", language, n=len(excluded), ids=", ".join(excluded))
            if excluded
            else phrase(PHRASES, "excluded_none", language)
        )
        if roles.empty or not bool(roles["converged"].all()):
            if roles.empty:
                warning = phrase(PHRASES, "role_no_roles", language)
            else:
                codes = roles["reason"] if "reason" in roles else pd.Series("fit_failed", index=roles.index)
                codes = [c if c in ROLE_REASONS else "fit_failed" for c in codes]
                warning = "; ".join(
                    phrase(PHRASES, f"role_{c}", language, reference=roles["reference"].iloc[0])
                    for c in dict.fromkeys(codes)
                )
            return phrase(PHRASES, "v_role_failed", language, warning=warning)
        details = "; ".join(
            phrase(
                PHRASES,
                "role_detail",
                language,
                role=role_text(r.role, language),
                estimate=number(r.estimate, language, signed=True),
                lo=number(r.ci_low, language, signed=True),
                hi=number(r.ci_high, language, signed=True),
                p=f"p < {number(0.001, language, 3)}" if r.p_holm < 0.001 else f"p = {number(r.p_holm, language, 3)}",
            )
            for r in roles.itertuples()
        )
        boundary = _boundary_text(roles, language)
        if roles["significant"].any():
            direction = "higher" if roles.loc[roles["significant"], "estimate"].mean() < 0 else "lower"
            return (
                phrase(
                    PHRASES,
                    "v_role_found",
                    language,
                    details=details,
                    alpha=alpha,
                    direction=phrase(PHRASES, direction, language),
                    excluded=excluded_text,
                )
                + boundary
            )
        return phrase(PHRASES, "v_role_none", language, details=details, alpha=alpha, excluded=excluded_text) + boundary
    if check == "fair":
        fair = tables["fair"]
        if fair.empty or not bool(fair["adjusted"].all()):
            return phrase(PHRASES, "v_fair_none", language)
        moved = fair[fair["depends_on_roles"]]["practice_id"]
        mix = phrase(PHRASES, f"mix_{tables.get('mix', 'study')}", language)
        max_diff = number((fair["fair"] - fair["observed"]).abs().max(), language)
        if fair["rank_fair"].equals(fair["rank_observed"]):
            return phrase(PHRASES, "v_fair_unchanged", language, mix=mix, max_diff=max_diff)
        return phrase(
            PHRASES,
            "v_fair",
            language,
            mix=mix,
            n_moved=len(moved),
            top_n=tables.get("top_n", 5),
            ids=_ids(moved, language),
            max_diff=max_diff,
        )
    if check == "styles":
        styles = tables["styles"]
        return phrase(
            PHRASES,
            "v_styles",
            language,
            n=len(styles),
            n_straight=int(styles["straightliner"].sum()),
            straight_ids=_ids(styles.loc[styles["straightliner"], "informant_id"], language),
            n_ceiling=int(styles["ceiling"].sum()),
            ceiling_ids=_ids(styles.loc[styles["ceiling"], "informant_id"], language),
            n_screen=int(styles["screen_unsupported"].sum()),
            screen_ids=_ids(styles.loc[styles["screen_unsupported"], "informant_id"], language),
        )
    if check == "stability":
        summary, flags = tables["summary"], tables["flags"]
        inf, cod = summary[summary["scenario"] == "informant"], summary[summary["scenario"] == "coder"]
        flagged = flags[flags["check"].isin(["informant_stability", "coder_stability"]) & flags["flag"]][
            "practice_id"
        ].drop_duplicates()
        tau_inf = float(inf["kendall_tau"].min()) if len(inf) else float("nan")
        quality = "stable" if (len(flagged) == 0 and (np.isnan(tau_inf) or tau_inf >= 0.8)) else "fragile"
        return phrase(
            PHRASES,
            "v_stability",
            language,
            quality=phrase(PHRASES, quality, language),
            tau_inf=number(tau_inf, language),
            shift_inf=number(inf["max_shift"].max() if len(inf) else None, language, 0),
            tau_cod=(number(cod["kendall_tau"].min(), language) if len(cod) else "–"),
            shift_cod=number(cod["max_shift"].max() if len(cod) else None, language, 0),
            n_flag=len(flagged),
            top_n=tables.get("top_n", 5),
            ids=_ids(flagged, language),
        )
    if check == "delimitation":
        table = tables["delimitation"]
        if table.empty:
            return phrase(PHRASES, "v_delimitation_none", language)
        diff = table["difference"].astype(float)
        return phrase(
            PHRASES,
            "v_delimitation",
            language,
            n_practices=table["practice_id"].nunique(),
            mean_diff=number(diff.mean(), language, signed=True),
            max_diff=number(diff.abs().max(), language),
            n_moved=int(table["moved"].sum()),
            threshold=number(float(tables.get("threshold", 0.15)), language),
        )
    if check == "coders":
        agreement, low = tables["agreement"], float(tables.get("low", 0.667))
        overall = agreement[agreement["scope"] == "overall"].iloc[0]
        groups = agreement[agreement["scope"] == "group"]
        below = groups[groups["alpha"] < low]["element_id"].tolist() if "element_id" in groups else []
        low_text = number(low, language, 3)
        quality = (
            phrase(PHRASES, "coders_ok", language, low=low_text)
            if overall["alpha"] >= low
            else phrase(
                PHRASES,
                "coders_low",
                language,
                low=low_text,
                elements=", ".join(below) or phrase(PHRASES, "none", language),
            )
        )
        paradox = groups[groups["paradox"].astype(bool)]["element_id"].tolist() if "element_id" in groups else []
        return phrase(
            PHRASES,
            "v_coders",
            language,
            agree=percent(overall["percent_agreement"], language),
            alpha=number(overall["alpha"], language),
            kappa=number(overall["kappa"], language),
            ac2=number(overall["ac2"], language),
            quality=quality,
            paradox=phrase(PHRASES, "coders_paradox", language, elements=", ".join(map(str, paradox)))
            if paradox
            else "",
        )
    raise BiasError(
        "check",
        check,
        Text(
            "icc, roles, fair, styles, stability, delimitation eller coders",
            "icc, roles, fair, styles, stability, delimitation or coders",
        ),
    )


def _boundary_text(roles: pd.DataFrame, language: str) -> str:
    """The sentence saying which variance components were estimated at 0 and what that means ('' for none)."""
    text = str(roles["boundary"].iloc[0]) if "boundary" in roles and len(roles) else ""
    components = [c for c in text.split(",") if c]
    if not components:
        return ""
    names = " og " if language == "da" else " and "
    return phrase(
        PHRASES,
        "role_boundary",
        language,
        components=names.join(phrase(PHRASES, f"component_{c}", language) for c in components),
        meaning="; ".join(phrase(PHRASES, f"meaning_{c}", language) for c in components),
    )
