"""Fast tests of ``scoring/draws.py``: the bootstrap draws against the documented resampling written out
with plain Python loops (same seed, practices in sorted order, each an ``(n_boot, n_p)`` block of
informant indices with informants sorted by id), the long table's row order, and the cells' order."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from lovende_research.scoring import BootstrapDraws, ScoringError, bootstrap_draws, bootstrap_replicates
from lovende_research.scoring.draws import _aggregate, _cell_groups, draw_cells


def _es(rows: list[tuple[str, str, str, str, float]], delimitation: str = "main") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    return frame.assign(
        interview_id=frame["practice_id"] + frame["informant_id"],
        delimitation_id=delimitation,
        coverage=1.0,
        sufficient=frame["score"].notna(),
    )


def _study() -> pd.DataFrame:
    """P2 before P1 in the table (sorted order must win); informant ids shared across practices; a missing
    score; an element (z) only P2 has; P3 without leaders."""
    return _es(
        [
            ("P2", "2", "medarbejder", "x", 0.9),
            ("P2", "2", "medarbejder", "z", 0.1),
            ("P2", "1", "leder", "x", 0.3),
            ("P2", "1", "leder", "z", np.nan),
            ("P2", "3", "medarbejder", "x", 0.6),
            ("P2", "3", "medarbejder", "z", 0.5),
            ("P1", "1", "leder", "x", 0.2),
            ("P1", "1", "leder", "y", 0.4),
            ("P1", "2", "medarbejder", "x", 0.8),
            ("P1", "2", "medarbejder", "y", 1.0),
            ("P3", "1", "medarbejder", "x", 0.5),
            ("P3", "2", "medarbejder", "x", 0.7),
        ]
    )


def _by_hand(es: pd.DataFrame, aggregation: str, n_boot: int, seed: int) -> np.ndarray:
    """The resampling of ``bootstrap_draws``' Notes, one practice and one replicate at a time."""
    used = es[es["informant_role"] == "leder"] if aggregation == "leader" else es
    rng = np.random.default_rng(seed)
    columns = []
    for practice in sorted(es["practice_id"].unique()):
        elements = list(dict.fromkeys(es.loc[es["practice_id"] == practice, "element_id"]))
        mine = used[used["practice_id"] == practice]
        informants = sorted(mine["informant_id"].unique())
        block = np.full((n_boot, len(elements)), np.nan)
        if informants:
            picks = rng.integers(0, len(informants), size=(n_boot, len(informants)))
            for r in range(n_boot):
                for j, element in enumerate(elements):
                    values = []
                    for pick in picks[r]:
                        score = mine.loc[
                            (mine["informant_id"] == informants[pick]) & (mine["element_id"] == element), "score"
                        ]
                        values += [v for v in score if not np.isnan(v)]
                    if values:
                        block[r, j] = np.median(values) if aggregation == "median" else np.mean(values)
        columns.append(block)
    return np.hstack(columns)


@pytest.mark.parametrize("aggregation", ["mean", "median", "leader"])
def test_bootstrap_draws_are_the_documented_resampling(aggregation: str) -> None:
    es = _study()
    draws = bootstrap_draws(es, aggregation, n_boot=25, seed=4)
    assert draws.cells[["practice_id", "element_id"]].values.tolist() == [
        ["P1", "x"],
        ["P1", "y"],
        ["P2", "x"],
        ["P2", "z"],
        ["P3", "x"],
    ]
    assert draws.n_boot == 25
    assert np.allclose(draws.scores, _by_hand(es, aggregation, 25, 4), atol=1e-12, equal_nan=True)


def test_the_same_seed_gives_the_same_draws_and_another_seed_others() -> None:
    es = _study()
    a, b = bootstrap_draws(es, n_boot=30, seed=1), bootstrap_draws(es, n_boot=30, seed=1)
    assert np.array_equal(a.scores, b.scores, equal_nan=True)
    assert not np.array_equal(a.scores, bootstrap_draws(es, n_boot=30, seed=2).scores, equal_nan=True)


def test_two_informants_give_the_three_bootstrap_means() -> None:
    # By hand: informants 1.0 and 0.0 resampled in pairs → means 0, 0.5 or 1, with probabilities ¼, ½, ¼.
    es = _es([("P1", "L", "leder", "x", 1.0), ("P1", "M", "medarbejder", "x", 0.0)])
    scores = bootstrap_draws(es, n_boot=4000, seed=0).scores[:, 0]
    assert set(np.round(scores, 12)) == {0.0, 0.5, 1.0}
    # Binomial SE of a share of ½ over 4000 draws ≈ 0.008; 0.03 is more than three of them.
    assert float(np.mean(scores == 0.5)) == pytest.approx(0.5, abs=0.03)
    assert float(np.mean(scores == 1.0)) == pytest.approx(0.25, abs=0.03)


