"""How much does a practice's score move when it is delimited differently?"""

from __future__ import annotations

import pandas as pd

from lovende_research.bias.common import _check_share
from lovende_research.instrument import Instrument
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.scoring import element_scores, practice_profiles, reconcile_coders
from lovende_research.scoring.parameters import COVERAGE_THRESHOLD

#: An element whose score moves more than this (on 0–1) between delimitations is flagged.
DELIMITATION_THRESHOLD = 0.15


def delimitation_sensitivity(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    delimitations: pd.DataFrame | None = None,
    rule: str = "median",
    aggregation: str = "mean",
    coverage_threshold: float = COVERAGE_THRESHOLD,
    threshold: float = 0.15,
) -> pd.DataFrame:
    """Element scores of a practice under each of its delimitations, against the main one.

    Parameters
    ----------
    codings : DataFrame
        ``Study.codings`` with every delimitation.
    interviews : DataFrame
        ``Study.interviews``.
    instrument : Instrument
        The study's instrument.
    delimitations : DataFrame, optional
        ``Study.delimitations``; gives each alternative's label.
    rule, aggregation, coverage_threshold
        As in :func:`lovende_research.scoring.score_study`.
    threshold : float
        An element whose score moves more than this (on 0–1) is flagged.

    Returns
    -------
    DataFrame
        One row per practice × alternative delimitation × element: ``practice_id``, ``delimitation_id``,
        ``label``, ``element_id``, ``score_main``, ``score_alternative``, ``difference``
        (alternative − main), ``moved`` (``|difference| > threshold``). Empty when no practice was coded
        under more than one delimitation.

    Notes
    -----
    Both delimitations are scored by the same chain (:func:`~lovende_research.scoring.reconcile_coders`
    with ``delimitation=None``, :func:`~lovende_research.scoring.element_scores`,
    :func:`~lovende_research.scoring.practice_profiles`), so the difference is the delimitation's alone.
    An element insufficient under either has a NaN difference and is not flagged.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> items = [i.id for i in inst.elements[0].items]
    >>> codings = pd.DataFrame([("a", "K1", it, d, v, pd.NA, False) for d, v in (("main", 2), ("D1", 4)) for it in items],
    ...     columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value", "missing_code", "is_consensus"])
    >>> codings["value"] = codings["value"].astype("Int64")
    >>> interviews = pd.DataFrame({"interview_id": ["a"], "practice_id": ["P1"], "informant_id": ["L"], "informant_role": ["leder"]})
    >>> out = delimitation_sensitivity(codings, interviews, inst)
    >>> row = out[out["element_id"] == "teori"].iloc[0]
    >>> round(float(row["difference"]), 3), bool(row["moved"])
    (0.667, True)
    """
    _check_share("threshold", threshold)
    columns = [
        "practice_id",
        "delimitation_id",
        "label",
        "element_id",
        "score_main",
        "score_alternative",
        "difference",
        "moved",
    ]
    if not (codings["delimitation_id"] != MAIN_DELIMITATION).any():
        return pd.DataFrame(columns=columns)
    items = reconcile_coders(codings, instrument, rule, delimitation=None)
    profiles = practice_profiles(element_scores(items, instrument, interviews, coverage_threshold), aggregation)
    main = profiles[profiles["delimitation_id"] == MAIN_DELIMITATION][["practice_id", "element_id", "score"]]
    alternative = profiles[profiles["delimitation_id"] != MAIN_DELIMITATION][
        ["practice_id", "delimitation_id", "element_id", "score"]
    ]
    out = alternative.merge(main, on=["practice_id", "element_id"], how="left", suffixes=("_alternative", "_main"))
    labels = (
        {}
        if delimitations is None
        else dict(zip(delimitations["delimitation_id"], delimitations["label"], strict=True))
    )
    out["label"] = [labels.get(d, "") for d in out["delimitation_id"]]
    out["difference"] = out["score_alternative"] - out["score_main"]
    out["moved"] = out["difference"].abs() > threshold
    out = out.assign(_o=out["element_id"].map(instrument.element_position)).sort_values(
        ["practice_id", "delimitation_id", "_o"], kind="stable"
    )
    return out[columns].reset_index(drop=True)
