"""The round trip: a simulated study written as a REFI-QDA project and read back gives exactly its codings;
the project in the study folder is read as the codings table; ``lovende import-qdpx`` writes codings and quotes."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from lovende_research.cli import main
from lovende_research.errors import InputError
from lovende_research.qda import read_project
from lovende_research.qda.commands import import_project
from lovende_research.qda.writer import project_bytes, responses, write_study_project
from lovende_research.simulate import SimulationSpec, simulate_study
from lovende_research.study import Study

KEYS = ["interview_id", "coder_id", "item_id", "delimitation_id"]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = simulate_study(tmp_path_factory.mktemp("sim") / "lille", SimulationSpec.preset("small"), seed=5)
    write_study_project(folder)
    return folder


def _expected(study: Study) -> pd.DataFrame:
    """The study's codings as (keys, answer): the answer as the codebook names it, main delimitation as ''."""
    frame = study.codings.assign(response=responses(study.codings, study.instrument))
    frame["delimitation_id"] = frame["delimitation_id"].replace("main", "")
    return frame[[*KEYS, "response"]].astype(str).sort_values(KEYS).reset_index(drop=True)


def test_reading_the_written_project_gives_exactly_the_simulated_codings(simulated: Path) -> None:
    study = Study.load(simulated)
    project = read_project(simulated / "qda" / "lille.qdpx", study.instrument)
    expected = _expected(study)
    got = project.codings[[*KEYS, "response"]].sort_values(KEYS).reset_index(drop=True)
    assert len(expected) > 500 and set(expected["delimitation_id"]) > {""}  # alternative delimitations too
    assert {"ved_ikke", "ja"} & set(expected["response"])  # missing codes or the screen answers travel as well
    pd.testing.assert_frame_equal(got, expected)
    # every coded segment is one quote, of template text
    assert len(project.quotes) == len(expected) and project.quotes["text"].str.len().min() > 20
    assert project.foreign_codes.empty


def test_the_same_study_gives_the_same_bytes(simulated: Path) -> None:
    study = Study.load(simulated)
    assert project_bytes(study.codings, study.instrument, "x") == project_bytes(study.codings, study.instrument, "x")


def test_a_project_in_the_study_folder_is_read_as_its_codings(simulated: Path, tmp_path: Path) -> None:
    original = Study.load(simulated)
    folder = tmp_path / "fra_qda"
    shutil.copytree(simulated, folder, ignore=shutil.ignore_patterns("qda"))
    (folder / "codings.csv").unlink()
    shutil.copy(simulated / "qda" / "lille.qdpx", folder / "codings.qdpx")
    study = Study.load(folder)
    assert study.files["codings"].name == "codings.qdpx"
    columns = [*KEYS, "value", "missing_code", "screen_answer"]
    pd.testing.assert_frame_equal(
        study.codings[columns].sort_values(KEYS).reset_index(drop=True),
        original.codings[columns].sort_values(KEYS).reset_index(drop=True),
    )


def test_an_unpacked_project_qde_with_its_sources_is_read_too(simulated: Path, tmp_path: Path) -> None:
    folder = tmp_path / "udpakket"
    shutil.copytree(simulated, folder, ignore=shutil.ignore_patterns("qda"))
    (folder / "codings.csv").unlink()
    with zipfile.ZipFile(simulated / "qda" / "lille.qdpx") as archive:
        archive.extractall(folder)
    (folder / "project.qde").rename(folder / "codings.qde")
    assert (folder / "Sources").is_dir()
    assert _expected(Study.load(folder)).equals(_expected(Study.load(simulated)))


def test_a_broken_project_in_the_study_folder_is_a_problem_not_a_traceback(simulated: Path, tmp_path: Path) -> None:
    folder = tmp_path / "brudt"
    shutil.copytree(simulated, folder, ignore=shutil.ignore_patterns("qda"))
    (folder / "codings.csv").unlink()
    (folder / "codings.qdpx").write_bytes(b"PK\x03\x04 half a file")
    with pytest.raises(InputError, match="codings.qdpx.*zip"):
        Study.load(folder)


def test_simulate_and_import_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(tmp_path / "s"), "--preset", "small", "--seed", "6", "--qdpx"]) == 0
    archive = tmp_path / "s" / "qda" / "s.qdpx"
    assert zipfile.is_zipfile(archive)
    assert main(["import-qdpx", str(archive), str(tmp_path / "s"), "--processed", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    codings = pd.read_csv(tmp_path / "p" / "s" / "qda" / "codings.csv", dtype=str, keep_default_na=False)
    quotes = pd.read_parquet(tmp_path / "p" / "s" / "qda" / "quotes.parquet")
    assert f"{len(codings)} kodninger" in out and len(quotes) == len(codings)
    assert _expected(Study.load(tmp_path / "s")).equals(
        codings[[*KEYS, "response"]].sort_values(KEYS).reset_index(drop=True)
    )


def test_import_refuses_sources_of_interviews_the_study_does_not_have(
    simulated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = simulate_study(tmp_path / "andet", SimulationSpec.preset("small"), seed=9)
    interviews = pd.read_csv(other / "interviews.csv", dtype=str)
    interviews["interview_id"] = "X" + interviews["interview_id"]
    interviews.to_csv(other / "interviews.csv", index=False)
    assert (
        main(["import-qdpx", str(simulated / "qda" / "lille.qdpx"), str(other), "--processed", str(tmp_path / "p")])
        == 1
    )
    assert "lille.qdpx: kilden hører til interviewet" in capsys.readouterr().err
    with pytest.raises(InputError) as caught:
        import_project(simulated / "qda" / "lille.qdpx", other, tmp_path / "p")
    english = caught.value.problems[0].render("en")
    assert english.startswith("lille.qdpx: the source belongs to the interview '") and english.endswith(
        "', which interviews.csv lacks; expected: one source per interview, named by its interview_id or by the "
        "case variable interview_id"
    )
