"""Hostile and broken input (issue 23): each case ends in one clear problem naming file, row and column.

Like tests/test_study.py, every test starts from the small valid study written there, breaks one thing,
and checks the problem; a traceback instead of a problem fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lovende_research.errors import LovendeError
from lovende_research.io import file_in
from lovende_research.study import Study, validate_study
from tests.test_study import (
    CANDIDATES,
    CODINGS,
    INTERVIEWS,
    RUNNABLE_STUDY_YML,
    SCREENING,
    make_study,
    only_problem,
    with_row,
    write_csv,
)

TRAVERSAL = "../" * 10 + "tmp/lovende-udenfor"


@pytest.mark.parametrize("practice_id", [TRAVERSAL, "P1/../../x", "..", ".skjult", "P 1", "P1<img>", "P1\\x"])
def test_practice_id_that_would_leave_its_folder_is_an_input_error(tmp_path: Path, practice_id: str) -> None:
    candidates = with_row(CANDIDATES, [practice_id, "Kursus", "Tilbud", "kommune", "Ærø", "børn", "forebyggende"])
    problem = only_problem(make_study(tmp_path / "s", candidates=candidates))
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "candidates.csv",
        4,
        "practice_id",
        practice_id,
    )
    assert "bogstaver, cifre" in problem.expected


def test_danish_letters_and_dots_are_safe_ids(tmp_path: Path) -> None:
    candidates = with_row(CANDIDATES, ["Ærø-3.b_2", "Kursus", "Tilbud", "kommune", "Ærø", "børn", "forebyggende"])
    assert validate_study(make_study(tmp_path / "s", candidates=candidates)) == []


@pytest.mark.parametrize("name", [TRAVERSAL + ".html", "a/b.html", "..", ""])
def test_a_file_name_from_data_stays_in_its_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(LovendeError, match="ikke et filnavn"):
        file_in(tmp_path, name)
    assert file_in(tmp_path, "P1.html") == tmp_path / "P1.html"


def test_dollar_signs_in_data_are_drawn_as_typed(tmp_path: Path) -> None:
    """A ``$…$`` in a municipality's name would start matplotlib's mathtext, which fails to draw ``\\frac``."""
    import matplotlib.pyplot as plt

    from lovende_research import screening
    from lovende_research.plots import figure_bytes
    from lovende_research.plots import screening as screening_plots

    candidates = [list(r) for r in CANDIDATES]
    candidates[1][4] = "Kr$\\frac$ Kommune"
    study = Study.load(make_study(tmp_path / "s", candidates=candidates))
    figure = screening_plots.catalogue_figure(screening.catalogue_counts(study.candidates), language="da")
    svg = figure_bytes(figure).decode("utf-8")
    plt.close(figure)
    assert "Kr$\\frac$ Kommune" in svg  # matplotlib writes the label as text into the SVG


# --- unknown keys and non-finite numbers -----------------------------------------------------------------


def test_misspelt_seed_is_an_error_naming_the_key_it_meant(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    (study / "study.yml").write_text("title: Lille teststudie\nlanguage: da\nsed: 7\n", encoding="utf-8")
    problem = only_problem(study)
    # the seed would otherwise silently fall back to 0
    assert (problem.file, problem.row, problem.column) == ("study.yml", 3, "sed")
    assert problem.expected.startswith("'seed'") and "ukendt nøgle" in problem.problem


@pytest.mark.parametrize("value", ["inf", "-inf", "Infinity", "nan"])
def test_non_finite_number_in_a_numeric_column(tmp_path: Path, value: str) -> None:
    interviews = [list(r) + [n] for r, n in zip(INTERVIEWS, ["duration_minutes", "45", value], strict=True)]
    problem = only_problem(make_study(tmp_path / "s", interviews=interviews))
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "interviews.csv",
        3,
        "duration_minutes",
        value,
    )
    assert "endeligt tal" in problem.expected


def test_non_finite_weight_in_a_study_instrument_is_a_problem_of_study_yml(tmp_path: Path) -> None:
    from lovende_research.instrument import BUNDLED_INSTRUMENT

    study = make_study(tmp_path / "s")
    text = BUNDLED_INSTRUMENT.read_text(encoding="utf-8").replace(
        "      - id: teori_1\n", "      - id: teori_1\n        weight: .inf\n", 1
    )
    (study / "instrument.yml").write_text(text, encoding="utf-8")
    (study / "study.yml").write_text("title: Lille teststudie\ninstrument: instrument.yml\n", encoding="utf-8")
    problem = only_problem(study)
    assert (problem.file, problem.column) == ("study.yml", "instrument")
    assert "elements[0].items[0].weight" in problem.problem and "inf" in problem.problem


# --- files that are not what their name says ---------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (PNG, "PNG-billede"),
        (bytes(range(256)) * 4, "binære data"),
        (b"PK\x03\x04" + b"\x00" * 40, "omdøb den til .xlsx"),
        (b"\xef\xbb\xbfinterview_id,practice_id\nI1,P\xe6\n", "UTF-8-mærke"),
    ],
    ids=["png", "garbage", "xlsx-named-csv", "bom-but-not-utf8"],
)
def test_a_file_that_is_not_text_is_one_problem(tmp_path: Path, content: bytes, says: str) -> None:
    study = make_study(tmp_path / "s")
    (study / "interviews.csv").write_bytes(content)  # was a _csv.Error traceback
    problem = only_problem(study)
    assert problem.file == "interviews.csv" and says in problem.problem


def test_bare_carriage_returns_end_lines(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    text = (study / "interviews.csv").read_bytes().replace(b"\r\n", b"\r")
    (study / "interviews.csv").write_bytes(text)  # old Mac line ends: was a _csv.Error traceback
    assert Study.load(study).interviews["informant_id"].tolist() == ["P1-L", "P1-M"]


def test_utf16_text_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    write_csv(study / "candidates.csv", CANDIDATES, delimiter="\t", encoding="utf-16")  # Excel's "Unicode text"
    assert Study.load(study).candidates["provider"].tolist() == ["Børnehuset Ærø", "Red Barnet"]


def _candidates_with_open_quote(study: Path, row: int) -> None:
    """Put a ``"`` before the name on spreadsheet row ``row`` (header = 1) and close it nowhere."""
    lines = (study / "candidates.csv").read_text(encoding="utf-8").splitlines()
    practice, rest = lines[row - 1].split(",", 1)
    lines[row - 1] = f'{practice},"{rest}'
    (study / "candidates.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_unclosed_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    rows = with_row(
        CANDIDATES, *[[f"P{i}", "Kursus", "Tilbud", "kommune", "Ærø", "børn", "forebyggende"] for i in range(3, 12)]
    )
    study = make_study(tmp_path / "s", candidates=rows)
    _candidates_with_open_quote(study, 5)
    problem = only_problem(study)  # not one problem per row the quote swallowed, in other tables
    assert (problem.file, problem.row, problem.column) == ("candidates.csv", 5, "name")
    assert "linje 5" in problem.problem and '"' in problem.expected


