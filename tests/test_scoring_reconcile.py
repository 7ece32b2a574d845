"""``reconcile_coders`` with more than two coders and with missing codes, against values worked by hand;
``coder_conflicts`` and ``screen_flags`` by hand too.

With two coders the median is the mean, so every two-coder fixture passes for either rule; these cases
use three and four coders, where the two differ, and missing codes, which must not count as votes.
Scale of the bundled instrument: codes 1–4, value on 0–1 = (code − 1) / 3.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from lovende_research.instrument import load_instrument
from lovende_research.scoring import ScoringError, coder_conflicts, reconcile_coders, screen_flags

INSTRUMENT = load_instrument()


def _codings(answers: dict[str, list[int | str]], consensus: int | None = None) -> pd.DataFrame:
    """One interview, one row per coder and item; an ``int`` is a scale code, a ``str`` a missing code."""
    rows = []
    for item, per_coder in answers.items():
        for n, answer in enumerate(per_coder):
            rows.append((f"K{n + 1}", item, answer, False))
        if consensus is not None:
            rows.append(("konsensus", item, consensus, True))
    frame = pd.DataFrame(rows, columns=["coder_id", "item_id", "answer", "is_consensus"])
    return pd.DataFrame(
        {
            "interview_id": "I1",
            "coder_id": frame["coder_id"],
            "item_id": frame["item_id"],
            "delimitation_id": "main",
            "value": pd.array([a if isinstance(a, int) else None for a in frame["answer"]], dtype="Int64"),
            "missing_code": pd.array([a if isinstance(a, str) else None for a in frame["answer"]], dtype="string"),
            "is_consensus": frame["is_consensus"],
        }
    )


def _row(answers: list[int | str], rule: str = "median", consensus: int | None = None) -> pd.Series:
    out = reconcile_coders(_codings({"teori_1": answers}, consensus), INSTRUMENT, rule=rule)
    assert len(out) == 1
    return out.iloc[0]


@pytest.mark.parametrize(
    ("answers", "median", "lowest"),
    [
        # By hand: sorted 1, 2, 4 → middle 2 (the mean would be 7/3 = 2.33); lowest 1.
        ([4, 1, 2], 2.0, 1.0),
        # By hand: sorted 1, 1, 2, 4 → mean of the middle two (1 + 2)/2 = 1.5 (the mean would be 2.0).
        ([1, 4, 1, 2], 1.5, 1.0),
        # By hand: sorted 2, 3, 3, 4 → (3 + 3)/2 = 3 (the mean would be 3.0 too; the lowest tells the rules apart).
        ([3, 2, 4, 3], 3.0, 2.0),
    ],
)
def test_median_and_lower_rules_with_three_and_four_coders(
    answers: list[int | str], median: float, lowest: float
) -> None:
    """Pins down the ``median`` rule as the middle code (the mean of the middle two for an even count),
    not the mean, and ``lower`` as the lowest code, with three and four coders."""
    row = _row(answers)
    assert row["code"] == median
    # value = (code − 1) / 3 on the 1–4 scale, to 1e-12.
    assert row["value"] == pytest.approx((median - 1) / 3, abs=1e-12)
    assert (row["n_coders"], row["n_answered"], row["source"], bool(row["agree"])) == (
        len(answers),
        len(answers),
        "regel",
        False,
    )
    assert _row(answers, rule="lower")["code"] == lowest


def test_missing_codes_are_not_votes_for_the_median() -> None:
    """Pins down that a coder's *ved ikke* is left out of the median, not counted as 0 or as a code:
    four coders 1, 2, 4 and ved_ikke give the median of 1, 2, 4 = 2 (counting ved_ikke as 0 would give
    1.5; the mean of the three codes 2.33); ``n_answered`` counts the three, ``n_coders`` all four."""
    row = _row([1, "ved_ikke", 4, 2])
    assert row["code"] == 2.0
    assert (row["n_coders"], row["n_answered"]) == (4, 3)
    assert pd.isna(row["missing_code"]) and row["source"] == "regel"


def test_three_coders_without_any_scale_code_give_the_most_frequent_missing_code() -> None:
    """Pins down an item nobody could code: no code (NaN value), the most frequent missing code among
    the coders, and the source ``mangler``; on a tie the alphabetically first code is kept."""
    row = _row(["ved_ikke", "ikke_relevant", "ved_ikke"])
    assert math.isnan(row["code"]) and math.isnan(row["value"])
    assert (row["missing_code"], row["n_answered"], row["source"]) == ("ved_ikke", 0, "mangler")
    # Tie 1–1: "ikke_relevant" < "ved_ikke" alphabetically.
    assert _row(["ved_ikke", "ikke_relevant"])["missing_code"] == "ikke_relevant"


def test_agreeing_coders_and_a_consensus_code() -> None:
    """Pins down the order of precedence: three coders who agree give their code as ``enig``; a
    consensus row wins over any rule, even when it lies outside the coders' codes."""
    agreed = _row([3, 3, 3])
    assert (agreed["code"], agreed["source"], bool(agreed["agree"])) == (3.0, "enig", True)
    decided = _row([1, 2, 2, 4], consensus=4)
    assert (decided["code"], decided["source"], decided["n_coders"]) == (4.0, "konsensus", 4)


