"""Tables as the stage pages show them: headers in words, numbers and codes in the page's language, cut long tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lovende_research import people_tables as pt
from lovende_research.errors import ArgumentError


def test_every_header_is_words_not_a_column_name() -> None:
    for column in pt.HEADERS:
        for language in ("da", "en"):
            assert "_" not in pt.header(column, language), (column, language)


def test_danish_page_writes_decimal_commas_and_keeps_danish_codes() -> None:
    frame = pd.DataFrame(
        {
            "informant_role": ["leder", "medarbejder"],
            "estimate": [0.114, 0.5],
            "df": [26, 273],
            "resolved": [True, False],
        }
    )
    text = pt.table_html(frame, "da")
    # Written by hand: 0.114 to two decimals is 0,11; 0.5 is 0,50; whole numbers stay whole; ja/nej.
    assert re.findall(r'<td class="number">([^<]*)</td>', text) == ["0,11", "26", "0,50", "273"]
    assert "<th>Rolle</th>" in text and "<td>leder</td>" in text and "<td>ja</td>" in text and "<td>nej</td>" in text
    assert "<th>" + "estimate" not in text and "0.11" not in text


def test_english_page_translates_roles_and_sources() -> None:
    frame = pd.DataFrame(
        {"informant_role": ["leder", "medarbejder", "samarbejdspartner"], "source": ["konsensus", "regel", "mangler"]}
    )
    text = pt.table_html(frame, "en")
    cells = re.findall(r"<td>([^<]*)</td>", text)
    assert cells == ["leader", "consensus", "staff member", "rule", "partner", "missing"]
    assert "<th>Role</th><th>Source</th>" in text


def test_long_table_shows_first_rows_the_count_and_a_link() -> None:
    frame = pd.DataFrame({"practice_id": [f"P{i:03d}" for i in range(93)]})
    text = pt.table_html(frame, "da", max_rows=20, full_table="tabeller/02_interview_coding.xlsx")
    assert text.count("<tr>") == 21  # the header row and 20 rows
    assert "P019" in text and "P020" not in text
    assert "Viser de første 20 af 93 rækker." in text
    assert '<a href="tabeller/02_interview_coding.xlsx">Hele tabellen</a>' in text
    short = pt.table_html(frame.head(3), "en")
    assert short.count("<tr>") == 4 and "3 rows." in short and "<a " not in short
    assert "1 række." in pt.table_html(frame.head(1), "da") and "1 row." in pt.table_html(frame.head(1), "en")


def test_no_index_column_and_markup_from_data_is_text() -> None:
    frame = pd.DataFrame({"note_1": ["<img src=x onerror=alert(1)>"]}, index=[41])
    text = pt.table_html(frame, "da")
    assert "41" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "<img" not in text


def test_max_rows_must_be_positive() -> None:
    with pytest.raises(ArgumentError, match="max_rows: 0 kan ikke bruges"):
        pt.table_html(pd.DataFrame({"n": [1]}), "da", max_rows=0)
