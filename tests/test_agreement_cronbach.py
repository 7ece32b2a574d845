"""Cronbach's alpha, Feldt's interval, alpha if deleted and element consistency against published examples."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lovende_research.agreement import (
    AgreementError,
    alpha_if_item_deleted,
    consistency_verdict,
    cronbach_alpha,
    element_consistency,
    icc,
)
from lovende_research.instrument import load_instrument
from tests.agreement_data import BINARY_MISSING, QUESTIONNAIRE, SHROUT_FLEISS

COLS = {"subject": "s", "item": "item", "rating": "v"}


def long_items(columns: dict[str, list[int | None]]) -> pd.DataFrame:
    return pd.DataFrame(columns).rename_axis("s").reset_index().melt("s", var_name="item", value_name="v")


def test_alpha_and_feldt_interval_match_real_statistics_questionnaire() -> None:
    # real-statistics.com Cronbach's alpha example (15 respondents x 10 items), as published in pingouin's
    # test_reliability.py (checked there against R psych): alpha .592 and 95 % interval (.195, .840),
    # 3 decimals: tolerance 5e-4.
    row = cronbach_alpha(long_items(QUESTIONNAIRE), **COLS).iloc[0]
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == pytest.approx((0.592, 0.195, 0.840), abs=5e-4)
    assert (row["n_subjects"], row["n_items"]) == (15, 10)


def test_alpha_listwise_matches_real_statistics_binary_example_with_missing_answers() -> None:
    # real-statistics.com binary questionnaire with missing answers (12 x 11), pingouin's test_reliability.py:
    # alpha with listwise deletion (psych::alpha(use = "complete.obs")) .80 (2 decimals: tolerance 5e-3);
    # 3 of the 12 respondents left an answer out, so 9 remain (by hand).
    columns = {f"Q{j + 1}": [row[j] for row in BINARY_MISSING] for j in range(11)}
    row = cronbach_alpha(long_items(columns), **COLS).iloc[0]
    assert row["estimate"] == pytest.approx(0.80, abs=5e-3)
    assert row["n_subjects"] == 9


def test_alpha_equals_icc3k_on_shrout_fleiss() -> None:
    # Shrout & Fleiss (1979) Table 4: ICC(3,4) = .91, which is Cronbach's alpha with the judges as items
    # (McGraw & Wong 1996); and the same to rounding as our own ICC3k on the same table.
    long = pd.DataFrame(
        [(t, j, y) for t, row in enumerate(SHROUT_FLEISS) for j, y in enumerate(row)], columns=["s", "item", "v"]
    )
    alpha = cronbach_alpha(long, **COLS)["estimate"].iloc[0]
    assert alpha == pytest.approx(0.91, abs=5e-3)
    assert alpha == pytest.approx(
        icc(long, subject="s", rater="item", rating="v", forms="ICC3k")["estimate"].iloc[0], abs=1e-12
    )


def hand_alpha(matrix: np.ndarray) -> float:
    """Cronbach (1951) with plain loops: k/(k-1) (1 - sum of item variances / variance of the total)."""
    n, k = matrix.shape

    def var(xs: list[float]) -> float:
        m = sum(xs) / len(xs)
        return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)

    items = sum(var([matrix[i, j] for i in range(n)]) for j in range(k))
    total = var([sum(matrix[i, j] for j in range(k)) for i in range(n)])
    return k / (k - 1) * (1 - items / total)


def test_alpha_if_item_deleted_is_alpha_of_the_rest_by_hand() -> None:
    # Independent computation: hand_alpha of the questionnaire without each item in turn, and the
    # item-rest correlation with numpy's Pearson r on the two columns.
    long = long_items(QUESTIONNAIRE)
    out = alpha_if_item_deleted(long, **COLS).set_index("item")
    wide = pd.DataFrame(QUESTIONNAIRE)
    for item in QUESTIONNAIRE:
        rest = wide.drop(columns=item)
        assert out.loc[item, "alpha_if_deleted"] == pytest.approx(hand_alpha(rest.to_numpy(dtype=float)), abs=1e-12)
        assert out.loc[item, "item_rest_r"] == pytest.approx(np.corrcoef(wide[item], rest.sum(axis=1))[0, 1], abs=1e-12)


def test_element_consistency_flags_an_element_whose_items_do_not_hang_together() -> None:
    # Planted: 40 interviews; the items of element 1 follow one level (alpha high), element 2's items are
    # independent noise (expected alpha about 0): only element 2 is flagged, in both languages.
    instrument = load_instrument()
    rng = np.random.default_rng(3)
    level = rng.integers(1, 5, 40)
    rows = []
    for n in range(40):
        for item in instrument.elements[0].items:
            rows.append((f"i{n}", item.id, int(np.clip(level[n] + rng.integers(-1, 2), 1, 4))))
        for item in instrument.elements[1].items:
            rows.append((f"i{n}", item.id, int(rng.integers(1, 5))))
    scores = pd.DataFrame(rows, columns=["interview_id", "item_id", "score"])
    table = element_consistency(scores, instrument).set_index("element_id")
    first, second = instrument.elements[0].id, instrument.elements[1].id
    assert table.loc[first, "estimate"] > 0.8 and not table.loc[first, "flagged"] and table.loc[first, "note"] == ""
    assert table.loc[second, "estimate"] < 0.5 and table.loc[second, "flagged"]
    assert table.loc[second, "note"].startswith("Spørgsmålene hænger ikke sammen")
    assert (
        element_consistency(scores, instrument, language="en")
        .set_index("element_id")
        .loc[second, "note"]
        .startswith("The items do not hang together")
    )
    assert table.loc[first, "ci_low"] < table.loc[first, "estimate"] < table.loc[first, "ci_high"]
    # elements without answers in these scores: alpha undefined, said so, not flagged
    third = instrument.elements[2].id
    assert np.isnan(table.loc[third, "estimate"]) and not table.loc[third, "flagged"] and table.loc[third, "note"]


def test_consistency_verdict_names_flagged_elements_in_both_languages_with_danish_decimals() -> None:
    instrument = load_instrument()
    first, second = instrument.elements[0], instrument.elements[1]
    table = pd.DataFrame({"element_id": [first.id, second.id], "flagged": [False, True]})
    da = consistency_verdict(table, instrument, language="da")
    en = consistency_verdict(table, instrument, language="en")
    assert da == f"1 af 2 elementer har spørgsmål, der ikke hænger sammen (alpha under 0,70): 2. {second.name('da')}."
    assert en == f"1 of 2 elements have items that do not hang together (alpha below 0.70): 2. {second.name('en')}."
    assert "0,70" in consistency_verdict(table.assign(flagged=False), instrument, language="da")


def test_notebook_03_reports_element_consistency_and_agreement_intervals_in_danish(
    tmp_path, run_notebook, example_study
) -> None:
    # The report side of issue 17: notebook 03 writes the element consistency table and shows its verdict
    # in the reader's language (here Danish), and the coder-agreement table it displays has the intervals.
    import re

    from lovende_research.display import markdown_text
    from lovende_research.people_tables import header

    processed = tmp_path / "processed"
    notebook = run_notebook(
        "03_subjectivity_bias", study_dir=example_study, processed_dir=processed, n_boot=50, language="da"
    )
    table = pd.read_parquet(processed / "example" / "bias" / "element_consistency.parquet")
    instrument = load_instrument()
    assert table["element_id"].tolist() == [e.id for e in instrument.elements if len(e.items) >= 2]
    assert (table["ci_low"] <= table["estimate"]).all() and (table["estimate"] <= table["ci_high"]).all()
    shown = "\n".join(
        "".join(o.get("data", {}).get("text/markdown", "")) + "".join(o.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        for o in cell.get("outputs", [])
    )
    verdict = consistency_verdict(table, instrument, language="da")
    # shown as literal Markdown text (display.markdown_text escapes its punctuation, e.g. "2\\. Virkning")
    assert markdown_text(verdict) in shown and ("hænger ikke sammen" in verdict or "hænger sammen" in verdict)
    assert not re.search(r"\d\.\d", verdict)  # Danish decimals
    # the coder-agreement table shows its intervals, under the page's (Danish) headers
    tables = "\n".join(
        "".join(o.get("data", {}).get("text/html", "")) for cell in notebook.cells for o in cell.get("outputs", [])
    )
    assert all(f">{header(c, 'da')}<" in tables for c in ("alpha_ci_low", "kappa_ci_high", "ac2_ci_low"))


def test_alpha_row_reports_its_variances_inter_item_r_and_feldt_interval_at_the_level_asked() -> None:
    # Independent computation on the questionnaire: item variances and the variance of the sum score
    # with numpy (ddof 1), the mean of the 45 off-diagonal correlations of np.corrcoef, and Feldt's (1965)
    # interval 1 - (1 - alpha) F_{1-g/2}, 1 - (1 - alpha) F_{g/2} with F(n-1, (n-1)(k-1)) from scipy, at 80 %.
    wide = pd.DataFrame(QUESTIONNAIRE).to_numpy(dtype=float)
    row = cronbach_alpha(long_items(QUESTIONNAIRE), **COLS, confidence=0.8).iloc[0]
    alpha = hand_alpha(wide)
    n, k = wide.shape
    f_high, f_low = stats.f.ppf(0.9, n - 1, (n - 1) * (k - 1)), stats.f.ppf(0.1, n - 1, (n - 1) * (k - 1))
    assert row["statistic"] == "cronbach_alpha" and row["confidence"] == 0.8 and np.isnan(row["se"])
    assert row["estimate"] == pytest.approx(alpha, abs=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        (1 - (1 - alpha) * f_high, 1 - (1 - alpha) * f_low), abs=1e-12
    )
    assert row["item_variance"] == pytest.approx(wide.var(axis=0, ddof=1).sum(), abs=1e-12)
    assert row["total_variance"] == pytest.approx(wide.sum(axis=1).var(ddof=1), abs=1e-12)
    r = np.corrcoef(wide, rowvar=False)
    assert row["mean_inter_item_r"] == pytest.approx(r[np.triu_indices(k, 1)].mean(), abs=1e-12)


def test_alpha_needs_three_complete_subjects_two_items_and_a_sum_score_with_spread() -> None:
    # By hand. Three subjects (1, 2), (2, 3), (3, 3): item variances 1 and 1/3, sum scores 3, 5, 6 with
    # variance 7/3, so alpha = 2 (1 - (4/3)/(7/3)) = 6/7. Two subjects: undefined. One item: undefined.
    three = pd.DataFrame({"s": [1, 1, 2, 2, 3, 3], "item": ["a", "b"] * 3, "v": [1, 2, 2, 3, 3, 3]})
    row = cronbach_alpha(three, **COLS).iloc[0]
    assert row["estimate"] == pytest.approx(6 / 7, abs=1e-12) and (row["n_subjects"], row["n_items"]) == (3, 2)
    assert row["item_variance"] == pytest.approx(4 / 3, abs=1e-12)
    two = cronbach_alpha(three[three["s"] < 3], **COLS).iloc[0]
    assert (
        two["n_subjects"] == 2 and np.isnan(two[["estimate", "ci_low", "ci_high", "item_variance"]].astype(float)).all()
    )
    one = cronbach_alpha(three[three["item"] == "a"], **COLS).iloc[0]
    assert one["n_items"] == 1 and np.isnan(one["estimate"]) and np.isnan(one["item_variance"])
    # Sum scores 3, 3, 3 (items move against each other): no spread, alpha undefined; the variances are
    # still reported (1 + 1 and 0) and the one correlation is -1.
    flat = pd.DataFrame({"s": [1, 1, 2, 2, 3, 3], "item": ["a", "b"] * 3, "v": [1, 2, 2, 1, 3, 0]})
    row = cronbach_alpha(flat, **COLS).iloc[0]
    assert np.isnan(row["estimate"]) and np.isnan(row["ci_low"])
    assert (row["item_variance"], row["total_variance"], row["mean_inter_item_r"]) == pytest.approx((2.0, 0.0, -1.0))


def test_mean_inter_item_r_leaves_out_items_without_spread() -> None:
    # Item a is constant (its correlations are undefined), b and c correlate 1 (c = b + 1): the mean is over
    # the one defined pair, 1.0. With two items of which one is constant there is no defined pair, and with
    # every item constant none either: NaN, without a warning (by hand).
    data = pd.DataFrame({"s": np.repeat([1, 2, 3], 3), "item": ["a", "b", "c"] * 3, "v": [5, 1, 2, 5, 2, 3, 5, 3, 4]})
    assert cronbach_alpha(data, **COLS)["mean_inter_item_r"].iloc[0] == pytest.approx(1.0, abs=1e-12)
    assert np.isnan(cronbach_alpha(data[data["item"] != "c"], **COLS)["mean_inter_item_r"].iloc[0])
    assert np.isnan(cronbach_alpha(data.assign(v=5), **COLS)["mean_inter_item_r"].iloc[0])


def test_undefined_alpha_and_no_items_keep_every_column() -> None:
    # Tables of several elements stack: an undefined alpha has the same columns as a defined one, and
    # alpha if deleted of no answers is an empty table with its columns.
    defined = cronbach_alpha(long_items(QUESTIONNAIRE), **COLS)
    undefined = cronbach_alpha(long_items({"a": [1, 2], "b": [2, 2]}), **COLS)
    assert undefined.columns.tolist() == defined.columns.tolist()
    assert undefined[["item_variance", "total_variance", "mean_inter_item_r"]].isna().all(axis=None)
    empty = alpha_if_item_deleted(pd.DataFrame({"s": [], "item": [], "v": []}), **COLS)
    assert empty.empty and empty.columns.tolist() == ["item", "alpha_if_deleted", "item_rest_r", "n_subjects"]


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"s": [1], "item": ["a"]}), r"^svarene mangler kolonnerne v$"),
        (pd.DataFrame({"s": [1]}), r"^svarene mangler kolonnerne item, v$"),
        (pd.DataFrame({"s": [1, 1], "item": ["a", "a"], "v": [1, 2]}), r"^samme s × item forekommer mere end én gang$"),
        (pd.DataFrame({"s": [1, 1], "item": ["a", "b"], "v": ["1", "høj"]}), r"^v skal være tal$"),
    ],
)
def test_alpha_refuses_unusable_answers_naming_the_column(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(AgreementError, match=message):
        cronbach_alpha(frame, **COLS)
    with pytest.raises(AgreementError, match=message):
        alpha_if_item_deleted(frame, **COLS)


def test_alpha_reads_numbers_written_as_text_and_missing_answers() -> None:
    # "3" is the number 3 and None is a missing answer (the subject drops out listwise): the same alpha as
    # the numeric answers of the other subjects (6/7, by hand above).
    text = pd.DataFrame(
        {"s": [1, 1, 2, 2, 3, 3, 4, 4], "item": ["a", "b"] * 4, "v": ["1", "2", "2", "3", "3", "3", "4", None]}
    )
    row = cronbach_alpha(text, **COLS).iloc[0]
    assert row["estimate"] == pytest.approx(6 / 7, abs=1e-12) and row["n_subjects"] == 3


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5])
def test_alpha_refuses_a_confidence_outside_zero_one(confidence: float) -> None:
    data = long_items(QUESTIONNAIRE)
    with pytest.raises(AgreementError, match=rf"^confidence skal ligge mellem 0 og 1 \(fandt {confidence}\)$"):
        cronbach_alpha(data, **COLS, confidence=confidence)
    with pytest.raises(AgreementError, match="confidence"):
        element_consistency(data, load_instrument(), confidence=confidence)


def test_alpha_if_item_deleted_with_two_items_and_with_too_few_subjects() -> None:
    # Two items: the rest is one item, which has no alpha; the item-rest r is the plain correlation of the
    # two items (here 1, by hand: b = a + 1). Two subjects: nothing is defined. The item column keeps its name.
    two_items = pd.DataFrame({"s": [1, 1, 2, 2, 3, 3], "item": ["a", "b"] * 3, "v": [1, 2, 2, 3, 4, 5]})
    out = alpha_if_item_deleted(two_items, **COLS)
    assert out.columns.tolist() == ["item", "alpha_if_deleted", "item_rest_r", "n_subjects"]
    assert out["item"].tolist() == ["a", "b"] and out["n_subjects"].tolist() == [3, 3]
    assert out["alpha_if_deleted"].isna().all() and out["item_rest_r"].tolist() == pytest.approx([1.0, 1.0])
    few = alpha_if_item_deleted(long_items({"a": [1, 2], "b": [2, 1], "c": [1, 1]}), **COLS)
    assert few["n_subjects"].tolist() == [2, 2, 2] and few[["alpha_if_deleted", "item_rest_r"]].isna().all().all()
    # three subjects, three items: the rest of two items has an alpha (hand_alpha)
    three = long_items({"a": [1, 2, 3], "b": [1, 3, 3], "c": [2, 2, 4]})
    out = alpha_if_item_deleted(three, **COLS).set_index("item")
    assert out.loc["c", "alpha_if_deleted"] == pytest.approx(
        hand_alpha(np.array([[1, 1], [2, 3], [3, 3]], float)), abs=1e-12
    )


TEORI = [[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5]]  # 4 interviews x teori_1..3
VIRKNING = [[1, 1], [2, 3], [3, 2], [4, 4]]  # the same interviews x virkning_1..2


def element_scores() -> pd.DataFrame:
    """TEORI and VIRKNING in long form under the caller's column names, plus an item of no element."""
    rows = [(f"i{n}", f"teori_{j + 1}", v) for n, row in enumerate(TEORI) for j, v in enumerate(row)]
    rows += [(f"i{n}", f"virkning_{j + 1}", v) for n, row in enumerate(VIRKNING) for j, v in enumerate(row)]
    rows += [(f"i{n}", "fritekst_1", 9) for n in range(4)]
    return pd.DataFrame(rows, columns=["iv", "it", "sc"])