def test_each_item_is_reconciled_on_its_own() -> None:
    """Pins down the grouping by interview × item: two items with three coders each keep their own median
    (teori_1: 1, 2, 4 → 2; teori_2: 3, 4, 4 → 4), in the instrument's item order, with each item's element
    and weight from the instrument and the documented columns in their order."""
    out = reconcile_coders(_codings({"teori_2": [3, 4, 4], "teori_1": [1, 2, 4]}), INSTRUMENT)
    assert out[["item_id", "code"]].values.tolist() == [["teori_1", 2.0], ["teori_2", 4.0]]
    assert list(out.columns) == [
        "interview_id",
        "delimitation_id",
        "item_id",
        "element_id",
        "weight",
        "code",
        "value",
        "missing_code",
        "n_coders",
        "n_answered",
        "agree",
        "source",
    ]
    items = {item.id: item for item in INSTRUMENT.items}
    assert out["element_id"].tolist() == ["teori", "teori"]
    assert (
        out["weight"].tolist() == [float(items["teori_1"].weight), float(items["teori_2"].weight)]
        and out["weight"].dtype == float
    )
    assert out.index.tolist() == [0, 1]


def test_screen_flags_count_each_interview_once_by_hand() -> None:
    """Pins down the sikker-praksis screen per practice: a consensus answer wins, coders who agree give
    their answer, coders who differ count as ``disagree``, an interview nobody answered as ``missing``;
    practices in sorted order; with ``delimitation=None`` every delimitation, sorted, main included."""
    rows = [  # interview, coder, answer (None: a missing code), delimitation
        ("a", "A", "ja", "main"),
        ("a", "B", "ja", "main"),
        ("b", "A", "ja", "main"),
        ("b", "B", "nej", "main"),
        ("c", "A", "nej", "main"),
        ("c", "B", "nej", "main"),
        ("c", "konsensus", "ja", "main"),
        ("e", "A", "nej", "main"),
        ("e", "B", "nej", "main"),
        ("f", "A", "nej", "main"),
        ("f", "B", None, "main"),
        ("a", "A", "nej", "D01"),
        ("a", "B", "nej", "D01"),
        ("g", "A", "ja", "main"),
        ("g", "B", "nej", "main"),
    ]
    codings = pd.DataFrame(
        {
            "interview_id": [r[0] for r in rows] + ["e"],
            "coder_id": [r[1] for r in rows] + ["A"],
            "item_id": ["sikker_1"] * len(rows) + ["teori_1"],  # a scored item is not a screen answer
            "screen_answer": pd.array([r[2] for r in rows] + ["ja"], dtype="string"),
            "delimitation_id": [r[3] for r in rows] + ["main"],
            "is_consensus": [r[1] == "konsensus" for r in rows] + [False],
        }
    )
    # P2 listed first: the output is sorted by practice all the same.
    interviews = pd.DataFrame(
        {"interview_id": ["e", "f", "a", "b", "c", "d", "g"], "practice_id": ["P2", "P2", "P1", "P1", "P1", "P1", "P3"]}
    )
    columns = [
        "practice_id",
        "delimitation_id",
        "n_interviews",
        "n_ja",
        "n_nej",
        "n_disagree",
        "n_missing",
        "possible_sikker",
    ]
    # By hand, main: P1 a ja, b disagree, c ja (consensus over nej, nej), d missing; P2 e nej, f nej (B's missing code is no answer).
    # P3: one interview, its coders differ: no ja, yet possibly sikker (the flag errs towards looking).
    main = screen_flags(codings, INSTRUMENT, interviews)
    assert list(main.columns) == columns
    assert main.values.tolist() == [
        ["P1", "main", 4, 2, 0, 1, 1, True],
        ["P2", "main", 2, 0, 2, 0, 0, False],
        ["P3", "main", 1, 0, 0, 1, 0, True],
    ]
    # By hand, D01: only a is coded there (nej); main as above.
    every = screen_flags(codings, INSTRUMENT, interviews, delimitation=None)
    assert every[columns].values.tolist() == [
        ["P1", "D01", 4, 0, 1, 0, 3, False],
        ["P2", "D01", 2, 0, 0, 0, 2, False],
        ["P3", "D01", 1, 0, 0, 0, 1, False],
        ["P1", "main", 4, 2, 0, 1, 1, True],
        ["P2", "main", 2, 0, 2, 0, 0, False],
        ["P3", "main", 1, 0, 0, 1, 0, True],
    ]


