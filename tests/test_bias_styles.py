"""``response_styles`` on hand-made codings, its reference shares worked out by hand.

Fast tests (no simulated study), so mutation testing of ``bias/styles.py`` can run them per mutant. The
instrument has 30 scored items; "cycling" codes 1, 2, 3, 4, 1, … give 8, 8, 7 and 7 items per code.
"""

from __future__ import annotations

import pandas as pd
import pytest

from lovende_research import bias
from lovende_research.instrument import load_instrument

INSTRUMENT = load_instrument()
IDS = [item.id for item in INSTRUMENT.items]
N = len(IDS)
CYCLING = [1 + (k % 4) for k in range(N)]  # codes 1: 8, 2: 8, 3: 7, 4: 7 of 30


def _styles(
    codes: dict[str, list[int]], interviews: list[tuple[str, str, str]], consensus: dict[str, list[int]] | None = None
) -> pd.DataFrame:
    rows = [(iv, "K1", item, v, False) for iv, values in codes.items() for item, v in zip(IDS, values, strict=True)]
    rows += [
        (iv, "konsensus", item, v, True)
        for iv, values in (consensus or {}).items()
        for item, v in zip(IDS, values, strict=True)
    ]
    codings = pd.DataFrame(rows, columns=["interview_id", "coder_id", "item_id", "value", "is_consensus"])
    codings = codings.assign(delimitation_id="main", screen_answer=pd.NA)
    items = codings.rename(columns={"value": "code"}).drop_duplicates(["interview_id", "item_id"])[
        ["interview_id", "delimitation_id", "item_id", "code"]
    ]
    table = pd.DataFrame(interviews, columns=["interview_id", "practice_id", "informant_id"]).assign(
        informant_role="medarbejder"
    )
    es = pd.DataFrame(columns=["interview_id", "delimitation_id", "element_id", "score"])
    return bias.response_styles(items, es, codings, table, INSTRUMENT).set_index("interview_id")


def test_reference_shares_come_from_the_practice_then_the_study() -> None:
    """Pins down the reference a straight-liner is measured against: the median share, at the
    informant's own modal code and at the top code, over the practice's *other informants* (another
    interview of the same informant does not count); for an informant alone in its practice, over every
    other informant of the study (``study``); nothing for an interview without codes. A consensus code
    counts only for an interview no coder coded."""
    out = _styles(
        {"a": [4] * N, "a2": [4] * N, "b": CYCLING, "c": [3] * 24 + [1] * 6},
        [("a", "P1", "x"), ("a2", "P1", "x"), ("b", "P1", "y"), ("c", "P2", "z"), ("d", "P3", "w"), ("e", "P4", "v")],
        consensus={"a": [1] * N, "e": [2] * N},
    )
    # a (and a2): modal 4 at 30/30 (a's consensus 1s are ignored: a coder coded it); the other informant
    # of P1 is b alone, whose share at 4 is 7/30.
    assert out.loc["a", ["modal_code", "modal_share", "top_share"]].tolist() == [4.0, 1.0, 1.0]
    assert out.loc["a", ["reference_share", "reference_top_share"]].tolist() == pytest.approx(
        [7 / 30, 7 / 30], abs=1e-12
    )
    assert out.loc["a", "reference"] == "practice"
    # b: modal code 1 (8 of 30, the first of the two largest counts); a and a2 give 0 at 1 and 1 at 4.
    assert out.loc[
        "b", ["modal_code", "modal_share", "reference_share", "reference_top_share"]
    ].tolist() == pytest.approx([1.0, 8 / 30, 0.0, 1.0], abs=1e-12)
    # c, alone in P2: the study's other informants' interviews a, a2, b, e give 0, 0, 7/30, 0 at code 3
    # (median 0) and 1, 1, 7/30, 0 at code 4 (median (7/30 + 1)/2).
    assert out.loc["c", ["modal_code", "modal_share"]].tolist() == pytest.approx([3.0, 0.8], abs=1e-12)
    assert out.loc["c", ["reference_share", "reference_top_share"]].tolist() == pytest.approx(
        [0.0, (7 / 30 + 1) / 2], abs=1e-12
    )
    assert out.loc["c", "reference"] == "study"
    # e: only a consensus coding, all 2s.
    assert out.loc["e", ["modal_code", "modal_share", "top_share"]].tolist() == [2.0, 1.0, 0.0]
    # d: no codes at all.
    assert (
        pd.isna(out.loc["d", "modal_share"])
        and pd.isna(out.loc["d", "reference_share"])
        and out.loc["d", "reference"] == ""
    )
    assert out.loc["d", "n_answered"] == 0 and not out.loc["d", "straightliner"]
    # a and a2 stand 1 − 7/30 = 0.77 above their reference: straight-liners and at the ceiling; c's 0.8 at
    # code 3 stands 0.8 above: a straight-liner, not at the ceiling.
    assert out["straightliner"].to_dict() == {"a": True, "a2": True, "b": False, "c": True, "d": False, "e": True}
    assert out["ceiling"].to_dict() == {"a": True, "a2": True, "b": False, "c": False, "d": False, "e": False}


