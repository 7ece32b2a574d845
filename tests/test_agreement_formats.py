"""Long form, the converters, the one set of weights, and the missing-rating rule shared by every statistic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lovende_research.agreement import (
    WEIGHTS,
    AgreementError,
    agreement_weights,
    brennan_prediger,
    cohens_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac2,
    icc,
    krippendorff_alpha,
    long_from_counts,
    long_from_table,
    percent_agreement,
    weighted_kappa,
    wide_ratings,
)
from lovende_research.agreement.formats import _bootstrap_units
from lovende_research.errors import in_language
from tests.agreement_data import KRIPPENDORFF_C, KW, LONG, long_from_columns

MULTI = [fleiss_kappa, conger_kappa, brennan_prediger, percent_agreement, gwet_ac2, krippendorff_alpha]


def test_long_from_table_puts_each_cell_count_as_subjects() -> None:
    # By hand: [[2, 1], [0, 3]] is 2 x (yes, yes), 1 x (yes, no), 3 x (no, no): 6 subjects, 12 rows.
    long = long_from_table(pd.DataFrame([[2, 1], [0, 3]], index=["yes", "no"], columns=["yes", "no"]))
    wide = long.pivot(index="subject", columns="rater", values="rating")
    assert list(zip(wide["A"], wide["B"], strict=True)) == [("yes", "yes")] * 2 + [("yes", "no")] + [("no", "no")] * 3


def test_long_from_counts_gives_each_subject_its_ratings() -> None:
    # By hand: subject 0 has 2 x cat 1 and 1 x cat 3; subject 1 has 3 x cat 2.
    long = long_from_counts([[2, 0, 1], [0, 3, 0]])
    assert long.groupby("subject")["rating"].apply(sorted).tolist() == [[1, 1, 3], [2, 2, 2]]
    assert long["rater"].tolist() == ["r1", "r2", "r3"] * 2


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: long_from_table([[1, 2, 3]]), "kvadratisk"),
        (lambda: long_from_table([[1, -1], [0, 2]]), "hele tal"),
        (lambda: long_from_table([[1, 0], [0, 2]], ["a"]), "categories har 1"),
        (
            lambda: long_from_table(pd.DataFrame([[1, 0], [0, 1]], index=["a", "b"], columns=["b", "a"])),
            "samme kategorier",
        ),
        (lambda: long_from_counts([1, 2]), "én række pr. subjekt"),
        (lambda: long_from_counts([[1.5, 2]]), "hele tal"),
    ],
)
def test_converters_refuse_what_is_not_a_table_of_counts(call: object, message: str) -> None:
    with pytest.raises(AgreementError, match=message):
        call()  # type: ignore[operator]


def test_every_weighted_statistic_takes_the_same_weight_names() -> None:
    # One set of names (issue 17): each weighted statistic accepts every name in WEIGHTS and refuses the
    # old "identity"; unweighted weights are the identity matrix (by hand).
    long = long_from_columns(KRIPPENDORFF_C)
    assert WEIGHTS == ("unweighted", "linear", "quadratic", "ordinal")
    assert agreement_weights([1, 2, 3], "unweighted").tolist() == np.eye(3).tolist()
    pair = long[long["rater"].isin(["B", "D"])]
    for statistic in (
        fleiss_kappa,
        conger_kappa,
        brennan_prediger,
        percent_agreement,
        gwet_ac2,
        weighted_kappa,
        cohens_kappa,
    ):
        data = pair if statistic is cohens_kappa else long
        for weights in WEIGHTS:
            assert statistic(data, weights=weights, **KW)["weights"].iloc[0] == weights
        with pytest.raises(AgreementError, match="ukendte vægte 'identity'"):
            statistic(data, weights="identity", **KW)


@pytest.mark.parametrize("statistic", MULTI + [cohens_kappa, weighted_kappa])
def test_missing_rating_as_nan_or_absent_row_gives_identical_results(statistic: object) -> None:
    # The same ratings twice: once with NA cells (as the example-C matrix has them), once with those rows
    # dropped; plus a rater and a subject that have only NA. Every column must be identical, the bootstrap too.
    long = long_from_columns(KRIPPENDORFF_C)
    if statistic in (cohens_kappa,):
        long = long[long["rater"].isin(["B", "C"])]
    extra = pd.DataFrame(
        {"unit": [99, 99, 0], "rater": ["E", "B", "E"], "value": pd.array([None, None, None], dtype="Int64")}
    )
    with_nan = pd.concat([long, extra], ignore_index=True).sample(frac=1.0, random_state=1)
    absent = long.dropna(subset=["value"])
    options = {"n_boot": 200, "seed": 4} if statistic is krippendorff_alpha else {}
    pd.testing.assert_frame_equal(
        statistic(with_nan, **KW, **options).reset_index(drop=True),  # type: ignore[operator]
        statistic(absent, **KW, **options).reset_index(drop=True),  # type: ignore[operator]
    )


@pytest.mark.parametrize("statistic", MULTI)
def test_a_unit_with_one_rating_drops_out_of_the_agreement_without_error(statistic: object) -> None:
    # Unit 11 (example C) has one rating: it carries no pair, so the observed agreement p_o (alpha: its
    # pairable count) is that of the other units. By hand for p_o: units 0-10 alone give the same pairwise
    # agreement. Gwet-family coefficients keep the unit in their margins as published (Gwet 2014).
    long = long_from_columns(KRIPPENDORFF_C)
    without = long[long["unit"] != 11]
    full, part = statistic(long, **KW).iloc[0], statistic(without, **KW).iloc[0]  # type: ignore[operator]
    assert full["percent_agreement"] == pytest.approx(part["percent_agreement"], abs=1e-12)
    if statistic is krippendorff_alpha:
        assert full["estimate"] == pytest.approx(part["estimate"], abs=1e-12)
    else:
        assert full["p_o"] == pytest.approx(part["p_o"], abs=1e-12)


def test_icc_treats_nan_and_absent_alike_and_drops_incomplete_subjects() -> None:
    long = long_from_columns(KRIPPENDORFF_C)
    complete = long[long["unit"].isin(long.dropna().groupby("unit").size().loc[lambda s: s == 4].index)]
    pd.testing.assert_frame_equal(icc(long, **KW), icc(long.dropna(), **KW))
    pd.testing.assert_frame_equal(icc(long, **KW), icc(complete, **KW))
    assert icc(long, **KW)["n_subjects"].iloc[0] == 8  # units 1-8 have all four ratings (by hand)


def test_wide_ratings_orders_raters_and_keeps_missing() -> None:
    ratings = pd.DataFrame({"s": [1, 1, 2], "r": ["B", "A", "B"], "v": ["x", "y", "x"]})
    wide = wide_ratings(ratings, subject="s", rater="r", rating="v")
    assert list(wide.columns) == ["A", "B"]
    assert pd.isna(wide.loc[2, "A"]) and wide.loc[1, "A"] == "y"


def test_long_from_table_feeds_every_statistic() -> None:
    # A table goes in through the converter for any statistic, not only kappa: the same Wikipedia table
    # (p_o = .70 by hand) read by five of them.
    long = long_from_table([[20, 5], [10, 15]])
    for statistic in (cohens_kappa, fleiss_kappa, conger_kappa, brennan_prediger, gwet_ac2):
        assert statistic(long, **LONG)["percent_agreement"].iloc[0] == pytest.approx(0.70, abs=1e-12)


def test_wide_ratings_names_missing_columns_and_each_pair_rated_twice() -> None:
    # The messages name what is wrong (by hand): the two absent columns, and the two subject × rater pairs
    # given twice (with different ratings, so only the subject and rater columns can find them).
    ratings = pd.DataFrame({"s": [1, 1, 1, 2, 2], "r": ["a", "a", "b", "a", "a"], "v": ["x", "y", "x", "x", "z"]})
    with pytest.raises(AgreementError, match=r"^bedømmelserne mangler kolonnerne rater, rating$"):
        wide_ratings(ratings, subject="s", rater="rater", rating="rating")
    with pytest.raises(AgreementError, match=r"^samme s × r er bedømt mere end én gang: 1 / a, 2 / a$"):
        wide_ratings(ratings, subject="s", rater="r", rating="v")


def test_wide_ratings_is_indexed_by_subject_with_unnamed_rater_columns() -> None:
    # One row per subject id (not per input row), and the rater columns carry no axis name, so the
    # frame prints and compares as a plain subject × rater table.
    ratings = pd.DataFrame({"s": [7, 7, 9], "r": ["b", "a", "a"], "v": [1, 2, 3]}, index=[10, 11, 12])
    wide = wide_ratings(ratings, subject="s", rater="r", rating="v")
    assert wide.index.tolist() == [7, 9] and wide.index.name == "s"
    assert wide.columns.name is None
    assert wide.to_dict("index") == {7: {"a": 2, "b": 1}, 9: {"a": 3, "b": pytest.approx(np.nan, nan_ok=True)}}


def test_unknown_weights_are_refused_with_the_known_names() -> None:
    with pytest.raises(
        AgreementError, match=r"^ukendte vægte 'kubisk'; forventet: unweighted, linear, quadratic, ordinal$"
    ):
        agreement_weights([1, 2, 3], "kubisk")


def test_agreement_weights_default_to_quadratic_and_read_scores_as_numbers() -> None:
    # Default quadratic on 1-3 (Fleiss-Cohen, by hand): 1 - (1/2)^2 = .75 one step apart.
    assert agreement_weights([1, 2, 3]).tolist() == [[1.0, 0.75, 0.0], [0.75, 1.0, 0.75], [0.0, 0.75, 1.0]]
    # Scores are read as floats: integer scores 0, 5e9, 1e10 would overflow int64 when squared
    # ((5e9)^2 = 2.5e19 > 9.2e18); as floats the weights are those of 0, 1, 2: .75 and 0 (by hand).
    big = agreement_weights([0, 5_000_000_000, 10_000_000_000], "quadratic")
    np.testing.assert_allclose(big, [[1.0, 0.75, 0.0], [0.75, 1.0, 0.75], [0.0, 0.75, 1.0]], atol=1e-12)


def test_converters_take_categories_from_the_frame_or_the_caller() -> None:
    # A DataFrame's labels are the categories unless categories= is given; an array's are 1..q unless given.
    table = pd.DataFrame([[1, 0], [0, 1]], index=["a", "b"], columns=["a", "b"])
    assert long_from_table(table)["rating"].tolist() == ["a", "a", "b", "b"]
    assert long_from_table(table, ["x", "y"])["rating"].tolist() == ["x", "x", "y", "y"]
    counts = pd.DataFrame([[1, 1]], columns=["ja", "nej"])
    assert long_from_counts(counts)["rating"].tolist() == ["ja", "nej"]
    assert long_from_counts(counts, ["x", "y"])["rating"].tolist() == ["x", "y"]
    assert long_from_counts([[1, 1]], ["x", "y"])["rating"].tolist() == ["x", "y"]
    # mixed codes keep their types (a number stays a number beside a label such as "ved ikke")
    assert long_from_table([[1, 0], [0, 1]], [1, "ved ikke"])["rating"].tolist() == [1, 1, "ved ikke", "ved ikke"]
    assert long_from_counts([[1, 1]], [1, "ved ikke"])["rating"].tolist() == [1, "ved ikke"]


def test_converters_read_counts_written_as_text() -> None:
    # Counts copied from a published table as text are numbers all the same (read as floats).
    assert long_from_table([["2", "1"], ["0", "3"]]).equals(long_from_table([[2, 1], [0, 3]]))
    assert long_from_counts([["2", "0"], ["1", "1"]]).equals(long_from_counts([[2, 0], [1, 1]]))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: long_from_table([[1, -1], [0, 2]]), r"^tabellen skal indeholde antal: hele tal, 0 eller flere$"),
        (lambda: long_from_table([[1, 0], [0, 2]], ["a"]), r"^categories har 1 kategorier, tabellen 2$"),
        (lambda: long_from_counts([[1.5, 2]]), r"^antallene skal være hele tal, 0 eller flere$"),
        (lambda: long_from_counts([[1, 2, 0]], ["a", "b"]), r"^categories har 2 kategorier, tabellen 3$"),
    ],
)
def test_converter_messages_say_what_is_expected(call: object, message: str) -> None:
    with pytest.raises(AgreementError, match=message):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    "units, n_boot, chunks",
    [
        # 5,000,000 // 106,383 = 46 draws a chunk (106,383 x 47 = 5,000,001): 47 draws are 46 + 1
        (106_383, 47, [46, 1]),
        # more units than five million: one draw a chunk, never zero
        (5_000_001, 2, [1, 1]),
        # one unit: five million draws fit in one chunk
        (1, 2_500_001, [2_500_001]),
    ],
)
def test_bootstrap_draws_come_in_chunks_of_five_million_unit_indices(
    units: int, n_boot: int, chunks: list[int]
) -> None:
    # The chunk sizes fix the random stream, so a seed gives the same interval as before the chunking
    # (formats._bootstrap_units' docstring): each chunk holds max(1, 5,000,000 // units) draws (by hand).
    seen: list[int] = []

    def statistic(totals: np.ndarray) -> np.ndarray:
        seen.append(len(totals))
        return totals[:, 0]

    draws = _bootstrap_units(np.ones((1, 1)), np.zeros(units, dtype=np.int64), n_boot, 1, statistic)
    assert seen == chunks
    assert (draws == units).all()  # every draw picks `units` units of the one kind


def test_coded_ratings_name_what_is_missing_blank_or_given_twice() -> None:
    # Every statistic codes its ratings the same way; the messages name the columns and the pair (by hand).
    long = long_from_columns(KRIPPENDORFF_C)
    with pytest.raises(AgreementError, match=r"^bedømmelserne mangler kolonnerne who, what$"):
        fleiss_kappa(long, subject="unit", rater="who", rating="what")
    blank_subject = long.astype({"unit": object})
    blank_subject.loc[0, "unit"] = None
    with pytest.raises(AgreementError, match=r"^unit og rater skal være udfyldt i hver række$"):
        fleiss_kappa(blank_subject, **KW)
    blank_rater = long.astype({"rater": object})
    blank_rater.loc[0, "rater"] = None
    with pytest.raises(AgreementError, match=r"^unit og rater skal være udfyldt i hver række$"):
        fleiss_kappa(blank_rater, **KW)
    # unit 1 rated by A twice, with two different values: the pair is found on subject and rater alone
    twice = pd.concat([long, pd.DataFrame({"unit": [1], "rater": ["A"], "value": pd.array([5], dtype="Int64")})])
    with pytest.raises(AgreementError, match=r"^samme unit × rater er bedømt mere end én gang: 1 / A$"):
        fleiss_kappa(twice, **KW)


def test_ids_that_cannot_be_sorted_keep_their_first_appearance() -> None:
    # Rater ids 7 and "b" (a number and a text, as a spreadsheet may give them) cannot be sorted: the raters
    # keep the order they first appear in, so "b" is rater_a; subjects likewise, so the bootstrap draws the
    # same units as with sortable ids 0, 1, 2, … given in the same order.
    long = long_from_columns(KRIPPENDORFF_C)
    mixed = long[long["rater"].isin(["B", "D"])].replace({"rater": {"B": "b", "D": 7}})
    mixed = mixed.sort_values("rater", key=lambda r: r.astype(str) != "b", kind="stable")
    pair = weighted_kappa(mixed, **KW).iloc[0]
    assert (pair["rater_a"], pair["rater_b"]) == ("b", 7)
    ids = {unit: f"x{unit}" if unit % 2 else unit for unit in range(12)}  # 0, "x1", 2, "x3", …: not sortable
    relabelled = long.assign(unit=long["unit"].map(ids))
    order = {unit: n for n, unit in enumerate(pd.unique(relabelled["unit"]))}
    sortable = relabelled.assign(unit=relabelled["unit"].map(order))
    options = {"n_boot": 300, "seed": 5}
    pd.testing.assert_frame_equal(
        krippendorff_alpha(relabelled, **KW, **options), krippendorff_alpha(sortable, **KW, **options)
    )


@pytest.mark.parametrize("statistic", MULTI)
def test_no_unit_rated_twice_gives_undefined_agreement_without_error(statistic: object) -> None:
    # Each unit has one rating: there is no pair, so percent agreement and the coefficient are undefined.
    long = pd.DataFrame({"unit": [1, 2, 3], "rater": ["A", "B", "A"], "value": pd.array([1, 2, 2], dtype="Int64")})
    row = statistic(long, **KW).iloc[0]  # type: ignore[operator]
    assert np.isnan(row["percent_agreement"]) and np.isnan(row["estimate"])


def test_messages_list_at_most_five_pairs_and_ten_unknown_ratings() -> None:
    # The messages stay readable: six pairs given twice name the first five, eleven unknown ratings name ten
    # (sorted as text, by hand: "10", "11", "2", …).
    long = long_from_columns(KRIPPENDORFF_C).dropna()
    twice = pd.concat([long, long[long["rater"] == "B"].head(6)])
    with pytest.raises(AgreementError) as caught:
        fleiss_kappa(twice, **KW)
    # B's first six units (0-5) are given twice; the first five in the order of the rows are named
    pairs = "0 / B, 1 / B, 2 / B, 3 / B, 4 / B"
    assert str(caught.value) == f"samme unit × rater er bedømt mere end én gang: {pairs}"
    assert in_language(caught.value.args[0], "en") == f"the same unit × rater is rated more than once: {pairs}"
    unknown = pd.DataFrame({"unit": np.repeat(range(6), 2), "rater": ["A", "B"] * 6, "value": list(range(1, 13))})
    with pytest.raises(
        AgreementError, match=r"kategorierne \[1\]: \['10', '11', '12', '2', '3', '4', '5', '6', '7', '8'\]$"
    ) as caught:
        fleiss_kappa(unknown, categories=[1], **KW)
    assert in_language(caught.value.args[0], "en") == (
        "ratings outside the categories [1]: ['10', '11', '12', '2', '3', '4', '5', '6', '7', '8']"
    )


def test_observed_categories_sort_numbers_as_numbers_and_mixed_codes_as_text() -> None:
    # Numbers sort as numbers (1, 2, 10, not 1, 10, 2), which the ordinal metric depends on: alpha without
    # categories= equals alpha with the scale given. Mixed codes (3 and "ved ikke") sort as text and work
    # for a nominal statistic; true/false are not numbers for an ordinal one.
    long = pd.DataFrame({"unit": np.repeat(range(4), 2), "rater": ["A", "B"] * 4, "value": [1, 2, 2, 10, 10, 10, 1, 1]})
    observed = krippendorff_alpha(long, level="ordinal", **KW)["estimate"].iloc[0]
    assert observed == krippendorff_alpha(long, level="ordinal", categories=[1, 2, 10], **KW)["estimate"].iloc[0]
    assert observed != krippendorff_alpha(long, level="ordinal", categories=[1, 10, 2], **KW)["estimate"].iloc[0]
    mixed = pd.DataFrame({"unit": [1, 1, 2, 2], "rater": ["A", "B"] * 2, "value": [3, 3, "ved ikke", 3]})
    assert fleiss_kappa(mixed, **KW)["percent_agreement"].iloc[0] == 0.5
    yes_no = pd.DataFrame({"unit": [1, 1, 2, 2], "rater": ["A", "B"] * 2, "value": [True, True, False, True]})
    with pytest.raises(AgreementError, match="er ikke tal"):
        krippendorff_alpha(yes_no, level="ordinal", **KW)


def test_interval_alpha_uses_the_category_values_at_any_scale() -> None:
    # Values 1, 2, 10: (1, 2), (2, 2), (10, 10). By hand (Krippendorff 2011): o_12 = o_21 = 1, o_22 = 2,
    # o_10,10 = 2; n = 6, n_1 = 1, n_2 = 3, n_10 = 2; D_o = 2/6; D_e = 2 (3 x 1 + 2 x 81 + 6 x 64)/30 = 36.6;
    # alpha = 1 - (1/3)/36.6. Interval alpha does not change when every value is multiplied by 5e9 (the
    # squared differences then exceed the int64 range, so the values must be read as floats).
    long = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3], "rater": ["A", "B"] * 3, "value": [1, 2, 2, 2, 10, 10]})
    alpha = krippendorff_alpha(long, level="interval", **KW)["estimate"].iloc[0]
    assert alpha == pytest.approx(1 - (1 / 3) / 36.6, abs=1e-12)
    scaled = long.assign(value=long["value"] * 5_000_000_000)
    assert krippendorff_alpha(scaled, level="interval", **KW)["estimate"].iloc[0] == pytest.approx(alpha, abs=1e-12)