def test_coder_conflicts_with_three_coders_by_hand() -> None:
    """Pins down the consensus-meeting list: only items where the coders' answers differ, coders numbered
    in sorted order, the largest minus the smallest code (NaN when a coder gave a missing code), the
    consensus answer when there is one, practice and informant from the interviews, the question in the
    language asked for."""
    codings = _codings({"teori_1": [1, 4, 2], "teori_2": [3, 3, 3], "maal_1": [2, "ved_ikke", 2]}, consensus=None)
    codings = pd.concat([codings, _codings({"teori_1": []}, consensus=3).assign(interview_id="I1")], ignore_index=True)
    codings = codings.assign(note="", screen_answer=pd.array([None] * len(codings), dtype="string"))
    codings.loc[(codings["coder_id"] == "K2") & (codings["item_id"] == "teori_1"), "note"] = "tydeligt"
    interviews = pd.DataFrame(
        {"interview_id": ["I1"], "practice_id": ["P1"], "informant_id": ["P1-L"], "informant_role": ["leder"]}
    )
    out = coder_conflicts(codings, INSTRUMENT, interviews, language="en")
    assert out["item_id"].tolist() == ["maal_1", "teori_1"]  # teori_2: all three gave 3
    teori = out.set_index("item_id").loc["teori_1"]
    assert [teori[f"coder_{k}"] for k in (1, 2, 3)] == ["K1", "K2", "K3"]
    assert [teori[f"answer_{k}"] for k in (1, 2, 3)] == ["1", "4", "2"]
    assert (teori["note_2"], teori["max_difference"], teori["consensus"], bool(teori["resolved"])) == (
        "tydeligt",
        3.0,
        "3",
        True,
    )
    assert (teori["practice_id"], teori["informant_id"], teori["informant_role"], teori["element_id"]) == (
        "P1",
        "P1-L",
        "leder",
        "teori",
    )
    assert teori["question"] == next(item for item in INSTRUMENT.items if item.id == "teori_1").text("en")
    maal = out.set_index("item_id").loc["maal_1"]
    assert maal["answer_2"] == "ved_ikke" and math.isnan(maal["max_difference"]) and not bool(maal["resolved"])
    assert list(out.columns[:8]) == [
        "interview_id",
        "practice_id",
        "informant_id",
        "informant_role",
        "delimitation_id",
        "item_id",
        "element_id",
        "question",
    ]


