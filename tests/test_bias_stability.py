"""``bias/stability.py``: the closed-form leave-one-out ranks and summaries against re-ranking the long way.

Fast tests for mutation testing of ``stability.py``. The expected values are computed here by brute force:
the full index with one practice's value replaced, re-ranked by pandas (``method="min"``, descending),
Kendall's tau-b from :func:`scipy.stats.kendalltau`, top-n sets compared; or the scoring chain
(``reconcile_coders`` → ``element_scores`` → ``practice_profiles`` → ``overall_index``, not the code under
test) run once per left-out informant or coder on small hand-made codings.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lovende_research.bias import stability
from lovende_research.errors import LovendeError, in_language
from lovende_research.instrument import load_instrument
from lovende_research.scoring import element_scores, overall_index, practice_profiles, reconcile_coders

INSTRUMENT = load_instrument()
ITEMS = [item.id for item in INSTRUMENT.items]


def _rank(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).rank(ascending=False, method="min").to_numpy(dtype=float)


def _brute_force(values: np.ndarray, q: int, b: float, top_n: int) -> dict[str, float]:
    """One scenario re-ranked the long way: practice ``q``'s index replaced by ``b``."""
    reduced = values.copy()
    reduced[q] = b
    full_rank, reduced_rank = _rank(values), _rank(reduced)
    both = np.isfinite(values) & np.isfinite(reduced)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy may warn on a constant ranking; its NaN is the expectation
        tau = float(stats.kendalltau(values[both], reduced[both]).statistic) if both.sum() >= 2 else np.nan
    shift = reduced_rank - full_rank
    return {
        "rank_reduced": reduced_rank[q],
        "n_practices": float(both.sum()),
        "kendall_tau": tau,
        "max_shift": float(np.nanmax(np.abs(shift))) if np.isfinite(shift).any() else np.nan,
        "top_changed": float(set(np.flatnonzero(full_rank <= top_n)) != set(np.flatnonzero(reduced_rank <= top_n))),
    }