def test_codes_nobody_used_count_as_zero() -> None:
    """Pins down the counts over the whole scale: with code 2 used by nobody, shares are still out of the
    informant's own answers (a's 4s are 30 of 30, c's 3s 24 of 30), and the code SD is that of c's answers
    (24 threes and 6 ones: mean 2.6, SD 0.8)."""
    out = _styles({"a": [4] * N, "c": [3] * 24 + [1] * 6}, [("a", "P1", "x"), ("c", "P1", "z")])
    assert out.loc["a", "modal_share"] == 1.0 and out.loc["c", "modal_share"] == pytest.approx(0.8, abs=1e-12)
    # By hand: mean (24·3 + 6·1)/30 = 2.6; variance (24·9 + 6·1)/30 − 2.6² = 7.4 − 6.76 = 0.64.
    assert out.loc["c", "code_sd"] == pytest.approx(0.8, abs=1e-12) and out.loc["a", "code_sd"] == 0.0


@pytest.mark.parametrize(
    ("parameter", "value"), [("straightline_share", 1.5), ("ceiling_share", -0.1), ("style_margin", True)]
)
def test_a_bad_share_names_its_parameter(parameter: str, value: object) -> None:
    """Pins down the message of a share out of range: the parameter, the value, what was expected."""
    with pytest.raises(bias.BiasError) as raised:
        bias.response_styles(*_inputs(), **{parameter: value})  # type: ignore[arg-type]
    assert str(raised.value) == f"{parameter}: {value!r} kan ikke bruges; forventet: et tal mellem 0 og 1"


@pytest.mark.parametrize("value", [0, -3, True, 2.5, "10"])
def test_min_items_must_be_a_positive_whole_number(value: object) -> None:
    """Pins down the ``min_items`` check: 0, negatives, bools, fractions and text are refused by name."""
    with pytest.raises(bias.BiasError) as raised:
        bias.response_styles(*_inputs(), min_items=value)  # type: ignore[arg-type]
    assert str(raised.value) == f"min_items: {value!r} kan ikke bruges; forventet: et positivt heltal"


def _inputs() -> tuple[pd.DataFrame, ...]:
    codes = {"a": [4] * N, "b": CYCLING}
    rows = [(iv, "K1", item, v, False) for iv, values in codes.items() for item, v in zip(IDS, values, strict=True)]
    codings = pd.DataFrame(rows, columns=["interview_id", "coder_id", "item_id", "value", "is_consensus"]).assign(
        delimitation_id="main", screen_answer=pd.NA
    )
    items = codings.rename(columns={"value": "code"})[["interview_id", "delimitation_id", "item_id", "code"]]
    interviews = pd.DataFrame(
        {"interview_id": ["a", "b"], "practice_id": "P1", "informant_id": ["x", "y"], "informant_role": "leder"}
    )
    es = pd.DataFrame(columns=["interview_id", "delimitation_id", "element_id", "score"])
    return items, es, codings, interviews, INSTRUMENT


def test_every_threshold_is_met_at_equality() -> None:
    """Pins down ``>=`` on the margin and on ``min_items``: a's line of 4s stands 1 − 7/30 above b's share
    at 4, and a answered 30 items; a margin of exactly that and ``min_items=30`` flag it, a hair more does not."""
    margin = 1 - 7 / 30
    at = bias.response_styles(*_inputs(), style_margin=margin, min_items=N).set_index("informant_id")
    assert at.loc["x", "straightliner"] and at.loc["x", "ceiling"]
    above = bias.response_styles(*_inputs(), style_margin=margin + 1e-9).set_index("informant_id")
    assert not above.loc["x", "straightliner"] and not above.loc["x", "ceiling"]
    fewer = bias.response_styles(*_inputs(), min_items=N + 1).set_index("informant_id")
    assert not fewer["straightliner"].any() and not fewer["ceiling"].any()
    plain = bias.response_styles(*_inputs())
    assert list(plain.columns[:5]) == ["interview_id", "practice_id", "informant_id", "informant_role", "n_answered"]
    assert "index" not in plain.columns and plain.index.tolist() == [0, 1]
    assert at.loc["x", "n_answered"] == N and at["n_answered"].dtype == int


