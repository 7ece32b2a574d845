"""Study.load and `lovende validate`: a clean study loads typed; every kind of bad input gets a clear problem.

Each bad-input test starts from a small valid study written in the test, breaks one thing, and checks
that the problem names the file, the row as a spreadsheet shows it (header = row 1), the column, the
value and what was expected. A traceback instead of a problem fails the test.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Sequence

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from lovende_research.cli import main
from lovende_research.errors import InputError, Problem
from lovende_research.study import Study, validate_study

Rows = Sequence[Sequence[object]]

CANDIDATES: Rows = [
    ["practice_id", "name", "provider", "provider_type", "municipality", "target_group", "purpose"],
    ["P1", "Familiekursus", "Børnehuset Ærø", "kommune", "Ærø", "børn 0-12 år", "forebyggende, behandlende"],
    ["P2", "Samtalegruppe for unge", "Red Barnet", "organisation", "Red Barnet", "unge", "rådgivende"],
]
SCREENING: Rows = [
    ["practice_id", "screener_id", "criterion", "decision", "reason"],
    ["P1", "S1", "maalgruppe", "include", ""],
    ["P1", "S2", "maalgruppe", "inkluder", ""],
    ["P2", "S1", "maalgruppe", "exclude", "uden for målgruppen"],
    ["P2", "S2", "maalgruppe", "ekskluder", "uden for målgruppen"],
]
INTERVIEWS: Rows = [
    ["interview_id", "practice_id", "informant_id", "informant_role", "date"],
    ["I1", "P1", "P1-L", "leder", "2017-03-01"],
    ["I2", "P1", "P1-M", "medarbejder", "2017-03-02"],
]
CODINGS: Rows = [
    ["interview_id", "coder_id", "item_id", "response", "note"],
    ["I1", "K1", "teori_1", "3", ""],
    ["I1", "K1", "teori_2", "Ved ikke", "usikker"],
    ["I1", "K2", "teori_1", "I høj grad", ""],
    ["I1", "K1", "sikker_1", "nej", ""],
    ["I2", "K1", "teori_1", "4", ""],
]


#: ``study.yml`` with which ``run`` goes through on the small study: it has one eligible practice (P1), so
#: the screening stage can draw a sample of one, without strata (``validate`` checks that, issue 18).
RUNNABLE_STUDY_YML = (
    "title: Lille teststudie\nlanguage: da\nseed: 7\nparameters: {screening: {n_select: 1, strata: []}}\n"
)


def write_csv(path: Path, rows: Rows, *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as stream:
        csv.writer(stream, delimiter=delimiter).writerows(rows)
    return path


def make_study(root: Path, **tables: Rows | None) -> Path:
    """A valid small study in ``root``; a keyword replaces one table (``None`` leaves it out)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "study.yml").write_text("title: Lille teststudie\nlanguage: da\nseed: 7\n", encoding="utf-8")
    defaults = {"candidates": CANDIDATES, "screening": SCREENING, "interviews": INTERVIEWS, "codings": CODINGS}
    for name, rows in {**defaults, **tables}.items():
        if rows is not None:
            write_csv(root / f"{name}.csv", rows)
    return root


def with_row(rows: Rows, *extra: Sequence[object]) -> list[list[object]]:
    return [list(r) for r in rows] + [list(e) for e in extra]


def only_problem(study: Path) -> Problem:
    problems = validate_study(study)
    assert len(problems) == 1, problems
    return problems[0]


# --- a clean study --------------------------------------------------------------------------------------


