"""What a test may ask of planted truth that no response-style rule can see."""

from __future__ import annotations

from lovende_research.study import Study


def straight_lines_at_practice_level(study: Study, informants: list[str], share: float = 0.7) -> set[str]:
    """Planted straight-liners whose practice's other informants give the straight-liner's own code to at
    least ``share`` of their coded items: a straight line at the practice's level, which no rule can (or
    need) tell from a truthful answer. Counted from the raw codings, not by ``response_styles``."""
    codings = study.codings[study.codings["value"].notna() & ~study.codings["is_consensus"].astype(bool)]
    codings = codings.merge(study.interviews[["interview_id", "practice_id", "informant_id"]], on="interview_id")
    out = set()
    for informant in informants:
        own = codings[codings["informant_id"] == informant]
        code = own["value"].mode().iloc[0]
        others = codings[(codings["practice_id"] == own["practice_id"].iloc[0]) & (codings["informant_id"] != informant)]
        if len(others) and (others["value"] == code).mean() >= share:
            out.add(informant)
    return out