@pytest.mark.parametrize("seed", range(6))
def test_one_moved_summary_equals_re_ranking_with_ties_and_dropouts(seed: int) -> None:
    """Pins down the closed forms of ``_one_moved_summary`` (reduced rank of the moved practice, practices
    ranked in both, tau-b from pair counts, largest shift, top-n change) against re-ranking every scenario:
    indices on a coarse grid (many ties, ties at the top-n edge), unranked practices (NaN), a practice that
    drops out (b NaN) or enters (a NaN), b equal to a, to another index, or strictly between."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9))
    values = rng.choice(np.array([0.2, 0.4, 0.5, 0.6, 0.8]), size=n)
    values[rng.random(n) < 0.15] = np.nan
    rank_full = _rank(values)
    grid = np.array([np.nan, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9])
    q = np.repeat(np.arange(n), len(grid))
    b = np.tile(grid, n)
    for top_n in (1, 2, 3):
        got = stability._one_moved_summary(values, rank_full, q, b, top_n)
        for k in range(len(q)):
            expected = _brute_force(values, int(q[k]), float(b[k]), top_n)
            case = f"values={values.tolist()} q={q[k]} b={b[k]} top_n={top_n}"
            for key, value in expected.items():
                assert float(got[key][k]) == pytest.approx(value, abs=1e-12, nan_ok=True), f"{key}: {case}"


@pytest.mark.parametrize(
    ("values", "q", "b"),
    [
        ([0.5, np.nan], 0, np.nan),  # the only ranked practice drops out: no shift at all (NaN)
        ([0.8, 0.5], 1, np.nan),  # the lower one drops out: the other keeps its rank (largest shift 0)
        ([0.5, 0.5, np.nan], 2, 0.7),  # an unranked practice enters above two tied ones: no tau (all ties)
        ([0.5, 0.5, np.nan], 2, 0.5),
        ([0.3], 0, 0.6),  # a single practice: no pair
    ],
)
def test_one_moved_summary_edge_cases(values: list[float], q: int, b: float) -> None:
    """The edge cases a random draw rarely gives, against re-ranking the long way: a ranking of one, a
    practice dropping out or entering, every other practice tied."""
    v = np.array(values)
    for top_n in (1, 2):
        got = stability._one_moved_summary(v, _rank(v), np.array([q]), np.array([b]), top_n)
        for key, value in _brute_force(v, q, b, top_n).items():
            assert float(got[key][0]) == pytest.approx(value, abs=1e-12, nan_ok=True), key


def test_kendall_tau_b_from_pair_counts_by_hand() -> None:
    """Pins down tau-b = (C − D)/√((n₀ − n₁)(n₀ − n₂)) from pair counts, its clipping and NaN when one ranking
    is all ties. 4 practices, 6 pairs; one pair discordant, no ties: (6 − 2)/6 = 2/3 (C = 5, D = 1).
    One tie in x (n₁ = 1), none in y, one discordant: (6 − 1 − 0 + 0 − 2)/√(5·6) = 3/√30."""
    tau = stability._kendall_tau_b(
        np.array([6, 6, 6, 6]),
        np.array([0, 1, 6, 0]),
        np.array([0, 0, 0, 6]),
        np.array([0, 0, 0, 0]),
        np.array([1, 1, 0, 0]),
    )
    assert tau[:2] == pytest.approx([2 / 3, 3 / np.sqrt(30)], abs=1e-12)
    assert np.isnan(tau[2]) and np.isnan(tau[3])
    # 3 pairs, none tied: 3/√3/√3 rounds to 1.0000000000000002 (and −3/√3/√3 below −1); tau is clipped to
    # exactly ±1, as scipy clips it
    zero = np.zeros(2, dtype=int)
    assert stability._kendall_tau_b(np.array([3, 3]), zero, zero, zero, np.array([0, 3])).tolist() == [1.0, -1.0]
    # scipy on the same pairs: x = (1, 2, 3, 4), y = (1, 2, 4, 3)
    assert tau[0] == pytest.approx(stats.kendalltau([1, 2, 3, 4], [1, 2, 4, 3]).statistic, abs=1e-12)


def test_stability_summary_by_hand() -> None:
    """Pins down the summary of given rows: P1 falls from 1 to 2, P2 rises; tau over the three pairs
    (one discordant: (2 − 1)/3 = 1/3), the largest absolute shift 1, the top-1 set changed; a scenario with
    one practice ranked in both has no tau and no shift where both shifts are NaN."""
    st = pd.DataFrame(
        {
            "scenario": ["informant"] * 3 + ["coder"] * 2,
            "left_out": ["x"] * 3 + ["K1"] * 2,
            "left_out_practice": ["P1"] * 3 + [""] * 2,
            "practice_id": ["P1", "P2", "P3", "P1", "P2"],
            "overall_full": [0.9, 0.5, 0.1, 0.9, 0.5],
            "overall_reduced": [0.4, 0.5, 0.1, np.nan, np.nan],
            "rank_full": [1.0, 2.0, 3.0, 1.0, 2.0],
            "rank_reduced": [2.0, 1.0, 3.0, np.nan, np.nan],
            "shift": [1.0, -1.0, 0.0, np.nan, np.nan],
        }
    )
    out = stability.stability_summary(st, top_n=1)
    assert list(out.columns) == list(stability.SUMMARY_COLUMNS)
    assert out["scenario"].tolist() == ["coder", "informant"]  # sorted by scenario and left-out unit
    coder, informant = out.iloc[0], out.iloc[1]
    assert informant["kendall_tau"] == pytest.approx(1 / 3, abs=1e-12)
    assert informant["max_shift"] == 1.0 and informant["top_changed"] and informant["n_practices"] == 3
    assert informant["left_out_practice"] == "P1"
    assert np.isnan(coder["kendall_tau"]) and np.isnan(coder["max_shift"]) and coder["n_practices"] == 0
    assert coder["top_changed"]  # P1 was in the top 1 and no practice is ranked without K1
    # top 3: every practice stays in it
    assert not stability.stability_summary(st.iloc[:3], top_n=3)["top_changed"].iloc[0]


def _codings(values: dict[tuple[str, str], int | None], delimitation: str = "main") -> pd.DataFrame:
    """Every item of interview × coder coded ``value`` (``None``: every item *ved ikke*)."""
    rows = [
        (iv, coder, item, delimitation, value, "ved_ikke" if value is None else pd.NA, False)
        for (iv, coder), value in values.items()
        for item in ITEMS
    ]
    out = pd.DataFrame(
        rows,
        columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value", "missing_code", "is_consensus"],
    )
    out["value"] = out["value"].astype("Int64")
    out["missing_code"] = out["missing_code"].astype("string")
    return out


def _interviews(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["interview_id", "practice_id", "informant_id", "informant_role"])


def _ranked(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    drop_informant: str = "",
    chain: tuple[str, str, float, str] = ("median", "mean", 0.5, "main"),
) -> pd.DataFrame:
    """The scoring chain (rule, aggregation, coverage threshold, delimitation) and ranks, by pandas."""
    rule, aggregation, coverage, delimitation = chain
    items = reconcile_coders(codings, INSTRUMENT, rule, delimitation)
    scores = element_scores(items, INSTRUMENT, interviews, coverage)
    scores = scores[scores["informant_id"] != drop_informant]
    out = overall_index(practice_profiles(scores, aggregation), coverage)
    return out.assign(rank=out["overall"].rank(ascending=False, method="min")).set_index("practice_id")


STUDY = _interviews(
    [
        ("a", "P1", "L1", "leder"),
        ("b", "P1", "M1", "medarbejder"),
        ("c", "P2", "L2", "leder"),
        ("d", "P2", "M2", "medarbejder"),
        ("e", "P3", "L3", "leder"),
        ("f", "P4", "L4", "leder"),
        ("g", "P4", "M4", "medarbejder"),
        ("h", "P1", "M1b", "medarbejder"),
    ]
)
CODES = {
    ("a", "K1"): 4,
    ("a", "K2"): 4,
    ("b", "K1"): 1,
    ("b", "K2"): 2,
    ("c", "K1"): 3,
    ("c", "K2"): 3,
    ("d", "K1"): 3,
    ("d", "K2"): 2,
    ("e", "K1"): 2,
    ("e", "K2"): 3,
    ("f", "K1"): None,
    ("f", "K2"): None,
    ("g", "K1"): 4,
    ("g", "K2"): 1,
    ("h", "K1"): 3,
    ("h", "K2"): 3,
}
#: Under a second delimitation P1 and P2 were coded otherwise (so scoring every delimitation at once shows).
CODES_D1 = {("a", "K1"): 1, ("b", "K1"): 4, ("c", "K1"): 4, ("d", "K1"): 4, ("a", "K2"): 1}


def _study_codings() -> pd.DataFrame:
    """CODES under ``main`` (interview g *ved ikke* on the first item of every element: its elements are
    covered 1/2 or 2/3, sufficient at a threshold of 0.5, not at 0.95; interviews e and d silent on one
    element) and CODES_D1 under ``D1``."""
    codings = pd.concat([_codings(CODES), _codings(CODES_D1, "D1")], ignore_index=True)
    first = {e.items[0].id for e in INSTRUMENT.elements}
    partial = (codings["interview_id"] == "g") & codings["item_id"].isin(first)
    codings.loc[partial, "value"] = pd.NA
    codings.loc[partial, "missing_code"] = "ved_ikke"
    # interview e (P3's only informant) answers nothing on teori: 10 of 11 elements, ranked at an element
    # share of 0.5, not at 0.95
    silent = (codings["interview_id"] == "e") & codings["item_id"].str.startswith("teori_")
    # and so does interview d under main: P2 without L2 is M2 alone with 10 of 11 elements, so the element
    # share reaches the leave-one-out index too (P3 without L3 has no informant left)
    silent |= (codings["interview_id"] == "d") & (codings["delimitation_id"] == "main")
    silent &= codings["item_id"].str.startswith("teori_")
    codings.loc[silent, "value"] = pd.NA
    codings.loc[silent, "missing_code"] = "ved_ikke"
    return codings


@pytest.mark.parametrize(
    "chain",
    [("median", "mean", 0.5, "main"), ("lower", "median", 0.95, "main"), ("median", "leader", 0.5, "D1")],
    ids=["defaults", "lower-median-0.95", "leader-D1"],
)
def test_rank_stability_equals_re_scoring_once_per_informant_and_coder(chain: tuple[str, str, float, str]) -> None:
    """Pins down the table against the scoring chain run once per left-out informant and coder: the full
    and reduced indices and ranks, the shift, the left-out practice, a practice whose only informant is
    left out (P3 without L3: unranked), an informant without a sufficient score (L4: every answer *ved
    ikke*; leaving them out changes nothing), coder scenarios for every practice, the ``own`` rows and the summary's statistics."""
    codings = _study_codings()
    rule, aggregation, coverage, delimitation = chain
    out = stability.rank_stability(codings, STUDY, INSTRUMENT, rule, aggregation, coverage, delimitation)
    assert list(out.columns) == list(stability.STABILITY_COLUMNS)
    assert out.index.tolist() == list(range(len(out)))
    full = _ranked(codings, STUDY, chain=chain)
    coded = set(
        STUDY.loc[
            STUDY["interview_id"].isin({iv for iv, _ in (CODES if delimitation == "main" else CODES_D1)}),
            "informant_id",
        ]
    )
    informants = sorted(coded)
    assert out.loc[out["scenario"] == "informant", "left_out"].drop_duplicates().tolist() == informants
    for informant in informants:
        reduced = _ranked(codings, STUDY, informant, chain)
        rows = out[(out["scenario"] == "informant") & (out["left_out"] == informant)].set_index("practice_id")
        assert rows.index.tolist() == full.index.tolist()
        practice = STUDY.set_index("informant_id").loc[informant, "practice_id"]
        assert (rows["left_out_practice"] == practice).all()
        expected = reduced["overall"].reindex(rows.index)
        assert rows["overall_reduced"].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-15, nan_ok=True)
        assert rows["rank_reduced"].to_numpy() == pytest.approx(
            reduced["rank"].reindex(rows.index).to_numpy(), nan_ok=True
        )
        assert rows["overall_full"].to_numpy() == pytest.approx(full["overall"].to_numpy(), abs=1e-15, nan_ok=True)
        assert rows["rank_full"].to_numpy() == pytest.approx(full["rank"].to_numpy(), nan_ok=True)
        assert rows["shift"].to_numpy() == pytest.approx(
            (rows["rank_reduced"] - rows["rank_full"]).to_numpy(), nan_ok=True
        )
    for coder in ("K1", "K2"):
        kept = codings[codings["coder_id"] != coder]
        reduced = _ranked(kept, STUDY, chain=chain)
        rows = out[(out["scenario"] == "coder") & (out["left_out"] == coder)].set_index("practice_id")
        assert rows.index.tolist() == full.index.tolist()  # every practice, ranked without the coder or not
        assert (rows["left_out_practice"] == "").all()
        assert rows["overall_reduced"].to_numpy() == pytest.approx(
            reduced["overall"].reindex(rows.index).to_numpy(), abs=1e-15, nan_ok=True
        )
        assert rows["rank_reduced"].to_numpy() == pytest.approx(
            reduced["rank"].reindex(rows.index).to_numpy(), nan_ok=True
        )
    own = stability.rank_stability(codings, STUDY, INSTRUMENT, rule, aggregation, coverage, delimitation, rows="own")
    own_informants = own[own["scenario"] == "informant"]
    assert (own_informants["practice_id"] == own_informants["left_out_practice"]).all()
    assert len(own_informants) == len(informants) and (own["scenario"] == "coder").sum() == 2 * len(full)
    pd.testing.assert_frame_equal(
        own_informants.reset_index(drop=True),
        out[(out["scenario"] == "informant") & (out["practice_id"] == out["left_out_practice"])].reset_index(drop=True),
    )
    # the summary computed in one pass equals the summary of the whole table
    _, summary = stability._stability(codings, STUDY, INSTRUMENT, rule, aggregation, coverage, delimitation, 2, "own")
    assert summary.index.tolist() == list(range(len(summary)))  # a plain index over coder and informant rows
    expected = stability.stability_summary(out, top_n=2)
    expected = pd.concat([expected[expected["scenario"] == "coder"], expected[expected["scenario"] == "informant"]])
    pd.testing.assert_frame_equal(
        summary.drop(columns=["kendall_tau"]).reset_index(drop=True),
        expected.drop(columns=["kendall_tau"]).reset_index(drop=True),
        check_dtype=False,
    )
    assert summary["kendall_tau"].to_numpy() == pytest.approx(
        expected["kendall_tau"].to_numpy(), abs=1e-12, nan_ok=True
    )


