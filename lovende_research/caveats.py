"""The caveats every page of a study repeats: synthetic data, the instrument's status, an unverified grouping.

A module of its own because two kinds of page need them: the HTML pages written by
:mod:`lovende_research.report` and the synthesis notebook (through :mod:`lovende_research.synthesis`).
Keeping them apart from ``report`` keeps nbformat, and the JSON-schema machinery it imports (~2 s), out
of the synthesis notebook's kernel.
"""

from __future__ import annotations

from lovende_research.i18n import phrase
from lovende_research.study import Study

PHRASES = {
    "synthetic": (
        "Syntetiske data: studiet er simuleret med lovende-research og handler ikke om virkelige indsatser eller personer.",
        "Synthetic data: this study was simulated with lovende-research and concerns no real practices or people.",
    ),
    "instrument_note": ("Måleredskab", "Measuring tool"),
    "version": ("version", "version"),
    "unverified": (
        "Elementernes gruppering i fire kategorier er ikke bekræftet af nogen kilde og vises kun som en mulig læsning.",
        "The grouping of the elements into four categories is not confirmed by any source and is shown only as one possible reading.",
    ),
}


def study_caveats(study: Study, language: str) -> list[str]:
    """The caveats in the order pages show them; an instrument note is always there, the others when they apply."""
    instrument = study.instrument
    notices = [phrase(PHRASES, "synthetic", language)] if study.config.synthetic else []
    notices.append(
        f"{phrase(PHRASES, 'instrument_note', language)}: {instrument.title(language)} "
        f"({phrase(PHRASES, 'version', language)} {instrument.version}). {instrument.note(language)}"
    )
    if not instrument.categories_verified:
        notices.append(phrase(PHRASES, "unverified", language))
    return notices