def _frame(rows: list[tuple[str, str, int | None, str | None, bool, str]]) -> pd.DataFrame:
    """Codings from (coder, item, scale code, missing code, is_consensus, delimitation) rows of interview I1."""
    return pd.DataFrame(
        {
            "interview_id": "I1",
            "coder_id": [r[0] for r in rows],
            "item_id": [r[1] for r in rows],
            "delimitation_id": [r[5] for r in rows],
            "value": pd.array([r[2] for r in rows], dtype="Int64"),
            "missing_code": pd.array([r[3] for r in rows], dtype="string"),
            "is_consensus": [r[4] for r in rows],
        }
    )


def test_consensus_only_items_and_a_consensus_missing_code() -> None:
    """Pins down items only a consensus row covers: no coders (``n_coders`` and ``n_answered`` 0, as
    integers; ``agree`` true, as a bool), the consensus code, or its missing code when the consensus was
    *ved ikke*; and that the first consensus row of an item is the one used."""
    out = reconcile_coders(
        _frame(
            [
                ("konsensus", "teori_1", 3, None, True, "main"),
                ("konsensus", "teori_2", None, "ved_ikke", True, "main"),
                ("konsensus", "maal_1", 2, None, True, "main"),
                ("consensus", "maal_1", 4, None, True, "main"),
            ]
        ),
        INSTRUMENT,
    ).set_index("item_id")
    assert out.loc["teori_1", ["code", "source", "n_coders", "n_answered"]].tolist() == [3.0, "konsensus", 0, 0]
    assert (
        out["n_coders"].dtype == int
        and out["n_answered"].dtype == int
        and out["agree"].dtype == bool
        and out["agree"].all()
    )
    assert math.isnan(out.loc["teori_2", "code"]) and out.loc["teori_2", "missing_code"] == "ved_ikke"
    assert out.loc["teori_2", "source"] == "konsensus"
    assert out.loc["maal_1", "code"] == 2.0


def test_two_different_missing_codes_are_a_disagreement_and_other_delimitations_stay_out() -> None:
    """Pins down ``agree`` on missing codes (*ved ikke* against *ikke relevant* is a disagreement, which
    the consensus meeting must see) and on a blank row (a coder without an answer does not agree), and
    that only the delimitation asked for is reconciled."""
    out = reconcile_coders(
        _frame(
            [
                ("K1", "teori_1", None, "ved_ikke", False, "main"),
                ("K2", "teori_1", None, "ikke_relevant", False, "main"),
                ("K1", "teori_2", 3, None, False, "main"),
                ("K2", "teori_2", None, None, False, "main"),
                ("K1", "maal_1", 1, None, False, "D01"),
                ("K2", "maal_1", 1, None, False, "D01"),
            ]
        ),
        INSTRUMENT,
    ).set_index("item_id")
    assert out.index.tolist() == ["teori_1", "teori_2"]
    assert (
        not out.loc["teori_1", "agree"] and out.loc["teori_1", "missing_code"] == "ikke_relevant"
    )  # tie: alphabetical
    assert not out.loc["teori_2", "agree"] and out.loc["teori_2", ["code", "n_coders", "n_answered"]].tolist() == [
        3.0,
        2,
        1,
    ]


def test_an_unknown_rule_names_the_parameter() -> None:
    """Pins down the error for a rule that does not exist: the parameter, the value and the rules."""
    with pytest.raises(ScoringError) as raised:
        reconcile_coders(_frame([("K1", "teori_1", 3, None, False, "main")]), INSTRUMENT, rule="mean")
    assert str(raised.value) == "rule: 'mean' kan ikke bruges; forventet: median eller lower"


