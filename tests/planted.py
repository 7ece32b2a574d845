"""What a test may ask of planted truth that no response-style rule can see."""

from __future__ import annotations

from lovende_research.bias import STYLE_MARGIN
from lovende_research.study import Study


def straight_lines_at_practice_level(
    study: Study, consistency: dict[str, float], margin: float = STYLE_MARGIN
) -> set[str]:
    """Planted straight-liners whose line lies at their practice's own level: a straight line that no
    rule can (or need) tell from a truthful answer.

    ``consistency`` is ``truth.json["straightline_consistency"]``: each planted straight-liner gives its
    one category on a share :math:`q_j` of the items. A rule that flags a line only when it stands
    ``margin`` above what the co-informants answer (``response_styles``' ``style_margin``) cannot see a
    line whose code the practice's other informants give to at least :math:`q_j -` ``margin`` of their
    coded items. Counted from the raw codings and the planted :math:`q_j`, not by ``response_styles``.
    """
    codings = study.codings[study.codings["value"].notna() & ~study.codings["is_consensus"].astype(bool)]
    codings = codings.merge(study.interviews[["interview_id", "practice_id", "informant_id"]], on="interview_id")
    out = set()
    for informant, q in consistency.items():
        own = codings[codings["informant_id"] == informant]
        code = own["value"].mode().iloc[0]
        others = codings[
            (codings["practice_id"] == own["practice_id"].iloc[0]) & (codings["informant_id"] != informant)
        ]
        if len(others) and (others["value"] == code).mean() >= q - margin:
            out.add(informant)
    return out