def test_clean_study_loads_typed(tmp_path: Path) -> None:
    study = Study.load(make_study(tmp_path / "s"))
    assert study.config.title == "Lille teststudie" and study.config.seed == 7
    codings = study.codings.set_index(["interview_id", "coder_id", "item_id"])
    assert codings.loc[("I1", "K1", "teori_1"), "value"] == 3
    assert pd.isna(codings.loc[("I1", "K1", "teori_2"), "value"])
    assert codings.loc[("I1", "K1", "teori_2"), "missing_code"] == "ved_ikke"
    assert codings.loc[("I1", "K2", "teori_1"), "value"] == 4  # the label 'I høj grad' is code 4
    assert codings.loc[("I1", "K1", "sikker_1"), "screen_answer"] == "nej"
    assert pd.isna(codings.loc[("I1", "K1", "sikker_1"), "value"])
    assert set(study.codings["delimitation_id"]) == {"main"}
    assert study.screening["decision"].tolist() == ["include", "include", "exclude", "exclude"]
    assert study.candidates.loc[0, "purpose"] == "forebyggende;behandlende"
    assert study.candidates.loc[0, "provider"] == "Børnehuset Ærø"
    assert study.interviews["date"].dt.year.tolist() == [2017, 2017]
    assert study.delimitations is None
    assert set(study.checksums()) == {"study.yml", "candidates.csv", "screening.csv", "interviews.csv", "codings.csv"}


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = make_study(tmp_path / "clean")
    (clean / "study.yml").write_text(RUNNABLE_STUDY_YML, encoding="utf-8")
    assert main(["validate", str(clean)]) == 0
    broken = make_study(tmp_path / "broken", codings=with_row(CODINGS, ["I9", "K1", "teori_9", "5", ""]))
    assert main(["validate", str(broken)]) == 1
    err = capsys.readouterr().err
    # one run reports all problems: unknown interview, unknown item and out-of-scale response on one row
    assert "3 problemer" in err
    assert "codings.csv, række 7, kolonne 'interview_id'" in err
    assert "codings.csv, række 7, kolonne 'item_id'" in err
    assert "codings.csv, række 7, kolonne 'response'" in err


# --- bad input, one kind per test --------------------------------------------------------------------------


def test_missing_required_column(tmp_path: Path) -> None:
    rows = [r[:3] + r[4:] for r in INTERVIEWS]  # informant_role dropped
    problem = only_problem(make_study(tmp_path / "s", interviews=rows))
    assert (problem.file, problem.column, problem.row) == ("interviews.csv", "informant_role", None)
    assert "mangler den påkrævede kolonne" in problem.problem
    assert "informant_role" in problem.expected


def test_unknown_item_id(tmp_path: Path) -> None:
    problem = only_problem(make_study(tmp_path / "s", codings=with_row(CODINGS, ["I2", "K1", "teori_7", "2", ""])))
    assert (problem.file, problem.row, problem.column, problem.value) == ("codings.csv", 7, "item_id", "teori_7")
    assert "spørgsmåls-id fra instrumentet" in problem.expected


def test_out_of_scale_response(tmp_path: Path) -> None:
    problem = only_problem(make_study(tmp_path / "s", codings=with_row(CODINGS, ["I2", "K1", "teori_2", "5", ""])))
    assert (problem.file, problem.row, problem.column, problem.value) == ("codings.csv", 7, "response", "5")
    assert "1–4" in problem.expected and "ved_ikke" in problem.expected


def test_same_item_coded_twice_by_one_coder(tmp_path: Path) -> None:
    problems = validate_study(make_study(tmp_path / "s", codings=with_row(CODINGS, ["I1", "K1", "teori_1", "2", ""])))
    assert [(p.row, p.column) for p in problems] == [
        (2, "interview_id, coder_id, item_id, delimitation_id"),
        (7, "interview_id, coder_id, item_id, delimitation_id"),
    ]
    assert "også række 7" in problems[0].problem and "også række 2" in problems[1].problem
    assert problems[0].value == "I1 / K1 / teori_1 / "


def test_coding_for_unknown_interview(tmp_path: Path) -> None:
    problem = only_problem(make_study(tmp_path / "s", codings=with_row(CODINGS, ["I3", "K1", "teori_1", "2", ""])))
    assert (problem.row, problem.column, problem.value) == (7, "interview_id", "I3")
    assert problem.expected == "et interview_id fra interviews"


def test_interview_for_unknown_practice(tmp_path: Path) -> None:
    problem = only_problem(
        make_study(tmp_path / "s", interviews=with_row(INTERVIEWS, ["I3", "P9", "P9-L", "leder", ""]))
    )
    assert (problem.file, problem.row, problem.column, problem.value) == ("interviews.csv", 4, "practice_id", "P9")
    assert problem.expected == "et practice_id fra candidates"