def test_quote_closed_only_rows_later_is_reported_where_it_opens(tmp_path: Path) -> None:
    rows = with_row(
        CANDIDATES, *[[f"P{i}", "Kursus", "Tilbud", "kommune", "Ærø", "børn", "forebyggende"] for i in range(3, 12)]
    )
    rows[9][1] = 'Kursus "med citat", også'  # written quoted, with its quotes doubled: this row is fine
    study = make_study(tmp_path / "s", candidates=rows)
    _candidates_with_open_quote(study, 4)  # … and the quote opened here closes inside row 10
    problem = only_problem(study)
    assert (problem.file, problem.row, problem.column) == ("candidates.csv", 4, "name")
    assert "linje 4" in problem.problem


def test_a_cell_with_a_line_break_is_still_a_cell(tmp_path: Path) -> None:
    candidates = [
        list(r) + [d] for r, d in zip(CANDIDATES, ["delimitation", "første linje\nanden linje", ""], strict=True)
    ]
    study = make_study(tmp_path / "s", candidates=candidates)
    assert Study.load(study).candidates["delimitation"].tolist() == ["første linje\nanden linje", ""]


# --- tables that pass on their own and contradict the rest ----------------------------------------------


def test_header_only_codings_with_interviews_is_one_problem(tmp_path: Path) -> None:
    problem = only_problem(make_study(tmp_path / "s", codings=[CODINGS[0]]))
    assert problem.file == "codings.csv" and "kun en overskrift" in problem.problem and "2 interview" in problem.problem


def test_conflicting_reconciled_decisions_name_their_rows(tmp_path: Path) -> None:
    screening = [
        list(r) + [d] for r, d in zip(SCREENING, ["reconciled_decision", "", "", "include", "ekskluder"], strict=True)
    ]
    problems = validate_study(make_study(tmp_path / "s", screening=screening))
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("screening.csv", 4, "reconciled_decision", "include"),
        ("screening.csv", 5, "reconciled_decision", "ekskluder"),
    ]
    assert "række 5" in problems[0].problem and "række 4" in problems[1].problem


def test_the_same_reconciled_decision_twice_is_fine(tmp_path: Path) -> None:
    screening = [
        list(r) + [d] for r, d in zip(SCREENING, ["reconciled_decision", "", "", "exclude", "ekskluder"], strict=True)
    ]
    assert validate_study(make_study(tmp_path / "s", screening=screening)) == []