def test_an_informant_without_any_score_in_a_cell_makes_it_nan() -> None:
    # P1's only informant has no score on y: that column is NaN in every replicate, without a warning.
    es = _es([("P1", "L", "leder", "x", 0.4), ("P1", "L", "leder", "y", np.nan)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draws = bootstrap_draws(es, "median", n_boot=5, seed=0)
    assert np.allclose(draws.scores[:, 0], 0.4) and np.isnan(draws.scores[:, 1]).all()


def test_draw_cells_sort_the_pairs_and_keep_each_pairs_element_order() -> None:
    es = pd.concat([_study(), _es([("P0", "1", "leder", "q", 0.1)], delimitation="alt")], ignore_index=True)
    es.loc[len(es)] = es.iloc[0]
    es.loc[len(es) - 1, "practice_id"] = None  # a row without a practice is dropped, as groupby drops it
    cells, pair = draw_cells(es)
    assert cells.values.tolist() == [
        ["P0", "alt", "q"],
        ["P1", "main", "x"],
        ["P1", "main", "y"],
        ["P2", "main", "x"],
        ["P2", "main", "z"],
        ["P3", "main", "x"],
    ]
    assert pair.tolist() == [0, 1, 1, 2, 2, 3]
    group, position, size = _cell_groups(cells)
    assert group.tolist() == [0, 1, 1, 2, 2, 3]
    assert position.tolist() == [0, 0, 1, 0, 1, 0]
    assert size.tolist() == [1, 2, 2, 1]


def test_cell_groups_number_pairs_in_order_of_first_appearance() -> None:
    cells = pd.DataFrame({"practice_id": ["B", "B", "A"], "delimitation_id": ["m"] * 3, "element_id": list("xyx")})
    group, position, size = _cell_groups(cells)
    assert (group.tolist(), position.tolist(), size.tolist()) == ([0, 0, 1], [0, 1, 0], [2, 1])
    empty = _cell_groups(cells.iloc[:0])
    assert [len(a) for a in empty] == [0, 0, 0]


def test_the_long_table_runs_practice_then_replicate_then_element() -> None:
    cells = pd.DataFrame({"practice_id": ["A", "A", "B"], "delimitation_id": ["m"] * 3, "element_id": ["x", "y", "x"]})
    scores = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    long = BootstrapDraws(cells=cells, scores=scores).to_long()
    assert list(long.columns) == ["replicate", "practice_id", "delimitation_id", "element_id", "score"]
    # By hand: A's replicate 0 (x, y), A's replicate 1 (x, y), then B's replicates 0 and 1.
    assert long[["replicate", "practice_id", "element_id"]].values.tolist() == [
        [0, "A", "x"],
        [0, "A", "y"],
        [1, "A", "x"],
        [1, "A", "y"],
        [0, "B", "x"],
        [1, "B", "x"],
    ]
    assert long["score"].tolist() == [0.1, 0.2, 0.4, 0.5, 0.3, 0.6]
    assert (long["delimitation_id"] == "m").all()
    back = BootstrapDraws.from_long(long)
    assert back.cells.values.tolist() == cells.values.tolist()
    assert np.array_equal(back.scores, scores)


def test_bootstrap_replicates_is_the_long_table_of_the_draws() -> None:
    es = _study()
    long = bootstrap_replicates(es, "mean", n_boot=6, seed=3)
    want = bootstrap_draws(es, "mean", n_boot=6, seed=3).to_long()
    pd.testing.assert_frame_equal(long, want)
    assert len(long) == 6 * 5


def test_empty_draws_give_an_empty_long_table_with_the_columns() -> None:
    cells = pd.DataFrame(columns=["practice_id", "delimitation_id", "element_id"])
    long = BootstrapDraws(cells=cells, scores=np.zeros((3, 0))).to_long()
    assert long.empty and list(long.columns) == ["replicate", "practice_id", "delimitation_id", "element_id", "score"]


def test_from_long_sorts_replicates_fills_gaps_and_drops_rows_without_keys() -> None:
    long = pd.DataFrame(
        {
            "replicate": [5, 2, 2, 5, 9],
            "practice_id": ["B", "B", "A", "A", None],
            "delimitation_id": ["m"] * 5,
            "element_id": ["x"] * 5,
            "score": [0.5, 0.2, pd.NA, 0.6, 0.9],
        }
    )
    draws = BootstrapDraws.from_long(long.iloc[:4].drop(index=3).pipe(lambda d: pd.concat([d, long.iloc[4:]])))
    # Cells in order of first appearance (B, A); replicates 2, 5 (9's row has no practice); A has no row in 5.
    assert draws.cells["practice_id"].tolist() == ["B", "A"]
    assert draws.scores.shape == (2, 2)
    assert draws.scores[0, 0] == 0.2 and draws.scores[1, 0] == 0.5
    assert np.isnan(draws.scores[0, 1]) and np.isnan(draws.scores[1, 1])
    empty = BootstrapDraws.from_long(long.iloc[:0])
    assert empty.scores.shape == (0, 0)


def test_from_long_names_the_missing_columns() -> None:
    with pytest.raises(ScoringError, match=r"\(mangler element_id, score\)$") as info:
        BootstrapDraws.from_long(pd.DataFrame(columns=["replicate", "practice_id", "delimitation_id"]))
    assert info.value.parameter == "replicates"
    assert info.value.value == ["delimitation_id", "practice_id", "replicate"]


@pytest.mark.parametrize("n_boot", [0, -3, 1.5, True, "5"])
def test_a_bad_number_of_replicates_is_refused(n_boot: object) -> None:
    with pytest.raises(ScoringError, match=r"forventet: et positivt heltal, fx 2000$") as info:
        bootstrap_draws(_study(), n_boot=n_boot)  # type: ignore[arg-type]
    assert info.value.parameter == "n_boot" and info.value.value == n_boot


def test_one_replicate_and_a_numpy_integer_are_accepted() -> None:
    assert bootstrap_draws(_study(), n_boot=1).scores.shape == (1, 5)
    assert bootstrap_draws(_study(), n_boot=np.int64(2)).scores.shape == (2, 5)


def test_an_unknown_rule_is_refused() -> None:
    with pytest.raises(ScoringError, match="mean eller median eller leader") as info:
        bootstrap_draws(_study(), "max", n_boot=2)
    assert info.value.parameter == "aggregation"


def test_aggregate_ignores_nan_and_gives_nan_for_an_empty_slice() -> None:
    # By hand, per replicate (axis 0) and element (axis 2) over the informants (axis 1).
    sample = np.array([[[0.2, np.nan], [0.6, np.nan], [0.7, np.nan]], [[np.nan, 1.0], [0.1, 0.0], [0.4, 0.5]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mean = _aggregate(sample, "mean")
        median = _aggregate(sample, "median")
    assert np.allclose(mean, [[0.5, np.nan], [0.25, 0.5]], equal_nan=True)
    assert np.allclose(median, [[0.6, np.nan], [0.25, 0.5]], equal_nan=True)
    assert np.allclose(_aggregate(sample, "leader"), mean, equal_nan=True)


def test_the_defaults_are_a_thousand_replicates_of_the_mean_from_seed_zero() -> None:
    es = _study()
    draws = bootstrap_draws(es)
    assert draws.scores.shape == (1000, 5)
    assert np.array_equal(draws.scores, bootstrap_draws(es, "mean", 1000, 0).scores, equal_nan=True)
    pd.testing.assert_frame_equal(bootstrap_replicates(es), draws.to_long())


def test_no_element_scores_give_no_cells() -> None:
    draws = bootstrap_draws(_study().iloc[:0], n_boot=3)
    assert draws.scores.shape == (3, 0) and draws.cells.empty
    assert list(draws.cells.columns) == ["practice_id", "delimitation_id", "element_id"]


def test_no_informant_under_the_rule_gives_nan_everywhere() -> None:
    draws = bootstrap_draws(_study().assign(informant_role="medarbejder"), "leader", n_boot=3)
    assert draws.scores.shape == (3, 5) and np.isnan(draws.scores).all()


def test_a_practice_without_leaders_before_others_is_nan_and_the_rest_are_drawn() -> None:
    # P1 (sorted first) has no leader: its columns are NaN and P2's and P3's are still drawn.
    es = _study()
    es.loc[es["practice_id"] == "P1", "informant_role"] = "medarbejder"
    es.loc[es["practice_id"] == "P3", "informant_role"] = "leder"
    draws = bootstrap_draws(es, "leader", n_boot=200, seed=2)
    assert np.isnan(draws.scores[:, :2]).all()
    assert np.allclose(draws.scores[:, 2], 0.3) and np.isnan(draws.scores[:, 3]).all()
    assert np.isin(np.round(draws.scores[:, 4], 12), [0.5, 0.6, 0.7]).all()
    assert np.allclose(draws.scores[:50], _by_hand(es, "leader", 50, 2), equal_nan=True)


def test_nullable_float_scores_with_missing_values() -> None:
    # Scores as pandas' Float64 with <NA> (as a Parquet round trip may give) draw as the float64 table does.
    es = _study()
    nullable = es.assign(score=es["score"].astype("Float64"))
    assert nullable["score"].isna().sum() == 1
    want = bootstrap_draws(es, n_boot=20, seed=5).scores
    assert np.array_equal(bootstrap_draws(nullable, n_boot=20, seed=5).scores, want, equal_nan=True)


def test_a_single_value_makes_a_one_row_long_table() -> None:
    cells = pd.DataFrame({"practice_id": ["A"], "delimitation_id": ["m"], "element_id": ["x"]})
    long = BootstrapDraws(cells=cells, scores=np.array([[0.4]])).to_long()
    assert long.values.tolist() == [[0, "A", "m", "x", 0.4]]


def test_cell_groups_keep_a_cell_with_a_missing_key_as_a_pair_of_its_own() -> None:
    # Hand-made draws may hold a missing delimitation; it is a pair like any other (not group −1).
    cells = pd.DataFrame(
        {"practice_id": ["A", "A", "B"], "delimitation_id": [None, None, "m"], "element_id": list("xyx")}
    )
    group, position, size = _cell_groups(cells)
    assert (group.tolist(), position.tolist(), size.tolist()) == ([0, 0, 1], [0, 1, 0], [2, 1])