def test_empty_file(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    (study / "screening.csv").write_bytes(b"")
    problem = only_problem(study)
    assert (problem.file, problem.problem) == ("screening.csv", "filen er tom")
    assert "practice_id" in problem.expected


def test_danish_semicolon_csv_with_decimal_commas(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    rows = [list(INTERVIEWS[0]) + ["duration_minutes"], list(INTERVIEWS[1]) + ["62,5"], list(INTERVIEWS[2]) + ["45"]]
    write_csv(study / "interviews.csv", rows, delimiter=";", encoding="cp1252")
    loaded = Study.load(study)
    assert loaded.interviews["duration_minutes"].tolist() == [62.5, 45.0]
    # a bad number in the same file names its spreadsheet row
    rows[2][-1] = "fem kvarter"
    write_csv(study / "interviews.csv", rows, delimiter=";", encoding="cp1252")
    problem = only_problem(study)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "interviews.csv",
        3,
        "duration_minutes",
        "fem kvarter",
    )
    assert "decimalkomma" in problem.expected


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8-sig"])
def test_latin1_and_bom_files_keep_aeoeaa(tmp_path: Path, encoding: str) -> None:
    study = make_study(tmp_path / "s")
    write_csv(study / "candidates.csv", CANDIDATES, encoding=encoding)
    loaded = Study.load(study)
    # the BOM does not stick to the first column's name, and æøå survive either encoding
    assert loaded.candidates.columns[0] == "practice_id"
    assert loaded.candidates["provider"].tolist() == ["Børnehuset Ærø", "Red Barnet"]
    assert loaded.candidates["purpose"].tolist() == ["forebyggende;behandlende", "rådgivende"]


def _xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def test_xlsx_header_below_title_block_and_extra_sheets(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s", codings=None)
    title_block: Rows = [["Kodeark – lovende praksis"], ["Koder: K1"], []]
    numeric = [[r[0], r[1], r[2], int(r[3]) if r[3].isdigit() else r[3], r[4]] for r in CODINGS[1:]]
    _xlsx(
        study / "codings.xlsx",
        {
            "Vejledning": [["Sådan koder du"], ["Vælg et svar i listen"]],
            "Kodning": [*title_block, CODINGS[0], *numeric],
            "lister": [["Slet ikke"], ["I høj grad"]],
        },
    )
    loaded = Study.load(study)
    values = loaded.codings["value"]
    assert values.iloc[0] == 3 and pd.isna(values.iloc[1]) and values.iloc[2] == 4  # '3', 'Ved ikke', 'I høj grad'
    assert loaded.codings["missing_code"].iloc[1] == "ved_ikke"
    assert loaded.codings["response"].iloc[0] == "3"  # Excel's stored 3 (a number) reads as the code '3'
    # a bad cell is reported at its row in the sheet: header on row 4, first data row 5
    numeric[1][3] = "måske"
    _xlsx(study / "codings.xlsx", {"Kodning": [*title_block, CODINGS[0], *numeric]})
    problem = only_problem(study)
    assert (problem.file, problem.row, problem.column, problem.value) == ("codings.xlsx", 6, "response", "måske")


def test_xlsx_with_two_sheets_that_both_look_like_the_table(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s", codings=None)
    _xlsx(study / "codings.xlsx", {"K1": list(CODINGS), "K2": list(CODINGS)})
    problem = only_problem(study)
    assert problem.file == "codings.xlsx" and "flere ark" in problem.problem and "K1, K2" in problem.problem


def test_xlsx_without_the_table(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s", codings=None)
    _xlsx(study / "codings.xlsx", {"Ark1": [["a", "b"], [1, 2]]})
    problem = only_problem(study)
    assert problem.file == "codings.xlsx" and "intet ark" in problem.problem and "Ark1" in problem.problem


def test_column_with_real_names_is_refused(tmp_path: Path) -> None:
    rows = [list(r) + [n] for r, n in zip(INTERVIEWS, ["navn", "Mette Hansen", "Jens Jensen"], strict=True)]
    problem = only_problem(make_study(tmp_path / "s", interviews=rows))
    assert (problem.file, problem.column, problem.row) == ("interviews.csv", "navn", None)
    assert "pseudonymer" in problem.problem and "pseudonym" in problem.expected


def test_informant_id_that_reads_like_a_real_name(tmp_path: Path) -> None:
    problem = only_problem(
        make_study(
            tmp_path / "s", interviews=with_row(INTERVIEWS, ["I3", "P1", "Mette Hansen", "samarbejdspartner", ""])
        )
    )
    assert (problem.row, problem.column, problem.value) == (4, "informant_id", "Mette Hansen")
    assert "pseudonym" in problem.expected


def test_mixed_types_in_response_column(tmp_path: Path) -> None:
    codings = with_row(
        CODINGS,
        ["I2", "K1", "teori_2", "2.5", ""],
        ["I2", "K1", "teori_3", "high", ""],
        ["I2", "K1", "maal_1", "3.0", ""],
    )
    problems = validate_study(make_study(tmp_path / "s", codings=codings))
    # 3.0 is how a spreadsheet stores the code 3 and is accepted; 2.5 and 'high' are not responses
    assert [(p.row, p.column, p.value) for p in problems] == [(7, "response", "2.5"), (8, "response", "high")]


def test_study_yml_that_is_not_valid_yaml(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    (study / "study.yml").write_text("title: Lille teststudie\nlanguage: [da\nseed: 7\n", encoding="utf-8")
    problem = only_problem(study)
    assert problem.file == "study.yml" and "ikke gyldig YAML" in problem.problem and problem.row is not None


def test_study_yml_with_bad_values(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    (study / "study.yml").write_text("language: fr\nseed: -3\n", encoding="utf-8")
    problems = validate_study(study)
    assert [(p.column, p.value) for p in problems] == [("title", None), ("language", "fr"), ("seed", -3)]


def test_screen_item_and_scored_items_take_their_own_answers(tmp_path: Path) -> None:
    codings = with_row(CODINGS, ["I2", "K1", "sikker_1", "3", ""], ["I2", "K1", "teori_2", "ja", ""])
    problems = validate_study(make_study(tmp_path / "s", codings=codings))
    assert [(p.row, p.column, p.value) for p in problems] == [(7, "response", "3"), (8, "response", "ja")]
    assert "ja/nej" in problems[0].expected


def test_vocabulary_errors_in_several_tables_in_one_run(tmp_path: Path) -> None:
    candidates = with_row(
        CANDIDATES,
        ["P3", "Mentorordning", "Kofoeds Skole", "forening", "København", "voksne", "behandlende, helbredende"],
    )
    screening = with_row(SCREENING, ["P3", "S1", "maalgruppe", "måske", ""])
    interviews = with_row(INTERVIEWS, ["I3", "P2", "P2-B", "borger", "1. marts 2017"])
    problems = validate_study(
        make_study(tmp_path / "s", candidates=candidates, screening=screening, interviews=interviews)
    )
    found = {(p.file, p.row, p.column, p.value) for p in problems}
    assert found == {
        ("candidates.csv", 4, "provider_type", "forening"),
        ("candidates.csv", 4, "purpose", "behandlende, helbredende"),
        ("screening.csv", 6, "decision", "måske"),
        ("interviews.csv", 4, "informant_role", "borger"),
        ("interviews.csv", 4, "date", "1. marts 2017"),
    }


def test_duplicate_practice_id_and_empty_required_cell(tmp_path: Path) -> None:
    candidates = with_row(CANDIDATES, ["P2", "", "Red Barnet", "organisation", "Red Barnet", "unge", "rådgivende"])
    problems = validate_study(make_study(tmp_path / "s", candidates=candidates))
    assert {(p.row, p.column) for p in problems} == {(3, "practice_id"), (4, "practice_id"), (4, "name")}
    empty = next(p for p in problems if p.column == "name")
    assert empty.problem == "tomt felt" and "må ikke være tomt" in empty.expected


def test_missing_table_and_two_files_for_one_table(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s", screening=None)
    write_csv(study / "codings.xlsx", [["x"]])  # a second file for the codings table
    problems = validate_study(study)
    assert {(p.file, p.problem.split(":")[0]) for p in problems} == {
        ("screening", "tabellen mangler"),
        ("codings.csv", "tabellen 'codings' findes i flere filer"),
    }


def test_ragged_csv_row(tmp_path: Path) -> None:
    problem = only_problem(
        make_study(
            tmp_path / "s",
            interviews=with_row(INTERVIEWS, ["I3", "P1", "P1-S", "samarbejdspartner", "2017-03-04", "ekstra"]),
        )
    )
    assert (problem.file, problem.row) == ("interviews.csv", 4) and "6 felter" in problem.problem


def test_delimitations_keys(tmp_path: Path) -> None:
    delimitations: Rows = [["delimitation_id", "practice_id", "label"], ["D1", "P1", "bred"], ["D2", "P2", "smal"]]
    codings = [list(r) + [d] for r, d in zip(CODINGS, ["delimitation_id", "", "", "D1", "", "D2"], strict=True)]
    study = make_study(tmp_path / "s", codings=codings, delimitations=delimitations)
    problem = only_problem(study)  # D2 belongs to P2, interview I2 is about P1
    assert (problem.row, problem.column, problem.value) == (6, "delimitation_id", "D2")
    codings[5][5] = "D7"
    problem = only_problem(make_study(tmp_path / "t", codings=codings, delimitations=delimitations))
    assert (problem.row, problem.column, problem.value) == (6, "delimitation_id", "D7")


def test_spss_codings_with_numeric_missing_codes(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s", codings=None)
    frame = pd.DataFrame(
        {
            "interview_id": ["I1", "I1", "I2"],
            "coder_id": ["K1", "K1", "K1"],
            "item_id": ["teori_1", "teori_2", "teori_1"],
            "response": [3.0, 7.0, 4.0],
        }
    )
    pyreadstat.write_sav(frame, str(study / "codings.sav"), variable_value_labels={"response": {7.0: "Ved ikke"}})
    loaded = Study.load(study)
    assert loaded.codings["value"].tolist()[0] == 3 and loaded.codings["value"].tolist()[2] == 4
    assert loaded.codings["missing_code"].tolist()[1] == "ved_ikke"
    frame.loc[2, "response"] = 6.0
    pyreadstat.write_sav(frame, str(study / "codings.sav"))
    problem = only_problem(study)
    # SPSS shows cases numbered from 1
    assert (problem.file, problem.row, problem.column, problem.value) == ("codings.sav", 3, "response", "6")


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s", codings=with_row(CODINGS, ["I9", "K1", "teori_1", "9", ""]))
    with pytest.raises(InputError) as caught:
        Study.load(study)
    assert len(caught.value.problems) == 2
    assert "codings.csv, række 7, kolonne 'interview_id': ugyldig værdi (fandt 'I9')" in str(caught.value)


def test_study_yml_parameters_must_be_a_mapping(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s")
    (study / "study.yml").write_text("title: Lille teststudie\nparameters: [n_select, 14]\n", encoding="utf-8")
    problem = only_problem(study)
    assert (problem.file, problem.column, problem.value) == ("study.yml", "parameters", ["n_select", 14])
    assert "mapping" in problem.problem and "n_select" in problem.expected


# --- validated once per run ---------------------------------------------------------------------------


@pytest.fixture
def kept_study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Study]:
    """A study validated and kept as the runner keeps it, named in the environment as for its kernels."""
    from lovende_research.study import VALIDATED_STUDY_ENV, keep_validated

    folder = make_study(tmp_path / "s", delimitations=None)
    study = Study.load(folder)
    kept = keep_validated(study, tmp_path / "processed" / ".validated-study.pickle")
    monkeypatch.setenv(VALIDATED_STUDY_ENV, str(kept))
    return folder, study


def _count_validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    import lovende_research.study as study_module

    calls: list[Path] = []
    real = study_module._read_and_check
    monkeypatch.setattr(
        study_module, "_read_and_check", lambda folder, stage=None: calls.append(folder) or real(folder, stage)
    )
    return calls


def test_kept_study_is_taken_back_without_validating_again(
    kept_study, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder, study = kept_study
    calls = _count_validations(monkeypatch)
    monkeypatch.chdir(tmp_path / "processed")  # a kernel runs in the notebooks' folder, with an absolute study path
    again = Study.load(folder.resolve())
    assert calls == []
    pd.testing.assert_frame_equal(again.codings, study.codings, check_exact=True)
    pd.testing.assert_frame_equal(again.candidates, study.candidates, check_exact=True)
    assert again.config == study.config and again.checksums() == study.checksums()


def test_edited_table_is_validated_again(kept_study, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _ = kept_study
    write_csv(folder / "codings.csv", with_row(CODINGS, ["I2", "K1", "teori_2", "7", ""]))  # 7 is off the scale
    with pytest.raises(InputError) as caught:
        Study.load(folder)
    assert any(p.file == "codings.csv" and p.column == "response" for p in caught.value.problems)


@pytest.mark.parametrize("change", ["table added", "other folder", "kept file damaged", "study.yml edited"])
def test_kept_study_is_not_used_when_in_doubt(
    kept_study, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, change: str
) -> None:
    from lovende_research.study import VALIDATED_STUDY_ENV

    folder, _ = kept_study
    if change == "table added":
        write_csv(
            folder / "delimitations.csv",
            [["delimitation_id", "practice_id", "label"], ["main", "P1", "hele praksissen"]],
        )
    elif change == "other folder":
        folder = make_study(tmp_path / "same-tables-elsewhere", delimitations=None)
    elif change == "kept file damaged":
        kept = Path(os.environ[VALIDATED_STUDY_ENV])
        kept.write_bytes(kept.read_bytes()[:100])
    else:
        (folder / "study.yml").write_text("title: Et andet studie\nlanguage: da\nseed: 7\n", encoding="utf-8")
    calls = _count_validations(monkeypatch)
    loaded = Study.load(folder)
    assert len(calls) == 1
    if change == "study.yml edited":
        assert loaded.config.title == "Et andet studie"