def test_coder_conflicts_show_screen_answers_and_missing_codes() -> None:
    """Pins down the answers a consensus meeting sees: the screen item's ja/nej and the missing codes as
    written, so a conflict on them is listed like any other."""
    codings = _frame(
        [
            ("K1", "sikker_1", None, None, False, "main"),
            ("K2", "sikker_1", None, None, False, "main"),
            ("K1", "teori_1", None, "ved_ikke", False, "main"),
            ("K2", "teori_1", None, "ikke_relevant", False, "main"),
        ]
    )
    codings["screen_answer"] = pd.array(["ja", "nej", None, None], dtype="string")
    out = coder_conflicts(codings, INSTRUMENT).set_index("item_id")
    assert out.loc["sikker_1", ["answer_1", "answer_2"]].tolist() == ["ja", "nej"] and pd.isna(
        out.loc["sikker_1", "element_id"]
    )
    assert out.loc["teori_1", ["answer_1", "answer_2"]].tolist() == ["ved_ikke", "ikke_relevant"]
    blank = _frame([("K1", "maal_1", 2, None, False, "main"), ("K2", "maal_1", None, None, False, "main")])
    assert coder_conflicts(blank, INSTRUMENT)[["answer_1", "answer_2"]].values.tolist() == [
        ["2", ""]
    ]  # no answer: empty


def test_coder_conflicts_defaults_empty_result_and_interviews_not_listed() -> None:
    """Pins down the edges of the conflict list: Danish questions by default (the screen item's too);
    only the main delimitation by default; a second consensus row ignored; notes empty when the codings
    have none; an interview missing from ``interviews`` kept with empty practice fields; and with no
    conflict at all an empty table with the columns for two coders."""
    codings = _frame(
        [
            ("K1", "sikker_1", None, None, False, "main"),
            ("K2", "sikker_1", None, None, False, "main"),
            ("K1", "teori_1", 1, None, False, "main"),
            ("K2", "teori_1", 3, None, False, "main"),
            ("konsensus", "teori_1", 2, None, True, "main"),
            ("consensus", "teori_1", 3, None, True, "main"),
            ("K1", "maal_1", 1, None, False, "D01"),
            ("K2", "maal_1", 4, None, False, "D01"),
        ]
    )
    codings["screen_answer"] = pd.array(["ja", "nej"] + [None] * 6, dtype="string")
    interviews = pd.DataFrame(
        {"interview_id": ["I9"], "practice_id": ["P9"], "informant_id": ["P9-L"], "informant_role": ["leder"]}
    )
    out = coder_conflicts(codings, INSTRUMENT, interviews).set_index("item_id")
    assert out.index.tolist() == ["sikker_1", "teori_1"]  # D01's maal_1 left out
    texts = {item.id: item for item in INSTRUMENT.items}
    assert out.loc["teori_1", "question"] == texts["teori_1"].text("da")
    assert out.loc["sikker_1", "question"] == INSTRUMENT.screen_item.text("da")
    assert out.loc["teori_1", "consensus"] == "2" and out["consensus"].dtype == "string"
    assert out[["note_1", "note_2"]].values.tolist() == [["", ""], ["", ""]]
    assert out["practice_id"].isna().all() and out["interview_id"].tolist() == ["I1", "I1"]
    agreed = coder_conflicts(
        _frame([("K1", "teori_1", 2, None, False, "main"), ("K2", "teori_1", 2, None, False, "main")]), INSTRUMENT
    )
    assert len(agreed) == 0
    assert list(agreed.columns) == [
        "interview_id",
        "delimitation_id",
        "item_id",
        "element_id",
        "question",
        "coder_1",
        "answer_1",
        "note_1",
        "coder_2",
        "answer_2",
        "note_2",
        "max_difference",
        "consensus",
        "resolved",
    ]


def test_screen_flags_without_interviews_keeps_its_columns() -> None:
    """Pins down the empty case: no interviews give an empty table with the documented columns."""
    codings = _frame([("K1", "sikker_1", None, None, False, "main")]).assign(
        screen_answer=pd.array(["ja"], dtype="string")
    )
    out = screen_flags(codings, INSTRUMENT, pd.DataFrame({"interview_id": [], "practice_id": []}))
    assert len(out) == 0
    assert list(out.columns) == [
        "practice_id",
        "delimitation_id",
        "n_interviews",
        "n_ja",
        "n_nej",
        "n_disagree",
        "n_missing",
        "possible_sikker",
    ]
