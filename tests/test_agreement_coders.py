"""Coder agreement per element (alpha, weighted kappa and AC2 side by side, the paradox note) and its input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lovende_research.agreement import (
    OVERALL,
    AgreementError,
    coder_agreement,
    coding_units,
    gwet_ac2,
    in_element_order,
    krippendorff_alpha,
    weighted_kappa,
)
from lovende_research.instrument import load_instrument
from tests.agreement_data import long_from_columns

CEILING = {"A": [4] * 18 + [3, 4], "B": [4] * 18 + [4, 3]}


def test_paradox_flag_fires_on_ceiling_heavy_codes() -> None:
    # Hand: 20 units, 18 coded (4,4), one (3,4), one (4,3). Percent agreement 18/20 = .90.
    # Alpha: o44 = 36, o34 = o43 = 2, n3 = 2, n4 = 38, n = 40; two categories, so every metric gives
    #   alpha = 1 - (n-1) * 2 * o34 / (2 n3 n4) = 1 - 39 * 4 / 152 = -0.0263.
    # Quadratic kappa on 1-4 (agreement weight of 3 vs 4 = 8/9): p_o = (18 + 2 * 8/9)/20 = .98889,
    #   p_e = .05^2 + .95^2 + 2 * .05 * .95 * 8/9 = .98944, kappa = -0.0526.
    # AC2 quadratic, q = 4, T_w = 4 + 6 * 8/9 + 4 * 5/9 = 11.5556: p_a = .98889,
    #   p_e = T_w/12 * (2 * .05 * .95) = .091481, AC2 = (.98889 - .091481)/(1 - .091481) = .98777.
    # End share: 38/40 = .95 in category 4 >= .7, so the paradox rule holds.
    long = long_from_columns(CEILING).rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = "maal"
    table = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=200, seed=1)
    row = table[table["scope"] == "group"].iloc[0]
    assert row["percent_agreement"] == pytest.approx(0.9)
    assert row["alpha"] == pytest.approx(1 - 39 * 4 / 152, abs=1e-12)
    assert row["kappa"] == pytest.approx((0.988888889 - 0.989444444) / (1 - 0.989444444), abs=1e-6)
    assert row["ac2"] == pytest.approx(0.98777, abs=5e-5)
    assert row["end_category"] == 4 and row["end_share"] == pytest.approx(0.95)
    assert bool(row["paradox"]) and "Kappa-paradokset" in row["note"]
    # Danish decimals and percentages in the Danish note (by hand: the lower of alpha -0.026 and kappa -0.053
    # -> "-0,05"; 90 % agreement; AC2 0.988 -> "0,99"; 95 % at the end)
    assert "(-0,05)" in row["note"] and "90 %" in row["note"] and "AC2 er 0,99" in row["note"] and "95 %" in row["note"]
    english = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0, language="en")
    assert (
        english["note"].iloc[0].startswith("The kappa paradox")
        and "(-0.05)" in english["note"].iloc[0]
        and "90%" in english["note"].iloc[0]
    )


def test_paradox_flag_stays_off_for_balanced_codes() -> None:
    # The same two disagreements, but the agreed codes spread over 1-4 (5 units each, minus the two):
    # alpha is high (well above .667) and no end holds 70 % of the codes, so no flag.
    codes = [1] * 5 + [2] * 5 + [3] * 5 + [4] * 3
    long = long_from_columns({"A": codes + [3, 4], "B": codes + [4, 3]}).rename(
        columns={"unit": "subject", "rater": "coder_id"}
    )
    long["element_id"] = "maal"
    row = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0).iloc[0]
    assert row["alpha"] > 0.9 and row["end_share"] < 0.3
    assert not row["paradox"] and row["note"] == ""


def test_coder_agreement_has_groups_then_overall_and_stable_seeds() -> None:
    rng = np.random.default_rng(3)
    units = 90
    truth = rng.integers(1, 5, units)
    long = long_from_columns({"k1": truth.tolist(), "k2": np.where(rng.random(units) < 0.8, truth, 4).tolist()})
    long = long.rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = np.tile(np.repeat(["a", "b", "c"], 30), 2)
    table = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=300, seed=9)
    assert table["element_id"].tolist() == ["a", "b", "c", OVERALL]
    assert table["scope"].tolist() == ["group"] * 3 + ["overall"]
    assert table["n_subjects"].tolist() == [30, 30, 30, 90]
    overall = krippendorff_alpha(long, subject="subject", rater="coder_id", rating="value", categories=[1, 2, 3, 4])
    assert table["alpha"].iloc[-1] == pytest.approx(overall["estimate"].iloc[0])
    assert (table["alpha_ci_low"] <= table["alpha"]).all() and (table["alpha"] <= table["alpha_ci_high"]).all()
    again = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=300, seed=9)
    pd.testing.assert_frame_equal(table, again)
    only_overall = coder_agreement(long, by=None, categories=[1, 2, 3, 4], n_boot=0)
    assert len(only_overall) == 1 and only_overall["scope"].iloc[0] == "overall"


def test_coding_units_keys_items_and_drops_consensus_and_screen_item() -> None:
    instrument = load_instrument()
    item = instrument.elements[1].items[0]
    codings = pd.DataFrame(
        {
            "interview_id": ["i1", "i1", "i1", "i1"],
            "coder_id": ["k1", "k2", "konsensus", "k1"],
            "item_id": [item.id, item.id, item.id, instrument.screen_item.id],
            "delimitation_id": ["main"] * 4,
            "value": pd.array([3, None, 3, None], dtype="Int64"),
            "is_consensus": [False, False, True, False],
        }
    )
    units = coding_units(codings, instrument)
    assert units["coder_id"].tolist() == ["k1", "k2"]
    assert units["subject"].tolist() == [f"i1|{item.id}|main"] * 2
    assert units["element_id"].tolist() == [item.element_id] * 2
    assert units["value"].isna().tolist() == [False, True]
    assert len(coding_units(codings, instrument, include_consensus=True)) == 3


def test_in_element_order_follows_the_instrument_and_puts_overall_last() -> None:
    instrument = load_instrument()
    ids = [element.id for element in instrument.elements]
    shuffled = pd.DataFrame({"element_id": ["alle"] + sorted(ids, reverse=True), "alpha": range(len(ids) + 1)})
    ordered = in_element_order(shuffled, instrument)
    assert ordered["element_id"].tolist() == ids + ["alle"]  # by hand: element 1, 2, …, then the overall row
    assert ordered.loc[ordered["element_id"] == "alle", "alpha"].item() == 0  # rows move whole
    assert shuffled["element_id"].iloc[0] == "alle"  # the caller's table is left as it was


@pytest.mark.parametrize("weights", [("linear", "unweighted"), ("quadratic", "ordinal")])
def test_coder_agreement_rows_equal_the_three_statistics_computed_alone(weights: tuple[str, str]) -> None:
    """coder_agreement codes each group's ratings once for all three statistics; the numbers must be
    those of krippendorff_alpha, weighted_kappa and gwet_ac2 called one by one on the same group."""
    rng = np.random.default_rng(11)
    truth = rng.integers(1, 5, 60)
    long = long_from_columns(
        {
            "k1": truth.tolist(),
            "k2": np.where(rng.random(60) < 0.7, truth, rng.integers(1, 5, 60)).tolist(),
            "k3": [None if rng.random() < 0.2 else int(v) for v in truth],
        }
    )
    long = long.rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = np.tile(np.repeat(["a", "b"], 30), 3)
    kappa_weights, ac2_weights = weights
    table = coder_agreement(
        long, categories=[1, 2, 3, 4], kappa_weights=kappa_weights, ac2_weights=ac2_weights, n_boot=0
    )
    common = {"subject": "subject", "rater": "coder_id", "rating": "value", "categories": [1, 2, 3, 4]}
    for group, row in zip(["a", "b", None], table.itertuples(), strict=True):
        part = long if group is None else long[long["element_id"] == group]
        alpha = krippendorff_alpha(part, level="ordinal", **common).iloc[0]
        kappa = weighted_kappa(part, weights=kappa_weights, **common)
        ac2 = gwet_ac2(part, weights=ac2_weights, **common).iloc[0]
        assert (row.alpha, row.n_subjects, row.percent_agreement) == (
            alpha["estimate"],
            alpha["n_subjects"],
            alpha["percent_agreement"],
        )
        assert row.kappa == kappa["estimate"].mean() and row.n_pairs == len(kappa) == 3
        assert (row.ac2, row.ac2_ci_low, row.ac2_ci_high) == (ac2["estimate"], ac2["ci_low"], ac2["ci_high"])


@pytest.mark.parametrize("argument", ["kappa_weights", "ac2_weights"])
def test_coder_agreement_refuses_unknown_weights(argument: str) -> None:
    long = long_from_columns({"k1": [1, 2, 3], "k2": [1, 2, 4]}).rename(
        columns={"unit": "subject", "rater": "coder_id"}
    )
    with pytest.raises(AgreementError, match="ukendte vægte 'kubisk'"):
        coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0, **{argument: "kubisk"})


@pytest.mark.parametrize("language", ["da", "en"])
def test_coder_agreement_chart_draws_each_interval_of_the_table(language: str) -> None:
    # The chart's whiskers are the table's intervals: for each statistic (alpha, kappa, AC2, in legend
    # order) and each row (elements, then the overall row), the whisker runs from ci_low to ci_high.
    import matplotlib.pyplot as plt
    from matplotlib.container import ErrorbarContainer

    from lovende_research.plots import bias as bias_plots

    instrument = load_instrument()
    rng = np.random.default_rng(2)
    truth = rng.integers(1, 5, 120)
    long = long_from_columns(
        {"k1": truth.tolist(), "k2": np.where(rng.random(120) < 0.8, truth, rng.integers(1, 5, 120)).tolist()}
    )
    long = long.rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = np.tile(np.repeat([instrument.elements[0].id, instrument.elements[1].id], 60), 2)
    table = in_element_order(coder_agreement(long, categories=[1, 2, 3, 4], n_boot=200, seed=1), instrument)
    figure = bias_plots.coder_agreement_chart(table, instrument, language=language)
    try:
        containers = [c for c in figure.axes[0].containers if isinstance(c, ErrorbarContainer)]
        assert len(containers) == 3
        for container, column in zip(containers, ["alpha", "kappa", "ac2"], strict=True):
            segments = container.lines[2][0].get_segments()
            spans = np.array([(s[0][0], s[1][0]) for s in segments], dtype=float)
            expected = table[[f"{column}_ci_low", f"{column}_ci_high"]].to_numpy(dtype=float)
            np.testing.assert_allclose(spans, expected, atol=1e-12, err_msg=column)
        unit = "95 % interval" if language == "da" else "95% interval"
        assert unit in figure.axes[0].get_xlabel()
    finally:
        plt.close(figure)


def ceiling_long(**names: str) -> pd.DataFrame:
    """CEILING (20 units, coders a and b, two disagreements 3/4) in long form, element "maal"."""
    long = long_from_columns(CEILING).rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = "maal"
    return long.rename(columns=names)


@pytest.mark.parametrize(
    "options, flagged",
    [
        # CEILING's numbers (by hand in test_paradox_flag_fires_on_ceiling_heavy_codes): agreement .90,
        # AC2 .98777, end share .95, alpha -.0263, kappa -.0526. Each bound is inclusive (>=) ...
        ({"high": 0.9}, True),
        ({"high": 0.91}, False),
        ({"pile_up": 0.95}, True),
        ({"pile_up": 0.96}, False),
        # ... and one chance-corrected coefficient below `low` is enough: kappa < -.03 <= alpha
        ({"low": -0.03}, True),
        ({"low": -0.06}, False),
        # AC1 (unweighted, q = 4): p_e = (1/3)(2 x .05 x .95) = .031667, AC1 = (.9 - .031667)/(1 - .031667)
        # = .89673 < agreement .90: a high bound between the two fails on AC1 alone
        ({"ac2_weights": "unweighted", "high": 0.895}, True),
        ({"ac2_weights": "unweighted", "high": 0.898}, False),
    ],
)
def test_paradox_rule_thresholds(options: dict[str, object], flagged: bool) -> None:
    row = coder_agreement(ceiling_long(), categories=[1, 2, 3, 4], n_boot=0, **options).iloc[0]  # type: ignore[arg-type]
    assert bool(row["paradox"]) is flagged
    assert (row["note"] != "") is flagged


def test_coder_agreement_row_for_one_pair_under_other_column_names() -> None:
    # One pair of coders: kappa's interval is weighted_kappa's at the same level; n_ratings counts the
    # non-missing codes (40 - 1 here), n_raters the coders; the level is in every row.
    long = ceiling_long(subject="unit", coder_id="coder", value="code", element_id="criterion")
    long.loc[0, "code"] = pd.NA
    table = coder_agreement(long, by="criterion", subject="unit", rater="coder", rating="code",
                            categories=[1, 2, 3, 4], n_boot=0, confidence=0.8)  # fmt: skip
    row = table.iloc[0]
    kappa = weighted_kappa(long, subject="unit", rater="coder", rating="code", categories=[1, 2, 3, 4], confidence=0.8)
    assert table["criterion"].tolist() == ["maal", OVERALL]
    assert (row["kappa"], row["kappa_ci_low"], row["kappa_ci_high"]) == tuple(
        kappa[["estimate", "ci_low", "ci_high"]].iloc[0]
    )
    assert (row["n_ratings"], row["n_raters"], row["n_subjects"], row["n_pairs"]) == (39, 2, 19, 1)
    assert (table["confidence"] == 0.8).all()
    ac2 = gwet_ac2(long, subject="unit", rater="coder", rating="code", categories=[1, 2, 3, 4], confidence=0.8).iloc[0]
    assert (row["ac2_ci_low"], row["ac2_ci_high"]) == (ac2["ci_low"], ac2["ci_high"])


def test_coder_agreement_with_one_code_throughout_flags_the_paradox_with_undefined_alpha_and_kappa() -> None:
    # Every code 4: alpha and kappa undefined (D_e = 0, p_e = 1), agreement 1, AC2 1 (p_e = 0 since
    # pi_4 (1 - pi_4) = 0), all codes at the top end: the paradox rule holds (rule 1 counts undefined as low),
    # and the note shows the undefined value as a dash.
    long = long_from_columns({"a": [4] * 10, "b": [4] * 10}).rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = "maal"
    row = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0, language="en").iloc[0]
    assert np.isnan(row["alpha"]) and np.isnan(row["kappa"])
    assert (row["percent_agreement"], row["ac2"], row["end_category"], row["end_share"]) == (1.0, 1.0, 4, 1.0)
    assert bool(row["paradox"]) and "are low (–)" in row["note"]


def test_end_category_is_the_fuller_end_of_the_scale_given_or_observed() -> None:
    # By hand: codes 1 x 6, 2 x 2, 3 x 2 (no 4). With the scale 1-4 the ends are 1 (6/10) and 4 (0);
    # without a scale they are the observed 1 and 3 (2/10): 1 either way. Codes 1 x 2, 3 x 2, 4 x 6: end 4.
    low_heavy = long_from_columns({"a": [1, 1, 1, 2, 3], "b": [1, 1, 1, 2, 3]})
    low_heavy = low_heavy.rename(columns={"unit": "subject", "rater": "coder_id"})
    for categories in ([1, 2, 3, 4], None):
        row = coder_agreement(low_heavy, by=None, categories=categories, n_boot=0).iloc[0]
        assert (row["end_category"], row["end_share"]) == (1, pytest.approx(0.6))
    high_heavy = long_from_columns({"a": [1, 3, 4, 4, 4], "b": [1, 3, 4, 4, 4]})
    high_heavy = high_heavy.rename(columns={"unit": "subject", "rater": "coder_id"})
    row = coder_agreement(high_heavy, by=None, n_boot=0).iloc[0]
    assert (row["end_category"], row["end_share"]) == (4, pytest.approx(0.6))


def test_coder_agreement_refuses_a_missing_group_column_and_a_bad_level() -> None:
    long = ceiling_long()
    with pytest.raises(AgreementError, match=r"^grupperingskolonnen 'kriterie' findes ikke i kodningerne$"):
        coder_agreement(long, by="kriterie", n_boot=0)
    with pytest.raises(AgreementError, match="confidence"):
        coder_agreement(long, n_boot=0, confidence=1.0)


def test_coding_units_without_delimitation_or_consensus_columns() -> None:
    # No delimitation column: every unit is under "main"; no is_consensus column: every coding counts;
    # a delimitation column is part of the key; float codes become Int64.
    instrument = load_instrument()
    item = instrument.elements[0].items[1].id
    codings = pd.DataFrame({"interview_id": [1, 1], "coder_id": [7, 8], "item_id": [item, item], "value": [2.0, None]})
    units = coding_units(codings, instrument)
    assert units["subject"].tolist() == [f"1|{item}|main"] * 2 and units["coder_id"].tolist() == ["7", "8"]
    assert str(units["value"].dtype) == "Int64" and units["value"].isna().tolist() == [False, True]
    assert units.index.tolist() == [0, 1] and units["interview_id"].tolist() == ["1", "1"]
    assert units["item_id"].tolist() == [item, item]
    split = coding_units(codings.assign(delimitation_id=["d2", "d2"]), instrument)
    assert split["subject"].tolist() == [f"1|{item}|d2"] * 2


def test_in_element_order_reads_the_column_it_is_given() -> None:
    instrument = load_instrument()
    table = pd.DataFrame({"el": ["virkning", None, "teori"], "x": [1, 2, 3]})
    assert in_element_order(table, instrument, column="el")["x"].tolist() == [3, 1, 2]


def test_in_element_order_keeps_the_order_of_rows_of_the_same_element() -> None:
    # Rows move as a stable sort moves them: 40 rows alternating between two elements (and an overall row
    # per five) keep their order within each element, which an unstable sort of this many ties does not.
    instrument = load_instrument()
    first, second = instrument.elements[0].id, instrument.elements[1].id
    ids = [second, first] * 17 + [OVERALL] * 6
    table = pd.DataFrame({"element_id": ids, "row": range(40)})
    ordered = in_element_order(table, instrument)
    assert ordered["row"].tolist() == list(range(1, 34, 2)) + list(range(0, 34, 2)) + list(range(34, 40))


def test_coding_units_columns_are_exactly_the_documented_ones() -> None:
    instrument = load_instrument()
    item = instrument.elements[0].items[0].id
    codings = pd.DataFrame({"interview_id": ["i1"], "coder_id": ["k1"], "item_id": [item], "value": [3]}, index=[7])
    units = coding_units(codings, instrument)
    assert units.columns.tolist() == ["subject", "interview_id", "item_id", "element_id", "coder_id", "value"]
    assert units.index.tolist() == [0]


def test_coder_agreement_needs_the_scale_for_text_codes() -> None:
    # Alpha is ordinal and kappa/AC2 weighted, so text codes need their order (categories=).
    text = long_from_columns({"a": ["lav", "høj"], "b": ["lav", "lav"]}).rename(
        columns={"unit": "subject", "rater": "coder_id"}
    )
    with pytest.raises(AgreementError, match="er ikke tal"):
        coder_agreement(text, by=None, n_boot=0)
    row = coder_agreement(text, by=None, categories=["lav", "høj"], n_boot=0).iloc[0]
    assert row["end_category"] == "lav" and row["end_share"] == pytest.approx(0.75)


def test_end_share_reads_the_ends_of_the_scale_given_not_of_the_codes_used() -> None:
    # Codes only 2 and 3 on a 1-4 scale: no code sits at an end, share 0 (by hand), so no pile-up; the
    # observed codes' own ends (3 holds 6 of 10) would say otherwise. A group without a single code has no end.
    middle = long_from_columns({"a": [2, 2, 3, 3, 3], "b": [2, 2, 3, 3, 3]}).rename(
        columns={"unit": "subject", "rater": "coder_id"}
    )
    row = coder_agreement(middle, by=None, categories=[1, 2, 3, 4], n_boot=0).iloc[0]
    assert row["end_share"] == 0.0 and not row["paradox"]
    missing = middle.assign(value=pd.array([None] * len(middle), dtype="Int64"))
    row = coder_agreement(missing, by=None, categories=[1, 2, 3, 4], n_boot=0).iloc[0]
    assert pd.isna(row["end_category"]) and np.isnan(row["end_share"]) and row["n_ratings"] == 0


def test_paradox_bounds_at_equality_and_the_note_names_the_end_category() -> None:
    # "below low" is strict: with low equal to kappa (alpha is above it) nothing is low. "AC2 >= high" is
    # inclusive: with AC1 (.89673 < agreement .90, by hand above) and high equal to it, the rule holds.
    long = ceiling_long()
    first = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0, ac2_weights="unweighted").iloc[0]
    assert first["alpha"] > first["kappa"]
    at_kappa = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0, low=float(first["kappa"])).iloc[0]
    assert not at_kappa["paradox"]
    at_ac1 = coder_agreement(
        long, categories=[1, 2, 3, 4], n_boot=0, ac2_weights="unweighted", high=float(first["ac2"])
    ).iloc[0]
    assert at_ac1["paradox"] and "i yderkategorien 4." in at_ac1["note"]


def test_paradox_note_shows_the_defined_one_of_alpha_and_kappa() -> None:
    # Units 0-15 coded 4 by a and b, units 16-19 coded 3 by c and d. Each pair of coders either shares no unit
    # or used one code throughout (p_e = 1), so kappa is undefined; alpha is 1 (no disagreement, D_e > 0).
    # Agreement 1, AC2 1 (p_a = 1), 32 of 40 codes at the top end: flagged, and the note shows alpha's 1,00.
    rows = [(u, c, 4) for u in range(16) for c in ("a", "b")] + [(u, c, 3) for u in range(16, 20) for c in ("c", "d")]
    long = pd.DataFrame(rows, columns=["subject", "coder_id", "value"])
    row = coder_agreement(long, by=None, categories=[1, 2, 3, 4], n_boot=0).iloc[0]
    assert np.isnan(row["kappa"]) and row["alpha"] == 1.0 and row["end_share"] == 0.8
    assert row["paradox"] and "er lave (1,00)" in row["note"]
    # six pairs of coders: kappa is their mean, and no single interval is shown
    assert row["n_pairs"] == 6 and np.isnan(row["kappa_ci_low"]) and np.isnan(row["kappa_ci_high"])


def test_kappa_interval_only_for_a_single_pair() -> None:
    # Three coders (CEILING's a and b, and c coding as a): three defined pair kappas, their mean, no interval.
    three = long_from_columns({**CEILING, "C": CEILING["A"]}).rename(columns={"unit": "subject", "rater": "coder_id"})
    row = coder_agreement(three, by=None, categories=[1, 2, 3, 4], n_boot=0).iloc[0]
    pairs = weighted_kappa(three, subject="subject", rater="coder_id", rating="value", categories=[1, 2, 3, 4])
    assert pairs["ci_low"].notna().all() and row["kappa"] == pytest.approx(pairs["estimate"].mean(), abs=1e-12)
    assert row["n_pairs"] == 3 and np.isnan(row["kappa_ci_low"]) and np.isnan(row["kappa_ci_high"])


def test_coder_agreement_defaults_low_0667_and_a_thousand_draws() -> None:
    # 15 units (4, 4), 4 units (3, 3), one (3, 4): agreement .95, AC2 .99, 31 of 40 codes at 4 (.775), but
    # alpha .86 (by the formula of the first paradox test: n = 40, n_3 = 9, n_4 = 31, o_34 = 1:
    # 1 - 39 x 2 x 1 / (2 x 9 x 31) = .860): above Krippendorff's .667, so no paradox by default; a stricter
    # low flags it.
    codes = {"a": [4] * 15 + [3] * 4 + [3], "b": [4] * 15 + [3] * 4 + [4]}
    long = long_from_columns(codes).rename(columns={"unit": "subject", "rater": "coder_id"})
    default = coder_agreement(long, by=None, categories=[1, 2, 3, 4], seed=3)
    assert default["alpha"].iloc[0] == pytest.approx(1 - 39 * 2 / (2 * 9 * 31), abs=1e-12)
    assert not default["paradox"].iloc[0]
    assert coder_agreement(long, by=None, categories=[1, 2, 3, 4], n_boot=0, low=0.87)["paradox"].iloc[0]
    # the default bootstrap is 1000 draws: the interval is exactly that of n_boot=1000 (one draw more moves it,
    # by about 1e-4 on these 40 units)
    rng = np.random.default_rng(5)
    truth = rng.integers(1, 5, 40)
    other = np.where(rng.random(40) < 0.7, truth, rng.integers(1, 5, 40))
    spread = long_from_columns({"a": truth.tolist(), "b": other.tolist()}).rename(
        columns={"unit": "subject", "rater": "coder_id"}
    )
    limits = ["alpha_ci_low", "alpha_ci_high"]
    default = coder_agreement(spread, by=None, categories=[1, 2, 3, 4], seed=3)[limits]
    thousand = coder_agreement(spread, by=None, categories=[1, 2, 3, 4], seed=3, n_boot=1000)[limits]
    more = coder_agreement(spread, by=None, categories=[1, 2, 3, 4], seed=3, n_boot=1001)[limits]
    pd.testing.assert_frame_equal(default, thousand, check_exact=True)
    assert (default != more).all(axis=None)


def test_groups_come_in_id_order_with_only_the_groups_present_and_no_group_column_without_by() -> None:
    # Groups are sorted by id whatever the row order; a categorical group column gives rows only for the
    # categories that occur; by=None gives one overall row without a group column.
    long = ceiling_long()
    long["element_id"] = pd.Categorical(
        np.where(long["subject"] < 10, "virkning", "teori"), ["virkning", "teori", "maal"]
    )
    long = long.sort_values("subject", ascending=False)
    table = coder_agreement(long, n_boot=0, categories=[1, 2, 3, 4])
    assert table["element_id"].astype(str).tolist() == ["virkning", "teori", OVERALL]
    plain = coder_agreement(long.assign(element_id=long["element_id"].astype(str)), n_boot=0, categories=[1, 2, 3, 4])
    assert plain["element_id"].tolist() == ["teori", "virkning", OVERALL]
    overall = coder_agreement(long, by=None, n_boot=0, categories=[1, 2, 3, 4])
    assert overall.columns[:2].tolist() == ["scope", "n_subjects"] and None not in overall.columns
