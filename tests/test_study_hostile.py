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
from tests.test_study import CANDIDATES, INTERVIEWS, make_study, only_problem, with_row

TRAVERSAL = "../" * 10 + "tmp/lovende-udenfor"


@pytest.mark.parametrize("practice_id", [TRAVERSAL, "P1/../../x", "..", ".skjult", "P 1", "P1<img>", "P1\\x"])
def test_practice_id_that_would_leave_its_folder_is_an_input_error(tmp_path: Path, practice_id: str) -> None:
    candidates = with_row(CANDIDATES, [practice_id, "Kursus", "Tilbud", "kommune", "Ærø", "børn", "forebyggende"])
    problem = only_problem(make_study(tmp_path / "s", candidates=candidates))
    assert (problem.file, problem.row, problem.column, problem.value) == ("candidates.csv", 4, "practice_id", practice_id)
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
    interviews = [list(r) + [n] for r, n in zip(INTERVIEWS, ["duration_minutes", "45", value])]
    problem = only_problem(make_study(tmp_path / "s", interviews=interviews))
    assert (problem.file, problem.row, problem.column, problem.value) == ("interviews.csv", 3, "duration_minutes", value)
    assert "endeligt tal" in problem.expected


def test_non_finite_weight_in_a_study_instrument_is_a_problem_of_study_yml(tmp_path: Path) -> None:
    from lovende_research.instrument import BUNDLED_INSTRUMENT

    study = make_study(tmp_path / "s")
    text = BUNDLED_INSTRUMENT.read_text(encoding="utf-8").replace("      - id: teori_1\n", "      - id: teori_1\n        weight: .inf\n", 1)
    (study / "instrument.yml").write_text(text, encoding="utf-8")
    (study / "study.yml").write_text("title: Lille teststudie\ninstrument: instrument.yml\n", encoding="utf-8")
    problem = only_problem(study)
    assert (problem.file, problem.column) == ("study.yml", "instrument")
    assert "elements[0].items[0].weight" in problem.problem and "inf" in problem.problem