def test_an_informant_in_two_practices_is_re_ranked_the_long_way() -> None:
    """Pins down the slow path: an informant whose scores fall in two practices (interviews in P1 and P2)
    moves both indices at once; its rows and summary equal re-scoring without them, ``own`` keeps the
    rows of both practices, and its scenario takes its place in the informants' sorted order among the
    one-practice informants' (closed-form) scenarios."""
    interviews = _interviews(
        [
            ("a", "P1", "M0", "leder"),
            ("b", "P1", "M1", "medarbejder"),
            ("c", "P2", "M0", "leder"),
            ("d", "P2", "M2", "medarbejder"),
            ("e", "P3", "L3", "leder"),
        ]
    )
    codes = {("a", "K1"): 4, ("b", "K1"): 2, ("c", "K1"): 1, ("d", "K1"): 3, ("e", "K1"): 2}
    codings = _codings(codes)
    out = stability.rank_stability(codings, interviews, INSTRUMENT)
    # informants sorted by id (L3, M1, M2 by the closed form, M0 between them the long way: its rows come
    # last before the sort, so an unstable sort or a missing key shows), each listing every practice in the
    # order of the full table (practice ids sorted, as practice_profiles gives them)
    assert out["left_out"].tolist() == [i for i in ("L3", "M0", "M1", "M2") for _ in range(3)]
    assert out["practice_id"].tolist() == ["P1", "P2", "P3"] * 4
    rows = out[out["left_out"] == "M0"].set_index("practice_id")
    reduced = _ranked(codings, interviews, "M0")
    assert rows["overall_reduced"].to_numpy() == pytest.approx(reduced["overall"].to_numpy(), abs=1e-15)
    assert rows["rank_reduced"].tolist() == reduced["rank"].tolist()
    assert (rows["left_out_practice"] == "P1").all()  # the practice of the informant's first interview
    own = stability.rank_stability(codings, interviews, INSTRUMENT, rows="own")
    assert sorted(own.loc[own["left_out"] == "M0", "practice_id"]) == ["P1", "P2"]
    assert not (out["scenario"] == "coder").any()  # one coder: no coder scenario
    _, summary = stability._stability(codings, interviews, INSTRUMENT, "median", "mean", 0.5, "main", 1, "all")
    expected = stability.stability_summary(out, top_n=1)
    pd.testing.assert_frame_equal(
        summary.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False, atol=1e-12
    )


