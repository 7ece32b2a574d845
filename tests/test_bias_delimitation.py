"""``bias/delimitation.py`` on hand-made codings: each alternative delimitation against the main one.

Fast tests for mutation testing of ``delimitation.py``. Expected scores come from the scoring chain run
on each delimitation alone (``reconcile_coders(delimitation=d)`` → ``element_scores`` →
``practice_profiles``, not the code under test), and from arithmetic: every item coded ``c`` gives an
element score of (c − 1)/3 on 1–4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lovende_research.bias import delimitation
from lovende_research.errors import LovendeError
from lovende_research.instrument import load_instrument
from lovende_research.scoring import element_scores, practice_profiles, reconcile_coders

INSTRUMENT = load_instrument()
ELEMENTS = [e.id for e in INSTRUMENT.elements]
INTERVIEWS = pd.DataFrame(
    {
        "interview_id": ["a", "b", "c", "d"],
        "practice_id": ["P1", "P1", "P2", "P3"],
        "informant_id": ["L1", "M1", "L2", "L3"],
        "informant_role": ["leder", "medarbejder", "leder", "leder"],
    }
)


def _codings(codes: dict[tuple[str, str], dict[str, int]]) -> pd.DataFrame:
    """(interview, delimitation) → element → the code of every item of that element (2 elsewhere)."""
    rows = [
        (iv, "K1", item.id, d, by_element.get(item.element_id, 2), pd.NA, False)
        for (iv, d), by_element in codes.items()
        for item in INSTRUMENT.items
    ]
    out = pd.DataFrame(
        rows,
        columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value", "missing_code", "is_consensus"],
    )
    out["value"] = out["value"].astype("Int64")
    return out


CODES = {
    ("a", "main"): {"teori": 4},
    ("b", "main"): {"teori": 2},
    ("a", "D1"): {"teori": 1, "maal": 3},
    ("b", "D1"): {"teori": 1},
    ("c", "main"): {"oekonomi": 1},
    ("c", "D2"): {"oekonomi": 4},
    ("d", "main"): {},
}


def _profile(codings: pd.DataFrame, d: str) -> pd.Series:
    items = reconcile_coders(codings, INSTRUMENT, delimitation=d)
    out = practice_profiles(element_scores(items, INSTRUMENT, INTERVIEWS))
    return out.set_index(["practice_id", "element_id"])["score"]


def test_each_alternative_against_the_main_delimitation() -> None:
    """Pins down the table: one row per practice × alternative × element in the instrument's element order,
    the labels, the difference alternative − main, ``moved`` above the threshold; P3 (main only) has none."""
    codings = _codings(CODES)
    labels = pd.DataFrame({"delimitation_id": ["main", "D1", "D2"], "label": ["Hoved", "Kun børn", "Kun voksne"]})
    out = delimitation.delimitation_sensitivity(codings, INTERVIEWS, INSTRUMENT, labels)
    assert list(out.columns) == [
        "practice_id",
        "delimitation_id",
        "label",
        "element_id",
        "score_main",
        "score_alternative",
        "difference",
        "moved",
    ]
    assert out[["practice_id", "delimitation_id"]].drop_duplicates().values.tolist() == [["P1", "D1"], ["P2", "D2"]]
    assert out.loc[out["practice_id"] == "P1", "element_id"].tolist() == ELEMENTS
    assert out["label"].tolist() == ["Kun børn"] * len(ELEMENTS) + ["Kun voksne"] * len(ELEMENTS)
    main, d1, d2 = _profile(codings, "main"), _profile(codings, "D1"), _profile(codings, "D2")
    for d, alternative in (("D1", d1), ("D2", d2)):
        rows = out[out["delimitation_id"] == d].set_index(["practice_id", "element_id"])
        assert rows["score_main"].to_numpy() == pytest.approx(main.reindex(rows.index).to_numpy(), abs=1e-15)
        assert rows["score_alternative"].to_numpy() == pytest.approx(
            alternative.reindex(rows.index).to_numpy(), abs=1e-15
        )
    rows = out.set_index(["practice_id", "element_id"])
    # P1 teori: main (1 + 1/3)/2 = 2/3, D1 0 → −2/3; maal: main 1/3, D1 (2/3 + 1/3)/2 = 1/2 → +1/6;
    # P2 oekonomi: 0 → 1, +1; everything else 1/3 under both, 0.
    assert rows.loc[("P1", "teori"), "difference"] == pytest.approx(-2 / 3, abs=1e-12)
    assert rows.loc[("P1", "maal"), "difference"] == pytest.approx(1 / 6, abs=1e-12)
    assert rows.loc[("P2", "oekonomi"), "difference"] == pytest.approx(1.0, abs=1e-12)
    moved = rows.index[rows["moved"]].tolist()
    assert moved == [("P1", "teori"), ("P1", "maal"), ("P2", "oekonomi")]  # |−2/3|, 1/6 > 0.15, 1
    # without a delimitations table every label is empty
    assert (delimitation.delimitation_sensitivity(codings, INTERVIEWS, INSTRUMENT)["label"] == "").all()


def test_a_difference_exactly_at_the_threshold_is_not_moved() -> None:
    """Pins down ``|difference| > threshold``: at the threshold equal to P1 maal's difference (1/6 as the
    chain computes it) it is not flagged, just below it is; the default threshold is 0.15."""
    codings = _codings(CODES)
    first = delimitation.delimitation_sensitivity(codings, INTERVIEWS, INSTRUMENT).set_index(
        ["practice_id", "element_id"]
    )
    at = float(abs(first.loc[("P1", "maal"), "difference"]))
    out = delimitation.delimitation_sensitivity(codings, INTERVIEWS, INSTRUMENT, threshold=at)
    out = out.set_index(["practice_id", "element_id"])
    assert not out.loc[("P1", "maal"), "moved"] and out.loc[("P1", "teori"), "moved"]
    below = delimitation.delimitation_sensitivity(codings, INTERVIEWS, INSTRUMENT, threshold=float(np.nextafter(at, 0)))
    assert below.set_index(["practice_id", "element_id"]).loc[("P1", "maal"), "moved"]
    assert delimitation.DELIMITATION_THRESHOLD == 0.15
    import inspect

    assert inspect.signature(delimitation.delimitation_sensitivity).parameters["threshold"].default == 0.15


def test_an_element_insufficient_under_one_delimitation_has_no_difference() -> None:
    """An element with every item *ved ikke* under the alternative: NaN difference, not moved."""
    codings = _codings({("a", "main"): {}, ("a", "D1"): {}})
    teori = codings["item_id"].str.startswith("teori_") & (codings["delimitation_id"] == "D1")
    codings.loc[teori, "value"] = pd.NA
    codings["missing_code"] = codings["missing_code"].astype("string")
    codings.loc[teori, "missing_code"] = "ved_ikke"
    out = delimitation.delimitation_sensitivity(codings, INTERVIEWS, INSTRUMENT).set_index("element_id")
    assert np.isnan(out.loc["teori", "difference"]) and not out.loc["teori", "moved"]
    assert out.loc["maal", "difference"] == pytest.approx(0.0, abs=1e-12)


def test_one_delimitation_only_gives_an_empty_table_and_bad_thresholds_are_refused() -> None:
    codings = _codings({("a", "main"): {}, ("c", "main"): {}})
    out = delimitation.delimitation_sensitivity(codings, INTERVIEWS, INSTRUMENT)
    assert out.empty and "moved" in out.columns and "score_alternative" in out.columns
    for bad in (-0.1, 1.5, "0.2", True):
        with pytest.raises(LovendeError, match="^threshold: "):
            delimitation.delimitation_sensitivity(codings, INTERVIEWS, INSTRUMENT, threshold=bad)  # type: ignore[arg-type]


def test_the_chain_s_parameters_reach_both_delimitations_and_an_alternative_without_a_main() -> None:
    """Pins down that ``rule``, ``aggregation`` and ``coverage_threshold`` reach the scoring of both
    delimitations (each table equals the chain run on each delimitation alone with them: two coders who
    differ, three informants in P1, an element half unanswered), and that a practice coded under an
    alternative only keeps its rows, with no main score and nothing moved."""
    interviews = pd.DataFrame(
        {
            "interview_id": ["a", "b", "e", "c"],
            "practice_id": ["P1", "P1", "P1", "P2"],
            "informant_id": ["L1", "M1", "M1b", "L2"],
            "informant_role": ["leder", "medarbejder", "medarbejder", "leder"],
        }
    )
    k1 = _codings(
        {
            ("a", "main"): {"teori": 4},
            ("b", "main"): {},
            ("e", "main"): {"teori": 4},  # teori in P1: 2/3, 0, 2/3 (the lower codes): median 2/3, mean 4/9
            ("a", "D1"): {},
            ("b", "D1"): {},
            ("e", "D1"): {"teori": 1},
            ("c", "D1"): {"teori": 4},
        }
    )
    k2 = k1.assign(coder_id="K2", value=(k1["value"] - 1).clip(lower=1).astype("Int64"))
    codings = pd.concat([k1, k2], ignore_index=True)
    half = (codings["interview_id"] == "b") & (codings["item_id"] == "maal_1")  # maal covered 2/3 < 0.7
    codings["missing_code"] = codings["missing_code"].astype("string")
    codings.loc[half, "value"] = pd.NA
    codings.loc[half, "missing_code"] = "ved_ikke"
    chain = {"rule": "lower", "aggregation": "median", "coverage_threshold": 0.7}
    out = delimitation.delimitation_sensitivity(codings, interviews, INSTRUMENT, **chain)  # type: ignore[arg-type]
    rows = out.set_index(["practice_id", "element_id"])

    def profile(d: str) -> pd.Series:
        items = reconcile_coders(codings, INSTRUMENT, "lower", delimitation=d)
        scores = element_scores(items, INSTRUMENT, interviews, 0.7)
        return practice_profiles(scores, "median").set_index(["practice_id", "element_id"])["score"]

    main, alternative = profile("main"), profile("D1")
    p1 = rows.loc["P1"]
    assert p1["score_main"].to_numpy() == pytest.approx(main.loc["P1"].reindex(p1.index).to_numpy(), abs=1e-15)
    assert p1["score_alternative"].to_numpy() == pytest.approx(
        alternative.loc["P1"].reindex(p1.index).to_numpy(), abs=1e-15
    )
    assert p1.loc["teori", "score_main"] == pytest.approx(2 / 3, abs=1e-12)  # the median, not the mean 4/9
    # P2 only under D1: its rows stay, without a main score, not moved
    p2 = rows.loc["P2"]
    assert len(p2) == len(ELEMENTS) and p2["score_main"].isna().all() and not p2["moved"].any()
    # codes 4 (K1) and 3 (K2): the lower rule takes 3, (3 − 1)/3 = 2/3 (the median would give 3.5, 5/6)
    assert p2.loc["teori", "score_alternative"] == pytest.approx(2 / 3, abs=1e-12)


def test_codings_under_alternatives_only_give_rows_without_a_main_score() -> None:
    """No interview coded under ``main`` at all: the alternative's rows are still reported (the table is
    empty only when nothing but ``main`` was coded), each without a main score, none moved."""
    codings = _codings({("a", "D1"): {"teori": 4}})
    out = delimitation.delimitation_sensitivity(codings, INTERVIEWS, INSTRUMENT)
    assert out["element_id"].tolist() == ELEMENTS and out["score_main"].isna().all() and not out["moved"].any()
    assert out.set_index("element_id").loc["teori", "score_alternative"] == pytest.approx(1.0, abs=1e-12)