def test_selected_practice_that_screening_excluded(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    write_csv(study / "selected.csv", [["practice_id"], ["P1"], ["P2"]])  # P2 is excluded by both screeners
    problem = only_problem(study)
    assert (problem.file, problem.row, problem.column, problem.value) == ("selected.csv", 3, "practice_id", "P2")
    assert "maalgruppe" in problem.problem


def test_selected_practice_removed_as_a_duplicate(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    write_csv(study / "duplicates.csv", [["practice_id", "duplicate_of"], ["P2", "P1"]])
    write_csv(study / "selected.csv", [["practice_id"], ["P2"]])
    problem = only_problem(study)
    assert (problem.file, problem.row, problem.value) == ("selected.csv", 2, "P2") and "dublet" in problem.problem


# --- personal data --------------------------------------------------------------------------------------


def test_last_comma_first_informant_id_is_refused(tmp_path: Path) -> None:
    interviews = with_row(INTERVIEWS, ["I3", "P1", "Sørensen, Birgit", "samarbejdspartner", ""])
    problem = only_problem(make_study(tmp_path / "s", interviews=interviews))
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "interviews.csv",
        4,
        "informant_id",
        "Sørensen, Birgit",
    )


def test_a_contact_person_column_is_refused_where_people_are_interviewed(tmp_path: Path) -> None:
    interviews = [list(r) + [n] for r, n in zip(INTERVIEWS, ["kontaktperson", "x", "y"], strict=True)]
    problem = only_problem(make_study(tmp_path / "s", interviews=interviews))
    assert (problem.file, problem.column) == ("interviews.csv", "kontaktperson") and "pseudonymer" in problem.problem


def test_names_in_notes_and_person_columns_are_warned_about(tmp_path: Path) -> None:
    from lovende_research.study import study_warnings

    codings = [list(r) for r in CODINGS]
    codings[2][4] = "sagde at Birgit Sørensen var uenig"
    candidates = [list(r) + [c] for r, c in zip(CANDIDATES, ["kontakt_navn", "x", "y"], strict=True)]
    study = make_study(tmp_path / "s", codings=codings, candidates=candidates)
    assert validate_study(study) == []  # warnings, not errors: the study is still valid
    warnings = study_warnings(study)
    assert [(w.file, w.row, w.column) for w in warnings] == [
        ("candidates.csv", None, "kontakt_navn"),
        ("codings.csv", 3, "note"),
    ]
    assert "Birgit Sørensen" in warnings[1].problem


def test_redact_masks_a_name_wherever_it_occurs(tmp_path: Path) -> None:
    from lovende_research.study import study_warnings

    codings = [list(r) for r in CODINGS]
    codings[2][4] = "sagde at Birgit Sørensen var uenig"
    interviews = with_row(
        INTERVIEWS,
        ["I3", "P1", "Sørensen, Birgit", "samarbejdspartner", ""],
        ["I4", "P1", "Hansen, Mette", "leder", ""],
    )
    study = make_study(tmp_path / "s", codings=codings, interviews=interviews)
    (study / "study.yml").write_text(
        'title: Interview med Birgit Sørensen\nshow_notes: true\nredact: ["Birgit Sørensen", "Sørensen, Birgit", "Hansen, Mette"]\n',
        encoding="utf-8",
    )
    assert validate_study(study) == [] and study_warnings(study) == []
    loaded = Study.load(study)
    assert loaded.config.title == "Interview med [skjult 1]"
    assert loaded.interviews["informant_id"].tolist() == [
        "P1-L",
        "P1-M",
        "[skjult 2]",
        "[skjult 3]",
    ]  # still two people
    assert loaded.codings.loc[1, "note"] == "sagde at [skjult 1] var uenig"


def test_notes_are_read_only_when_the_study_opts_in(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    assert set(Study.load(study).codings["note"]) == {""}  # CODINGS has the note "usikker"
    (study / "study.yml").write_text("title: Lille teststudie\nshow_notes: true\n", encoding="utf-8")
    assert "usikker" in set(Study.load(study).codings["note"])


def test_validate_prints_name_warnings_and_still_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lovende_research.cli import main

    codings = [list(r) for r in CODINGS]
    codings[2][4] = "ringede til Birgit Sørensen"
    study = make_study(tmp_path / "s", codings=codings)
    (study / "study.yml").write_text(RUNNABLE_STUDY_YML, encoding="utf-8")
    assert main(["validate", str(study)]) == 0  # a warning does not fail validation
    out = capsys.readouterr().out
    assert "1 advarsel om mulige personnavne" in out and "codings.csv, række 3, kolonne 'note'" in out
