"""English codes in a study's tables: accepted as synonyms and stored in one canonical (Danish) form."""

from __future__ import annotations

from pathlib import Path

import pytest

from lovende_research.study import Study, validate_study
from tests.test_study import CANDIDATES, CODINGS, INTERVIEWS, SCREENING, make_study


def _in_english(rows, column: str, words: dict[str, str]) -> list[list[object]]:
    at = list(rows[0]).index(column)
    return [list(rows[0])] + [[words.get(c, c) if i == at else c for i, c in enumerate(r)] for r in rows[1:]]


def test_english_codes_are_stored_as_the_danish_ones(tmp_path: Path) -> None:
    candidates = _in_english(CANDIDATES, "provider_type", {"kommune": "Municipality", "organisation": "organization"})
    candidates = _in_english(
        candidates, "purpose", {"forebyggende, behandlende": "preventive; treatment", "rådgivende": "advisory"}
    )
    screening = _in_english(SCREENING, "decision", {"inkluder": "include", "ekskluder": "exclude"})
    interviews = _in_english(INTERVIEWS, "informant_role", {"leder": "manager", "medarbejder": "Staff"})
    codings = _in_english(
        CODINGS, "response", {"Ved ikke": "Don't know", "I høj grad": "To a great extent", "nej": "No"}
    )
    study = make_study(
        tmp_path / "s", candidates=candidates, screening=screening, interviews=interviews, codings=codings
    )
    assert validate_study(study) == []
    loaded = Study.load(study)
    # The Danish codes of tests/test_study.py's small study, written out by hand.
    assert loaded.candidates["provider_type"].tolist() == ["kommune", "organisation"]
    assert loaded.candidates["purpose"].tolist() == ["forebyggende;behandlende", "rådgivende"]
    assert loaded.screening["decision"].tolist() == ["include", "include", "exclude", "exclude"]
    assert loaded.interviews["informant_role"].tolist() == ["leder", "medarbejder"]
    assert loaded.codings["missing_code"].tolist()[1] == "ved_ikke"
    assert loaded.codings["value"].tolist()[2] == 4
    assert loaded.codings["screen_answer"].tolist()[3] == "nej"


@pytest.mark.parametrize(("column", "word"), [("informant_role", "boss"), ("informant_role", "partners")])
def test_an_unknown_word_is_still_a_problem_naming_both_languages(tmp_path: Path, column: str, word: str) -> None:
    interviews = [list(r) for r in INTERVIEWS]
    interviews[1][3] = word
    problems = validate_study(make_study(tmp_path / "s", interviews=interviews))
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("interviews.csv", 2, column, word)]
    assert "leder" in problems[0].expected and "manager" in problems[0].expected