def test_a_study_without_scores_under_the_delimitation_has_an_empty_table() -> None:
    """Codings under another delimitation only: no score, no scenario, the table's columns all the same."""
    interviews = _interviews([("a", "P1", "L1", "leder"), ("b", "P1", "M1", "medarbejder")])
    codings = _codings({("a", "K1"): 3, ("b", "K1"): 2}, "D1")
    out = stability.rank_stability(codings, interviews, INSTRUMENT)
    assert out.empty and list(out.columns) == list(stability.STABILITY_COLUMNS)


def test_a_practice_never_ranked_and_a_bad_rows_choice() -> None:
    """A practice without a sufficient score: its one scenario has no index and no rank either way;
    ``rows`` other than all/own is refused by name, in Danish and English."""
    interviews = _interviews([("a", "P1", "L1", "leder")])
    codings = _codings({("a", "K1"): None})
    out = stability.rank_stability(codings, interviews, INSTRUMENT)
    assert out["left_out"].tolist() == ["L1"] and list(out.columns) == list(stability.STABILITY_COLUMNS)
    assert out[["overall_full", "overall_reduced", "rank_full", "rank_reduced", "shift"]].isna().all().all()
    with pytest.raises(LovendeError) as caught:
        stability.rank_stability(codings, interviews, INSTRUMENT, rows="some")
    assert str(caught.value) == "rows: 'some' kan ikke bruges; forventet: all eller own"
    assert in_language(caught.value.args[0], "en") == "rows: 'some' cannot be used; expected: all or own"


