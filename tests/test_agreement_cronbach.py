"""Cronbach's alpha, Feldt's interval, alpha if deleted and element consistency against published examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lovende_research.agreement import (
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