def test_element_consistency_rows_are_cronbach_alpha_of_each_element_with_its_weakest_item() -> None:
    # Independent: hand_alpha of TEORI and of each pair of its items (alpha if deleted), and cronbach_alpha
    # of the element's rows alone at the same level. The item of no element is ignored; elements without
    # answers are undefined, not flagged, and say why.
    instrument = load_instrument()
    cols = {"subject": "iv", "item": "it", "rating": "sc"}
    table = element_consistency(element_scores(), instrument, **cols, confidence=0.8, floor=0.5)
    assert table["element_id"].tolist() == [e.id for e in instrument.elements]
    teori = table.set_index("element_id").loc["teori"]
    matrix = np.array(TEORI, dtype=float)
    assert teori["estimate"] == pytest.approx(hand_alpha(matrix), abs=1e-12)
    rest = {f"teori_{j + 1}": hand_alpha(np.delete(matrix, j, axis=1)) for j in range(3)}
    assert teori["weakest_item"] == max(rest, key=rest.__getitem__)
    assert teori["alpha_without"] == pytest.approx(max(rest.values()), abs=1e-12)
    part = element_scores()[element_scores()["it"].str.startswith("teori")]
    alone = cronbach_alpha(part, subject="iv", item="it", rating="sc", confidence=0.8).iloc[0]
    assert (teori["ci_low"], teori["ci_high"], teori["confidence"]) == (alone["ci_low"], alone["ci_high"], 0.8)
    assert not teori["flagged"] and teori["note"] == ""
    virkning = table.set_index("element_id").loc["virkning"]
    assert virkning["estimate"] == pytest.approx(hand_alpha(np.array(VIRKNING, dtype=float)), abs=1e-12)
    assert pd.isna(virkning["weakest_item"]) and np.isnan(virkning["alpha_without"])  # one item left: no alpha
    maal = table.set_index("element_id").loc["maal"]
    assert np.isnan(maal["estimate"]) and not maal["flagged"] and maal["n_subjects"] == 0
    assert maal["note"] == "Alpha kan ikke beregnes: for få fuldt besvarede interviews eller spørgsmål uden spredning."
    english = element_consistency(element_scores(), instrument, **cols, language="en").set_index("element_id")
    assert (
        english.loc["maal", "note"]
        == "Alpha cannot be computed: too few fully answered interviews, or items without spread."
    )


