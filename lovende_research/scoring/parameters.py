"""The scoring chain's rules, its error and the checks of its parameters, shared by every step."""

from __future__ import annotations

from lovende_research.errors import ArgumentError, Text

#: The share of an element's items (and of the elements, for the overall index) that must be answered
#: for a score to count as sufficient; every step of scoring and bias takes this default.
COVERAGE_THRESHOLD = 0.5

#: How two or more coders' differing codes become one when no consensus code is given.
#: ``median``: the median of the coders' scale codes (for two coders, the midpoint: 2 and 4 give 3).
#: ``lower``: the lowest code, a conservative reading that never credits a practice with more than
#: every coder heard.
RECONCILE_RULES: tuple[str, ...] = ("median", "lower")

#: How informants' element scores become one per practice.
#: ``mean``: the mean over all informants with a sufficient score (every voice counts equally);
#: ``median``: the median over them (robust to one enthusiastic or sceptical informant);
#: ``leader``: leaders (role ``leder``) only — the measuring tool's default respondent, so a mapping
#: that interviewed several roles can still report the score the tool itself would have produced.
AGGREGATIONS: tuple[str, ...] = ("mean", "median", "leader")

#: Where the intervals come from. ``model``: draws from a variance-components model whose
#: within-practice spread is pooled over all practices (:func:`~lovende_research.scoring.model_draws`),
#: which keeps its coverage with two or three informants; ``bootstrap``: the percentile bootstrap over
#: a practice's own informants, which with three informants is their min–max and covers too little.
INTERVAL_METHODS: tuple[str, ...] = ("model", "bootstrap")

LEADER_ROLE = "leder"
KEY = ["interview_id", "delimitation_id", "item_id"]

#: Sentences printed by notebooks/02_interview_coding, Danish first (looked up with i18n.phrase).
PHRASES: dict[str, tuple[str, str]] = {
    "synthetic_banner": ("  [SYNTETISKE DATA]", "  [SYNTHETIC DATA]"),
    "instrument": ("Måleredskab: {version}", "Measuring tool: {version}"),
    "not_official": (" (ikke den officielle version)", " (not the official version)"),
    "tables_written": ("{n} tabeller gemt i {path}", "{n} tables written to {path}"),
    "coder_conflicts_summary": (
        "{n} uenigheder mellem koderne, heraf {resolved} afgjort med en konsensuskode",
        "{n} disagreements between the coders, {resolved} resolved by a consensus code",
    ),
    "n_items": ("antal spørgsmål", "items"),
}


#: The scoring chain's parameter error: :class:`~lovende_research.errors.ArgumentError` under the name
#: ``lovende_research.scoring`` exports (the bias checks export the same class as ``BiasError``).
ScoringError = ArgumentError


def _check_choice(parameter: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ScoringError(parameter, value, Text(" eller ".join(allowed), " or ".join(allowed)))


def _check_share(parameter: str, value: float) -> None:
    """A share or level in [0, 1]; a bool is refused though Python counts it as an int (the one check for
    scoring and bias alike)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ScoringError(parameter, value, Text("et tal mellem 0 og 1", "a number from 0 to 1"))
