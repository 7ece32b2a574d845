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


def _styles(codes: dict[str, list[int]], interviews: list[tuple[str, str, str]], consensus: dict[str, list[int]] | None = None) -> pd.DataFrame:
    rows = [(iv, "K1", item, v, False) for iv, values in codes.items() for item, v in zip(IDS, values, strict=True)]
    rows += [(iv, "konsensus", item, v, True) for iv, values in (consensus or {}).items() for item, v in zip(IDS, values, strict=True)]
    codings = pd.DataFrame(rows, columns=["interview_id", "coder_id", "item_id", "value", "is_consensus"])
    codings = codings.assign(delimitation_id="main", screen_answer=pd.NA)
    items = codings.rename(columns={"value": "code"}).drop_duplicates(["interview_id", "item_id"])[["interview_id", "delimitation_id", "item_id", "code"]]
    table = pd.DataFrame(interviews, columns=["interview_id", "practice_id", "informant_id"]).assign(informant_role="medarbejder")
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
    assert out.loc["a", ["reference_share", "reference_top_share"]].tolist() == pytest.approx([7 / 30, 7 / 30], abs=1e-12)
    assert out.loc["a", "reference"] == "practice"
    # b: modal code 1 (8 of 30, the first of the two largest counts); a and a2 give 0 at 1 and 1 at 4.
    assert out.loc["b", ["modal_code", "modal_share", "reference_share", "reference_top_share"]].tolist() == pytest.approx([1.0, 8 / 30, 0.0, 1.0], abs=1e-12)
    # c, alone in P2: the study's other informants' interviews a, a2, b, e give 0, 0, 7/30, 0 at code 3
    # (median 0) and 1, 1, 7/30, 0 at code 4 (median (7/30 + 1)/2).
    assert out.loc["c", ["modal_code", "modal_share"]].tolist() == pytest.approx([3.0, 0.8], abs=1e-12)
    assert out.loc["c", ["reference_share", "reference_top_share"]].tolist() == pytest.approx([0.0, (7 / 30 + 1) / 2], abs=1e-12)
    assert out.loc["c", "reference"] == "study"
    # e: only a consensus coding, all 2s.
    assert out.loc["e", ["modal_code", "modal_share", "top_share"]].tolist() == [2.0, 1.0, 0.0]
    # d: no codes at all.
    assert pd.isna(out.loc["d", "modal_share"]) and pd.isna(out.loc["d", "reference_share"]) and out.loc["d", "reference"] == ""
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