def test_stability_summary_of_one_row_scenarios_and_of_no_rows() -> None:
    """A scenario given by one row (an ``own`` table) is summarised from it; no rows give an empty table
    with the summary's columns; the default top is 5, as everywhere in the stage."""
    import inspect

    st = pd.DataFrame(
        {
            "scenario": ["informant"],
            "left_out": ["x"],
            "left_out_practice": ["P1"],
            "practice_id": ["P1"],
            "overall_full": [0.9],
            "overall_reduced": [0.4],
            "rank_full": [1.0],
            "rank_reduced": [6.0],
            "shift": [5.0],
        }
    )
    row = stability.stability_summary(st).iloc[0]
    assert row["left_out_practice"] == "P1" and row["max_shift"] == 5.0 and row["n_practices"] == 1
    assert row["top_changed"]  # out of the top 5 (rank 6)
    assert np.isnan(row["kendall_tau"])  # one practice: no pair
    empty = stability.stability_summary(st.iloc[:0])
    assert empty.empty and list(empty.columns) == list(stability.SUMMARY_COLUMNS)
    assert inspect.signature(stability.stability_summary).parameters["top_n"].default == 5


def test_rows_are_ordered_by_informant_then_practice_and_summaries_keep_their_types() -> None:
    """Pins down the table's order in a study big enough for an unstable sort to show (12 practices × 3
    informants, 432 rows): informant scenarios in sorted order, each listing the practices in the full
    ranking's order (sorted ids); and the summary's types (a count, a float, a bool). A bug found by
    mutation testing: with a single coder the empty coder frame turned the counts and flags into objects."""
    rng = np.random.default_rng(7)
    rows, codes = [], {}
    for p in range(12):
        for k in range(3):
            interview = f"I{p:02d}{k}"
            rows.append((interview, f"P{p:02d}", f"P{p:02d}-{k}", "leder" if k == 0 else "medarbejder"))
            codes[(interview, "K1")] = int(rng.integers(1, 5))
    interviews = _interviews(rows)
    out = stability.rank_stability(_codings(codes), interviews, INSTRUMENT)
    practices = sorted({r[1] for r in rows})
    informants = sorted({r[2] for r in rows})
    assert out["left_out"].tolist() == [i for i in informants for _ in practices]
    assert out["practice_id"].tolist() == practices * len(informants)
    _, summary = stability._stability(_codings(codes), interviews, INSTRUMENT, "median", "mean", 0.5, "main", 5, "own")
    assert summary["left_out"].tolist() == informants and summary.index.tolist() == list(range(len(summary)))
    assert summary["n_practices"].dtype == np.int64 and summary["top_changed"].dtype == bool
    assert summary["max_shift"].dtype == np.float64
