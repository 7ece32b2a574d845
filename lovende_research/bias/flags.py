"""Every practice × check: a flag and its reason in plain language."""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from lovende_research.bias.common import TOP_N
from lovende_research.bias.delimitation import DELIMITATION_THRESHOLD
from lovende_research.bias.phrases import PHRASES
from lovende_research.bias.styles import CEILING_SHARE, SCREEN_EVIDENCE, STRAIGHTLINE_SHARE
from lovende_research.i18n import check_language, number, percent, phrase
from lovende_research.people_tables import code_text as role_text

#: The checks :func:`practice_flags` reports, in order.
CHECKS: tuple[str, ...] = (
    "straightlining",
    "ceiling",
    "screen_unsupported",
    "informant_stability",
    "coder_stability",
    "delimitation",
    "role_mix",
)


def practice_flags(
    practices: Iterable[str],
    styles: pd.DataFrame,
    stability: pd.DataFrame,
    delimitation: pd.DataFrame,
    top_n: int = TOP_N,
    straightline_share: float = STRAIGHTLINE_SHARE,
    ceiling_share: float = CEILING_SHARE,
    screen_evidence: float = SCREEN_EVIDENCE,
    delimitation_threshold: float = DELIMITATION_THRESHOLD,
    language: str = "da",
    fair_overall: pd.DataFrame | None = None,
    set_aside: bool = True,
) -> pd.DataFrame:
    """Every practice × check (:data:`CHECKS`): a flag and its reason in plain language.

    Parameters
    ----------
    practices : iterable of str
        The practices to report (every one gets a row per check, flagged or not).
    styles : DataFrame
        From :func:`response_styles`.
    stability : DataFrame
        From :func:`rank_stability`.
    delimitation : DataFrame
        From :func:`delimitation_sensitivity`.
    top_n : int
        A practice in the top ``top_n`` that leaves it when one of its own informants (or any coder) is
        left out is flagged.
    straightline_share, ceiling_share, screen_evidence, delimitation_threshold : float
        The thresholds used, quoted in the reasons.
    language : {'da', 'en'}
        Language of ``reason``.
    fair_overall : DataFrame, optional
        The overall table of :func:`lovende_research.bias.fair.fair_profiles`: a practice whose top-``top_n``
        place differs between the observed and the role-adjusted ranking is flagged (``role_mix``); without
        it, or when the role model could not be read, the check does not apply.
    set_aside : bool
        Whether flagged straight-liners were set aside from the role model and the ICC (said in the reason).

    Returns
    -------
    DataFrame
        ``practice_id``, ``check``, ``flag`` (bool), ``reason`` (why it is flagged; "intet fund" / "no
        finding" otherwise, or why the check does not apply).

    Examples
    --------
    >>> from lovende_research.bias.stability import STABILITY_COLUMNS
    >>> styles = pd.DataFrame({"practice_id": ["P1"], "informant_id": ["P1-L"], "informant_role": ["leder"],
    ...     "n_answered": [30], "modal_code": [4.0], "modal_share": [1.0], "top_share": [1.0],
    ...     "reference_share": [0.3], "reference_top_share": [0.3], "straightliner": [True], "ceiling": [True],
    ...     "screen_unsupported": [False], "evidence_score": [0.2]})
    >>> flags = practice_flags(["P1"], styles, pd.DataFrame(columns=list(STABILITY_COLUMNS)),
    ...                        pd.DataFrame(columns=["practice_id", "delimitation_id", "element_id", "difference", "moved"]), language="en")
    >>> flags[flags["flag"]]["check"].tolist()
    ['straightlining', 'ceiling']
    """
    check_language(language)
    rows: list[dict[str, object]] = []

    def add(practice: str, check: str, reasons: list[str], applicable: bool = True) -> None:
        if reasons:
            rows.append({"practice_id": practice, "check": check, "flag": True, "reason": " · ".join(reasons)})
        else:
            rows.append(
                {
                    "practice_id": practice,
                    "check": check,
                    "flag": False,
                    "reason": phrase(PHRASES, "no_finding" if applicable else f"not_applicable_{check}", language),
                }
            )

    def code_text(code: float) -> str:
        text = f"{code:g}"
        return text.replace(".", ",") if language == "da" else text

    # Each table is filtered to its flagged rows once and the reasons grouped by practice (one pass per
    # table, not one per practice: a national study has 6,000 practices).
    reasons: dict[str, dict[str, list[str]]] = {check: {} for check in CHECKS}

    def collect(check: str, frame: pd.DataFrame, texts: Iterable[str]) -> None:
        for practice, text in zip(frame["practice_id"], texts, strict=True):
            reasons[check].setdefault(practice, []).append(text)

    flagged = styles[styles["straightliner"].astype(bool)]
    collect(
        "straightlining",
        flagged,
        (
            phrase(
                PHRASES,
                "flag_straightlining",
                language,
                informant=r.informant_id,
                role=role_text(r.informant_role, language),
                code=code_text(r.modal_code),
                share=percent(r.modal_share, language),
                n=r.n_answered,
                threshold=percent(straightline_share, language),
                reference=percent(r.reference_share, language),
                set_aside=phrase(PHRASES, "set_aside" if set_aside else "kept", language),
            )
            for r in flagged.itertuples()
        ),
    )
    flagged = styles[styles["ceiling"].astype(bool)]
    collect(
        "ceiling",
        flagged,
        (
            phrase(
                PHRASES,
                "flag_ceiling",
                language,
                informant=r.informant_id,
                role=role_text(r.informant_role, language),
                share=percent(r.top_share, language),
                n=r.n_answered,
                threshold=percent(ceiling_share, language),
                reference=percent(r.reference_top_share, language),
            )
            for r in flagged.itertuples()
        ),
    )
    flagged = styles[styles["screen_unsupported"].astype(bool)]
    collect(
        "screen_unsupported",
        flagged,
        (
            phrase(
                PHRASES,
                "flag_screen",
                language,
                informant=r.informant_id,
                role=role_text(r.informant_role, language),
                evidence=(
                    number(r.evidence_score, language)
                    if not np.isnan(r.evidence_score)
                    else phrase(PHRASES, "insufficient", language)
                ),
                threshold=number(screen_evidence, language),
            )
            for r in flagged.itertuples()
        ),
    )
    fell = (stability["rank_full"] <= top_n) & ~(stability["rank_reduced"] <= top_n)
    for scenario, check in (("informant", "informant_stability"), ("coder", "coder_stability")):
        own = fell & (stability["scenario"] == scenario)
        if scenario == "informant":  # its place rests on one of its own voices, not on another practice's
            own &= stability["left_out_practice"] == stability["practice_id"]
        flagged = stability[own]
        collect(
            check,
            flagged,
            (
                phrase(
                    PHRASES,
                    f"flag_{check}",
                    language,
                    rank_full=int(r.rank_full),
                    rank_reduced=(int(r.rank_reduced) if not pd.isna(r.rank_reduced) else "–"),
                    left_out=r.left_out,
                    top_n=top_n,
                )
                for r in flagged.itertuples()
            ),
        )
    moved = delimitation[delimitation["moved"].astype(bool)]
    for (practice, delim), group in moved.groupby(["practice_id", "delimitation_id"], sort=True):
        elements = ", ".join(
            f"{r.element_id} {number(r.difference, language, signed=True)}" for r in group.itertuples()
        )
        reasons["delimitation"].setdefault(practice, []).append(
            phrase(
                PHRASES,
                "flag_delimitation",
                language,
                delimitation=delim,
                n=len(group),
                threshold=number(delimitation_threshold, language),
                elements=elements,
            )
        )
    adjusted = fair_overall is not None and bool(fair_overall["adjusted"].all()) and len(fair_overall) > 0
    if adjusted and fair_overall is not None:
        flagged = fair_overall[fair_overall["depends_on_roles"]]
        collect(
            "role_mix",
            flagged,
            (
                phrase(
                    PHRASES,
                    "flag_role_mix",
                    language,
                    rank_full=_rank(r.rank_observed),
                    rank_fair=_rank(r.rank_fair),
                    top_n=top_n,
                    scope=phrase(PHRASES, "scope_set_aside", language)
                    if set_aside and styles["straightliner"].astype(bool).any()
                    else "",
                )
                for r in flagged.itertuples()
            ),
        )
    applies = {"delimitation": set(delimitation["practice_id"]), "role_mix": set(practices) if adjusted else set()}
    for practice in sorted(set(practices)):
        for check in CHECKS:
            add(
                practice, check, reasons[check].get(practice, []), applicable=practice in applies.get(check, {practice})
            )
    return pd.DataFrame(rows, columns=["practice_id", "check", "flag", "reason"])


def _rank(value: float) -> str:
    return "–" if pd.isna(value) else str(int(value))
