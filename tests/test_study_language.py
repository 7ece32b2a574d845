"""`validate`, its problems and the command line's errors in the study's language, or `--lang` (issue 18, part 6).

One bad study, three kinds of problem: a reader's (a PNG saved as `screening.csv`), a table check's (a
role in neither language) and a key check's (a coding of an unknown interview). The expected lines are
written out by hand; an English run must carry no Danish word of the old messages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lovende_research.cli import main
from lovende_research.config import RAW_DIR
from lovende_research.errors import InputError, LovendeError, in_language
from lovende_research.io import refuse_raw
from lovende_research.study import Study, validate_study
from lovende_research.study_config import CONFIG_KEYS
from tests.test_study import CODINGS, INTERVIEWS, make_study, with_row

#: Words of the Danish messages that must not reach an English reader.
DANISH = re.compile(r"\b(række|kolonne|fandt|forventet|ugyldig|problemer|fejl|filen|tabellen|eller|ikke)\b")


@pytest.fixture
def bad_study(tmp_path: Path) -> Path:
    interviews = [list(r) for r in INTERVIEWS]
    interviews[2][3] = "boss"
    study = make_study(
        tmp_path / "s", interviews=interviews, codings=with_row(CODINGS, ["I9", "K1", "teori_2", "2", ""])
    )
    (study / "screening.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    return study


def validate(study: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> list[str]:
    assert main(["validate", str(study), *flags]) == 1
    return capsys.readouterr().err.splitlines()


def test_validate_in_danish_by_default(bad_study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = validate(bad_study, capsys)
    assert lines[0] == f"{bad_study}: 3 problemer"
    assert lines[1:] == [
        "  - screening.csv: filen er ikke en CSV-tekstfil, men ser ud til at være et PNG-billede; forventet: en CSV-tekstfil",
        "  - interviews.csv, række 3, kolonne 'informant_role': ugyldig værdi (fandt 'boss'); forventet: leder, medarbejder, "
        "samarbejdspartner, andet (eller manager, staff, partner, other)",
        "  - codings.csv, række 7, kolonne 'interview_id': ugyldig værdi (fandt 'I9'); forventet: et interview_id fra interviews",
    ]


def test_validate_in_english_with_lang(bad_study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = validate(bad_study, capsys, "--lang", "en")
    assert lines == [
        f"{bad_study}: 3 problems",
        "  - screening.csv: the file is not a CSV text file but looks like a PNG image; expected: a CSV text file",
        "  - interviews.csv, row 3, column 'informant_role': invalid value (found 'boss'); expected: manager, staff, partner, "
        "other (or leder, medarbejder, samarbejdspartner, andet)",
        "  - codings.csv, row 7, column 'interview_id': invalid value (found 'I9'); expected: an interview_id from interviews",
    ]


def test_the_studys_language_decides_and_lang_overrides_it(bad_study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bad_study / "study.yml").write_text("title: An English study\nlanguage: en\nseed: 7\n", encoding="utf-8")
    english = validate(bad_study, capsys)
    assert english[0].endswith(": 3 problems") and not any(
        DANISH.search(line.replace(str(bad_study), "")) for line in english
    )
    assert validate(bad_study, capsys, "--lang", "da")[0].endswith(": 3 problemer")


def test_the_error_prefix_and_an_input_error_follow_the_language(
    bad_study: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["workbooks", str(bad_study), "--coders", "K1", "--out", str(tmp_path / "out"), "--lang", "en"]) == 1
    english = capsys.readouterr().err
    # workbooks reads every table but the codings: two of the three problems.
    assert english.startswith("error: 2 problems in the input:\n  - screening.csv: the file is not a CSV text file")
    assert not DANISH.search(english.replace(str(bad_study), ""))
    assert main(["workbooks", str(bad_study), "--coders", "K1", "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.startswith(
        "fejl: 2 problemer i input:\n  - screening.csv: filen er ikke en CSV-tekstfil"
    )
    assert main(["workbooks", str(bad_study), "--coders", "../K1", "--lang", "en"]) == 1
    assert capsys.readouterr().err.startswith("error: 2 problems")  # the study is checked before the coders


def test_problems_keep_their_danish_text_for_code_that_reads_them(bad_study: Path) -> None:
    problems = validate_study(bad_study)
    assert [p.problem for p in problems][1:] == ["ugyldig værdi", "ugyldig værdi"]
    with pytest.raises(InputError) as caught:
        Study.load(bad_study)
    assert str(caught.value).startswith("3 problemer i input:")
    assert caught.value.render("en").startswith("3 problems in the input:")


def test_new_study_refusal_and_an_unknown_key_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("x", encoding="utf-8")
    assert main(["new-study", str(tmp_path / "taken"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("error: ")
        and "exists already and is not empty (1 entry: notes.txt)" in err
        and not DANISH.search(err.replace(str(tmp_path), ""))
    )
    study = make_study(tmp_path / "s")
    (study / "study.yml").write_text("title: T\nlanguage: en\nsed: 7\n", encoding="utf-8")
    lines = validate(study, capsys)
    assert (
        lines[1]
        == "  - study.yml, row 3, column 'sed': unknown key 'sed'; expected: 'seed' (known keys: "
        + ", ".join(CONFIG_KEYS)
        + ")"
    )


def test_parameter_problems_and_the_raw_guard_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the runner's parameter checks reach validate in the study's language, as the readers' problems do
    study = make_study(tmp_path / "s")
    (study / "study.yml").write_text(
        "title: T\nlanguage: en\nseed: 7\nparameters:\n  scoring: {n_boot: many}\n  n_bootx: 3\n", encoding="utf-8"
    )
    lines = validate(study, capsys)
    assert any("the parameter 'n_boot' in 02_interview_coding must be int, got 'many'" in line for line in lines), lines
    assert any("no notebook has the parameter 'n_bootx'" in line for line in lines), lines
    assert not any(DANISH.search(line.replace(str(study), "")) for line in lines), lines
    danish = validate(study, capsys, "--lang", "da")
    assert any("parameteren 'n_boot' i 02_interview_coding skal være int, fik 'many'" in line for line in danish), (
        danish
    )
    # the guard of data/raw/ speaks the user's language too
    with pytest.raises(LovendeError) as caught:
        refuse_raw(RAW_DIR / "x.csv")
    assert in_language(caught.value.args[0], "en").endswith(
        "data/raw/ is read-only to the program; write under data/processed/ or reports/"
    )
    assert "skrivebeskyttet" in str(caught.value)
