"""What ``lovende codebook`` and ``lovende import-qdpx`` do with a study folder (the CLI is a thin shell)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lovende_research.config import PROCESSED_DIR
from lovende_research.errors import InputError, Problem, Text
from lovende_research.io import atomic_write_text, csv_safe_frame, write_parquet
from lovende_research.qda.codebook import write_codebook
from lovende_research.qda.project import read_project
from lovende_research.study import instrument_for
from lovende_research.study_config import read_config
from lovende_research.tables import find_table_file, read_table

#: Inside ``<processed>/<study>/``: the folder an import writes (not a stage's folder, which a run
#: replaces whole, so quotes written into ``scores/`` would be lost at the next ``lovende run``).
QDA_DIR = "qda"
QUOTES_FILE = "quotes.parquet"


def study_codebook(study_dir: Path, out: Path | None = None, processed: Path = PROCESSED_DIR) -> Path:
    """Write the study's instrument as ``<processed>/<study>/qda/<study>-codebook.qdc`` (or ``out``), in its language."""
    study_dir = Path(study_dir)
    config = read_config(study_dir)
    target = out if out is not None else processed / study_dir.name / QDA_DIR / f"{study_dir.name}-codebook.qdc"
    return write_codebook(instrument_for(study_dir, config), target, config.language)


@dataclass(frozen=True)
class ImportResult:
    codings_file: Path
    quotes_file: Path
    n_codings: int
    n_quotes: int
    foreign_codes: pd.DataFrame
    origin: str


def import_project(project_file: Path, study_dir: Path, processed: Path = PROCESSED_DIR) -> ImportResult:
    """Read ``project_file`` against the study's instrument and interviews; write its codings and quotes.

    ``<processed>/<study>/qda/codings.csv`` is the codings table (copy it into the study folder, or put the
    project there as ``codings.qdpx``); ``quotes.parquet`` beside it holds the coded segments the practice
    pages show with ``show_quotes: true``. A source whose interview the study does not have is an error.
    """
    study_dir = Path(study_dir)
    config = read_config(study_dir)
    project = read_project(project_file, instrument_for(study_dir, config))
    interviews_file = find_table_file(study_dir, "interviews")
    if interviews_file is not None:
        known = set(
            read_table(interviews_file, "interviews", ["interview_id"]).frame["interview_id"].astype(str).str.strip()
        )
        unknown = sorted(set(project.codings["interview_id"]) - known)
        if unknown:
            raise InputError(
                [
                    Problem(
                        Path(project_file).name,
                        Text(
                            f"kilden hører til interviewet '{interview}', som {interviews_file.name} ikke har",
                            f"the source belongs to the interview '{interview}', which {interviews_file.name} lacks",
                        ),
                        expected=Text(
                            "en kilde pr. interview, navngivet med interview_id eller med case-variablen interview_id",
                            "one source per interview, named by its interview_id or by the case variable interview_id",
                        ),
                    )
                    for interview in unknown
                ]
            )
    folder = processed / study_dir.name / QDA_DIR
    codings_file = atomic_write_text(folder / "codings.csv", csv_safe_frame(project.codings).to_csv(index=False))
    quotes_file = write_parquet(project.quotes, folder / QUOTES_FILE)
    return ImportResult(
        codings_file, quotes_file, len(project.codings), len(project.quotes), project.foreign_codes, project.origin
    )