def test_element_consistency_flags_below_the_floor_and_not_at_it() -> None:
    # The floor is a strict bound (alpha < floor): at alpha itself nothing is flagged; just above it the
    # element is, with alpha and the floor in the note in the user's language (two decimals).
    instrument = load_instrument()
    cols = {"subject": "iv", "item": "it", "rating": "sc"}
    alpha = hand_alpha(np.array(TEORI, dtype=float))  # .9388 (by hand: 1.5 (1 - 4.5833 / 12.25))
    at = element_consistency(element_scores(), instrument, **cols, floor=alpha).set_index("element_id")
    assert not at.loc["teori", "flagged"]
    above = element_consistency(element_scores(), instrument, **cols, floor=0.95, language="en").set_index("element_id")
    assert above.loc["teori", "flagged"]
    assert above.loc["teori", "note"].startswith("The items do not hang together: alpha 0.94 is below 0.95;")
    danish = element_consistency(element_scores(), instrument, **cols, floor=0.95).set_index("element_id")
    assert danish.loc["teori", "note"].startswith("Spørgsmålene hænger ikke sammen: alpha 0,94 er under 0,95;")


def test_consistency_verdict_when_no_element_is_flagged_gives_the_count_and_the_floor() -> None:
    instrument = load_instrument()
    table = pd.DataFrame({"element_id": ["teori", "maal", "virkning"], "flagged": [False, False, False]})
    assert consistency_verdict(table, instrument, floor=0.8) == (
        "Alle 3 elementers spørgsmål hænger sammen (alpha mindst 0,80, eller ikke beregnelig)."
    )
    assert consistency_verdict(table, instrument, language="en") == (
        "The items of all 3 elements hang together (alpha at least 0.70, or not computable)."
    )
    both = table.assign(flagged=[True, False, True])
    assert consistency_verdict(both, instrument, floor=0.8, language="en") == (
        "2 of 3 elements have items that do not hang together (alpha below 0.80): "
        f"1. {instrument.elements[0].name('en')}, 2. {instrument.elements[1].name('en')}."
    )