def test_screen_answers_notes_and_their_evidence() -> None:
    """Pins down the sikker-praksis check per interview: a consensus answer wins, differing coders give
    ``uenig``; notes are joined and blank ones (empty, "nan", "<NA>", "None") dropped; a "ja" is supported
    by a note or by the Virkning score of the same delimitation at or above ``screen_evidence``."""
    items, _, codings, interviews, inst = _inputs()
    extra = pd.DataFrame(
        [  # interview, coder, screen answer, note, consensus
            ("a", "K1", "ja", "None", False),
            ("a", "K2", "ja", " ", False),
            ("b", "K1", "ja", "RCT 2019", False),
            ("b", "K2", "nej", "se rapport", False),
            ("b", "konsensus", "ja", "", True),
        ],
        columns=["interview_id", "coder_id", "screen_answer", "note", "is_consensus"],
    ).assign(item_id=inst.screen_item.id, delimitation_id="main", value=pd.NA)
    codings = pd.concat([codings.assign(note=""), extra], ignore_index=True)
    es = pd.DataFrame(
        {"interview_id": ["a", "a"], "delimitation_id": ["main", "D01"], "element_id": "virkning", "score": [0.5, 0.9]}
    )
    out = bias.response_styles(items, es, codings, interviews, inst).set_index("interview_id")
    assert out.loc["a", ["screen_answer", "screen_note", "evidence_score"]].tolist() == ["ja", "", 0.5]
    assert out.loc["b", ["screen_answer", "screen_note"]].tolist() == ["ja", "RCT 2019; se rapport"]
    # a: "ja" with Virkning exactly 0.5 (the default threshold) and no note: supported; b: a note, no score.
    assert out["screen_unsupported"].tolist() == [False, False]
    strict = bias.response_styles(items, es, codings, interviews, inst, screen_evidence=0.51).set_index("interview_id")
    assert strict["screen_unsupported"].to_dict() == {"a": True, "b": False}  # D01's 0.9 does not count for main
    differ = codings[~codings["is_consensus"]]
    assert (
        bias.response_styles(items, es, differ, interviews, inst).set_index("interview_id").loc["b", "screen_answer"]
        == "uenig"
    )


def test_without_codings_every_interview_is_reported_empty() -> None:
    """Pins down the empty case: no codings give every interview with no answers, an empty screen answer
    and note, and no flag."""
    items, es, codings, interviews, inst = _inputs()
    out = bias.response_styles(items.iloc[:0], es, codings.iloc[:0], interviews, inst)
    assert out["interview_id"].tolist() == ["a", "b"] and (out["n_answered"] == 0).all()
    assert out[["screen_answer", "screen_note"]].values.tolist() == [["", ""], ["", ""]]
    assert not out["straightliner"].any() and not out["screen_unsupported"].any() and out["modal_share"].isna().all()


def test_small_cases_one_code_an_uncoded_interview_first_and_types() -> None:
    """Pins down the edges: an interview with a single code has a modal share (1 of 1); an uncoded
    interview listed first in its practice does not stop its co-informants' references; ``min_items=1``
    is allowed; the share columns stay floats (NaN, not None, where there is nothing)."""
    out = _styles(
        {"one": [4] + [None] * (N - 1), "a": [4] * N, "b": CYCLING},  # type: ignore[list-item]
        [("none", "P1", "u"), ("a", "P1", "x"), ("b", "P1", "y"), ("one", "P2", "z")],
    )
    assert out.loc["one", ["n_answered", "modal_code", "modal_share"]].tolist() == [1, 4.0, 1.0]
    assert (
        out.loc["a", "reference_share"] == pytest.approx(7 / 30, abs=1e-12) and out.loc["a", "reference"] == "practice"
    )
    for column in ("modal_code", "modal_share", "top_share", "code_sd", "reference_share", "reference_top_share"):
        assert out[column].dtype == float, column
    assert pd.isna(out.loc["none", "reference_share"])
    assert bias.response_styles(*_inputs(), min_items=1)["straightliner"].tolist() == [True, False]


def test_screen_notes_without_a_note_column_and_missing_notes() -> None:
    """Pins down the notes: codings without a note column give empty notes; a missing note (``<NA>``)
    is no note."""
    items, es, codings, interviews, inst = _inputs()
    screen = pd.DataFrame(
        {
            "interview_id": ["a", "b"],
            "coder_id": "K1",
            "item_id": inst.screen_item.id,
            "delimitation_id": "main",
            "value": pd.NA,
            "is_consensus": False,
            "screen_answer": ["ja", "nej"],
        }
    )
    both = pd.concat([codings, screen], ignore_index=True)
    assert bias.response_styles(items, es, both, interviews, inst)["screen_note"].tolist() == ["", ""]
    noted = both.assign(note=pd.array([None] * len(both), dtype="string"))
    assert bias.response_styles(items, es, noted, interviews, inst)["screen_note"].tolist() == ["", ""]
