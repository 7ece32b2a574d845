"""Repeated mappings: a practice's profile across rounds, and the change that is more than noise.

:mod:`~lovende_research.rounds.loading` loads the rounds' study folders and matches their practices
(:func:`load_rounds`); :mod:`~lovende_research.rounds.change` estimates each change with its interval
(:func:`round_change`, its tables summarised in :mod:`~lovende_research.rounds.summaries`);
:mod:`~lovende_research.rounds.drift` the coders' drift between rounds
(:func:`coder_drift`); :mod:`~lovende_research.rounds.comparison` runs all of it for ``lovende compare``
(:func:`compare_rounds`) and :mod:`~lovende_research.rounds.page` writes ``udvikling.html``;
:mod:`~lovende_research.rounds.simulation` writes rounds with planted change (``lovende simulate --rounds``).
"""

from lovende_research.rounds.change import ChangeModel, RoundChange, round_change, round_scores
from lovende_research.rounds.drift import coder_drift, coder_offsets
from lovende_research.rounds.loading import (
    ItemMapping,
    Rounds,
    RoundsError,
    load_rounds,
    read_item_mapping,
    round_folders,
)
from lovende_research.rounds.summaries import DIRECTIONS

__all__ = [
    "DIRECTIONS",
    "ChangeModel",
    "ItemMapping",
    "RoundChange",
    "Rounds",
    "RoundsError",
    "coder_drift",
    "coder_offsets",
    "load_rounds",
    "read_item_mapping",
    "round_change",
    "round_folders",
    "round_scores",
]