def test_element_consistency_skips_one_item_elements_and_keeps_the_rest() -> None:
    # An element with one item has no internal consistency: it has no row, and the elements after it
    # still do (the bundled instrument has none, so teori is cut to its first item here).
    instrument = load_instrument()
    first = instrument.elements[0]
    cut = replace(instrument, elements=(replace(first, items=first.items[:1]), *instrument.elements[1:]))
    table = element_consistency(element_scores(), cut, subject="iv", item="it", rating="sc")
    assert table["element_id"].tolist() == [e.id for e in instrument.elements[1:]]


def test_weakest_item_may_be_one_without_spread() -> None:
    # Item c is the same for everyone: its item-rest r is undefined, but deleting it raises alpha (k drops
    # from 3 to 2 with the same variances: 2 (1 - S/T) > 1.5 (1 - S/T)), so it is the weakest item.
    rows = [(f"i{n}", f"teori_{j + 1}", v) for n, row in enumerate([[1, 1, 3], [2, 3, 3], [3, 2, 3], [4, 4, 3]])
            for j, v in enumerate(row)]  # fmt: skip
    scores = pd.DataFrame(rows, columns=["interview_id", "item_id", "score"])
    row = element_consistency(scores, load_instrument()).set_index("element_id").loc["teori"]
    assert row["weakest_item"] == "teori_3"
    assert row["alpha_without"] == pytest.approx(
        hand_alpha(np.array([[1, 1], [2, 3], [3, 2], [4, 4]], float)), abs=1e-12
    )


def test_alpha_does_not_depend_on_the_unit_of_the_answers() -> None:
    # Alpha is a ratio of variances, so answers divided by 10 (a sum-score variance below 1) give the same
    # alpha as the questionnaire's own (.592, real-statistics.com).
    tenths = long_items(QUESTIONNAIRE).assign(v=lambda d: d["v"] / 10)
    assert cronbach_alpha(tenths, **COLS)["estimate"].iloc[0] == pytest.approx(
        cronbach_alpha(long_items(QUESTIONNAIRE), **COLS)["estimate"].iloc[0], abs=1e-12
    )
