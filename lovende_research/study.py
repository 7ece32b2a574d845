"""A study: its folder, its configuration, and its validated tables. The one loading path for every stage.

:meth:`Study.load` reads ``study.yml`` (:mod:`lovende_research.study_config`) and every table, masks what
``redact:`` lists, leaves out free-text notes unless the study opts in
(:mod:`lovende_research.personal_data`), checks all of them against their contracts and
against each other, and either returns typed frames or raises one
:class:`~lovende_research.errors.InputError` listing every problem it found. :func:`validate_study`
does the same checks and returns the problems instead, for ``lovende validate``.

Within one ``lovende run`` the study is validated once: the runner keeps the study it validated
(:func:`keep_validated`) and the stage notebooks' :meth:`Study.load` takes it back as long as the folder's
files are exactly as they were (:func:`_validated_for`); anywhere else, and at the slightest doubt, the
folder is read and checked again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lovende_research.codings_folder import FOLDER as CODINGS_FOLDER
from lovende_research.codings_folder import (
    codings_folder_conflict,
    has_codings_folder,
    read_codings_folder,
    workbook_files,
)
from lovende_research.config import PROCESSED_DIR, REPORTS_DIR
from lovende_research.errors import InputError, InstrumentError, Problem, Text, in_language
from lovende_research.instrument import Instrument, load_instrument
from lovende_research.io import atomic_write_bytes
from lovende_research.personal_data import NOTE_COLUMNS, name_warnings
from lovende_research.qda.project import PROJECT_SUFFIXES, project_table
from lovende_research.schemas import (
    CONSENSUS_CODERS,
    DECISIONS,
    MAIN_DELIMITATION,
    PROVIDER_TYPE_WORDS,
    ROLE_WORDS,
    TABLES,
    ResponseCodes,
    TableSpec,
    canonical,
    canonical_purposes,
    fold,
    parse_number,
    table_schema,
)
from lovende_research.spss import labelled_responses
from lovende_research.study_config import STUDY_FILE, StudyConfig, masked, read_config
from lovende_research.table_problems import (
    duplicate_decision_problems,
    reconciled_conflict_problems,
    response_item_mismatches,
    validate_raw_table,
)
from lovende_research.tables import RawTable, find_table_file, frame_of, read_table
from lovende_research.wide_codings import WIDE_KEYS, item_columns, located, long_codings


def instrument_for(study_dir: Path, config: StudyConfig) -> Instrument:
    """The study's instrument: the bundled one, or a file named relative to the study folder."""
    if config.instrument == "bundled":
        return load_instrument()
    try:
        return load_instrument(study_dir / config.instrument)
    except InstrumentError as exc:
        raise InputError.single(
            STUDY_FILE,
            Text(
                f"instrumentet kan ikke bruges: {exc}",
                f"the instrument cannot be used: {in_language(exc.args[0], 'en')}",
            ),
            column="instrument",
            value=config.instrument,
        ) from None


@dataclass
class Study:
    """A loaded, validated study. Build it with :meth:`Study.load`.

    Frames are typed and have a plain 0..n-1 index. ``codings`` carries the normalised columns
    ``value`` (scale code, nullable integer), ``missing_code`` and ``screen_answer`` described in
    ``docs/study-format.md``; ``screening.decision`` holds ``include``/``exclude``. The optional tables
    (``delimitations``, and the screening decisions ``duplicates`` and ``selected``) are ``None`` when
    the study has no such file.
    """

    path: Path
    config: StudyConfig
    instrument: Instrument
    candidates: pd.DataFrame
    screening: pd.DataFrame
    interviews: pd.DataFrame
    codings: pd.DataFrame
    delimitations: pd.DataFrame | None
    duplicates: pd.DataFrame | None
    selected: pd.DataFrame | None
    files: dict[str, Path]

    @property
    def name(self) -> str:
        return self.path.name

    def processed_dir(self, base: Path = PROCESSED_DIR) -> Path:
        return base / self.name

    def reports_dir(self, base: Path = REPORTS_DIR) -> Path:
        return base / self.name

    def checksums(self) -> dict[str, str]:
        """SHA-256 of every input file (study.yml, tables, a study-local instrument) for provenance."""
        paths = {
            STUDY_FILE: self.path / STUDY_FILE,
            **{p.relative_to(self.path).as_posix(): p for p in self.files.values()},
        }
        if self.config.instrument != "bundled":
            paths[self.config.instrument] = (
                self.path / self.config.instrument
            )  # named relative to the folder (instrument_for)
        return {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in sorted(paths.items())}

    @classmethod
    def load(cls, path: str | Path, stage: str | None = None) -> "Study":
        """Read and validate the study in ``path``; raise one :class:`InputError` listing every problem.

        With ``stage="screening"`` only the tables screening reads are read (:data:`STAGE_TABLES`), so
        a team can screen before any interview is coded; the others are then empty.

        In the stage notebooks of a ``lovende run`` this is the study the runner has just validated, when
        no file of the folder has changed since (see the module's docstring).
        """
        study_dir = Path(path)
        validated = _validated_for(study_dir)
        if validated is not None:
            return validated
        raws, config, instrument, problems = _read_and_check(study_dir, stage)
        if problems:
            raise InputError(problems)
        assert config is not None and instrument is not None  # guaranteed when there are no problems
        if not config.show_notes:
            raws = {name: _without_notes(raw) for name, raw in raws.items()}
        for name in ("interviews", "codings"):
            if name not in raws:  # a study validated for screening only
                raws[name] = RawTable(name, study_dir / name, frame_of(list(TABLES[name].columns), []))
        return cls(
            path=study_dir.resolve(),
            config=config,
            instrument=instrument,
            candidates=_typed_candidates(raws["candidates"]),
            screening=_typed_screening(raws["screening"]),
            interviews=_typed_interviews(raws["interviews"]),
            codings=_typed_codings(raws["codings"], instrument),
            delimitations=_optional(raws, "delimitations"),
            duplicates=_optional(raws, "duplicates"),
            selected=_optional(raws, "selected"),
            files=_table_files(study_dir),
        )


#: Names the file in which the runner keeps the study it validated, for its notebook kernels (which inherit
#: the runner's environment); unset outside a run.
VALIDATED_STUDY_ENV = "LOVENDE_VALIDATED_STUDY"


def keep_validated(study: Study, target: Path) -> Path:
    """Write ``study`` with the checksums of its files to ``target`` (atomically), for :func:`_validated_for`.

    Every stage notebook loads the study, and validating it is most of that (~0.25 s per kernel on the
    example study, several seconds at national scale); the runner has validated it already.
    """
    return atomic_write_bytes(target, pickle.dumps((study, study.checksums()), protocol=pickle.HIGHEST_PROTOCOL))


def _validated_for(study_dir: Path) -> Study | None:
    """The study named by :data:`VALIDATED_STUDY_ENV` if it is this folder's and its files are unchanged.

    Unchanged means the same table files are found (none added, removed or renamed) and ``study.yml``,
    every table and a study-local instrument have the checksums they had when it was validated. Anything
    else (no such file, another folder, an unreadable file) returns ``None``, and the caller validates.
    """
    kept = os.environ.get(VALIDATED_STUDY_ENV)
    if not kept:
        return None
    try:
        study, checksums = pickle.loads(Path(kept).read_bytes())
        if not isinstance(study, Study) or study.files != _table_files(
            study_dir
        ):  # absolute paths: this folder's files
            return None
        return study if study.checksums() == checksums else None
    except Exception:  # any doubt about the kept study means validating the folder again
        return None


def _table_files(study_dir: Path) -> dict[str, Path]:
    """The file holding each table that :meth:`Study.load` would read in ``study_dir`` now."""
    found = {spec.name: find_table_file(study_dir, spec.name, spec.suffixes) for spec in TABLES.values()}
    files = {name: file.resolve() for name, file in found.items() if file is not None}
    if has_codings_folder(study_dir):
        files.pop("codings", None)
        files.update({f"{CODINGS_FOLDER}/{p.name}": p.resolve() for p in workbook_files(study_dir / CODINGS_FOLDER)})
    return files


def validate_study(path: str | Path, stage: str | None = None) -> list[Problem]:
    """Every problem in the study folder (in the tables ``stage`` reads), or an empty list when it is clean."""
    return _read_and_check(Path(path), stage)[3]


def study_warnings(path: str | Path) -> list[Problem]:
    """Likely names of people in the study's tables (:func:`~lovende_research.personal_data.name_warnings`),
    after ``redact:`` has masked the ones the researchers listed. Warnings: the study may still be valid."""
    raws = _read_and_check(Path(path))[0]
    return [warning for name, raw in raws.items() for warning in name_warnings(raw, TABLES[name].columns)]


#: The tables a stage reads, for :meth:`Study.load` and ``lovende validate --stage`` (``None``: every table).
STAGE_TABLES: dict[str, tuple[str, ...] | None] = {
    "screening": ("candidates", "screening", "duplicates", "selected"),
    # What ``lovende workbooks`` pre-fills the coding sheets from: everything but the codings.
    "workbooks": ("candidates", "screening", "interviews", "delimitations", "duplicates", "selected"),
    "all": None,
}


def stage_tables(stage: str | None) -> tuple[str, ...]:
    """The names of the tables ``stage`` reads; an unknown stage is an error naming the known ones."""
    if stage is not None and stage not in STAGE_TABLES:
        raise InputError.single(
            "--stage",
            Text(f"ukendt trin '{stage}'", f"unknown stage '{stage}'"),
            expected=Text(" eller ".join(STAGE_TABLES), " or ".join(STAGE_TABLES)),
        )
    names = STAGE_TABLES.get(stage or "all")
    return tuple(TABLES) if names is None else names


def _read_and_check(
    study_dir: Path, stage: str | None = None
) -> tuple[dict[str, RawTable], StudyConfig | None, Instrument | None, list[Problem]]:
    if not study_dir.is_dir():
        return (
            {},
            None,
            None,
            [
                Problem(
                    str(study_dir),
                    Text("mappen findes ikke", "the folder does not exist"),
                    expected=Text("en studiemappe med study.yml", "a study folder with study.yml"),
                )
            ],
        )
    problems: list[Problem] = []
    config = instrument = None
    try:
        config = read_config(study_dir)
        instrument = instrument_for(study_dir, config)
    except InputError as exc:
        problems.extend(exc.problems)
    raws: dict[str, RawTable] = {}
    wanted = stage_tables(stage)
    for spec in TABLES.values():
        if spec.name not in wanted:
            continue
        try:
            file = find_table_file(study_dir, spec.name, spec.suffixes)
            if spec.name == "codings" and has_codings_folder(study_dir):
                if file is not None:
                    raise codings_folder_conflict(file)
                raws["codings"], found = read_codings_folder(study_dir / CODINGS_FOLDER)
                raws["codings"] = masked(raws["codings"], config.redact if config else ())
                problems.extend(found)
                continue
            if file is None:
                if spec.must_exist:
                    problems.append(
                        Problem(
                            spec.name,
                            Text("tabellen mangler", "the table is missing"),
                            expected=Text(
                                " eller ".join(f"{spec.name}{s}" for s in spec.suffixes),
                                " or ".join(f"{spec.name}{s}" for s in spec.suffixes),
                            ),
                        )
                    )
                continue
            # A wide codings sheet has no item_id/response header; its keys find the header row.
            header = WIDE_KEYS if spec.name == "codings" else spec.required
            if (
                file.suffix.lower() in PROJECT_SUFFIXES
            ):  # a coded REFI-QDA project as the codings (lovende_research.qda)
                if instrument is None:
                    continue  # its codes mean nothing without the instrument, whose problem is reported already
                raws[spec.name] = masked(project_table(file, instrument), config.redact if config else ())
                continue
            raws[spec.name] = masked(read_table(file, spec.name, header), config.redact if config else ())
        except InputError as exc:
            problems.extend(exc.problems)
    if instrument is None:
        return raws, config, instrument, problems
    if "codings" in raws:
        raws["codings"], found = _codings_as_long(raws["codings"], instrument)
        problems.extend(found)
    ids = {
        name: _ids(raws, name, column)
        for name, column in (
            ("candidates", "practice_id"),
            ("interviews", "interview_id"),
            ("delimitations", "delimitation_id"),
        )
    }
    for name, raw in raws.items():
        spec = TABLES[name]
        schema = table_schema(
            spec,
            instrument=instrument,
            practice_ids=ids["candidates"],
            interview_ids=ids["interviews"],
            delimitation_ids=ids["delimitations"] if "delimitations" in raws else set(),
            decimal_comma=raw.decimal_comma,
            spss=raw.is_spss,
        )
        table_problems = located(validate_raw_table(raw, schema, spec), raw)
        problems.extend(table_problems)
        if name == "duplicates" and {"practice_id", "duplicate_of"} <= set(raw.frame.columns):
            problems.extend(duplicate_decision_problems(raw.frame, raw.file))
        if name == "screening" and not table_problems:
            problems.extend(reconciled_conflict_problems(raw.frame, raw.file))
        interviewed = len(raws["interviews"].frame) if "interviews" in raws else 0
        if name == "codings" and raw.frame.empty and interviewed and not table_problems:
            # A study still at screening has neither interviews nor codings; interviews without a single
            # coding would fail the scoring stage with a message about something else.
            problems.append(
                Problem(
                    raw.file,
                    Text(
                        f"tabellen har kun en overskrift, men interviews har {interviewed} interview",
                        f"the table has only a header, but interviews has {interviewed} interviews",
                    ),
                    expected=Text("én række pr. interview × koder × spørgsmål", "one row per interview × coder × item"),
                )
            )
        if name == "codings" and not any(
            p.column in (None, "response", "item_id") and p.row is None for p in table_problems
        ):
            if {"response", "item_id"} <= set(raw.frame.columns):
                problems.extend(
                    located(
                        response_item_mismatches(raw.frame.astype(str), instrument, raw.file, spss=raw.is_spss), raw
                    )
                )
    if not problems and {"delimitations", "codings"} <= set(raws):
        problems.extend(located(_delimitation_practice_mismatches(raws), raws["codings"]))
    if not problems and "selected" in raws:
        problems.extend(_selection_problems(raws))
    return raws, config, instrument, problems


def _codings_as_long(raw: RawTable, instrument: Instrument) -> tuple[RawTable, list[Problem]]:
    """The codings with SPSS value labels applied (:mod:`lovende_research.spss`) and a wide layout made
    long (:mod:`lovende_research.wide_codings`), and the user-missing values the instrument cannot name."""
    items = item_columns(raw, instrument)
    codes = ResponseCodes.from_instrument(instrument, spss=raw.is_spss)
    raw, problems = labelled_responses(raw, instrument, set(codes.scored) | set(codes.screen), items or ["response"])
    return _without_unfilled_rows(long_codings(raw, items) if items else raw), problems


def _without_unfilled_rows(raw: RawTable) -> RawTable:
    """The codings without the template's unfilled rows: an item row of ``codings.xlsx`` in which no coder
    has typed an interview, a coder or an answer is not a coding yet (a study still screening has only
    those), while a row with any of the three typed is checked in full."""
    typed = [c for c in ("interview_id", "coder_id", "response") if c in raw.frame.columns]
    if len(typed) < 3 or raw.frame.empty:
        return raw
    unfilled = (raw.frame[typed].astype(str).apply(lambda column: column.str.strip()) == "").all(axis=1)
    return dataclasses.replace(raw, frame=raw.frame[~unfilled]) if unfilled.any() else raw


def _ids(raws: dict[str, RawTable], table: str, column: str) -> set[str] | None:
    """The ids a table defines, or ``None`` when the table is absent or has no such column (no key check then)."""
    raw = raws.get(table)
    if raw is None or column not in raw.frame.columns:
        return None
    return set(raw.frame[column].astype(str).str.strip())


def _delimitation_practice_mismatches(raws: dict[str, RawTable]) -> list[Problem]:
    """A coding under a delimitation must belong to the same practice as its interview."""
    codings = raws["codings"].frame
    if "delimitation_id" not in codings.columns:
        return []
    interviews, delimitations = raws["interviews"].frame, raws["delimitations"].frame
    practice_of_interview = pd.Series(
        interviews["practice_id"].str.strip().values, index=interviews["interview_id"].str.strip()
    )
    practice_of_delimitation = pd.Series(
        delimitations["practice_id"].str.strip().values, index=delimitations["delimitation_id"].str.strip()
    )
    delimitation = codings["delimitation_id"].astype(str).str.strip()
    coded = codings[~delimitation.isin(["", MAIN_DELIMITATION])]
    interview_practice = coded["interview_id"].astype(str).str.strip().map(practice_of_interview)
    delimitation_practice = delimitation[coded.index].map(practice_of_delimitation)
    wrong = coded.index[interview_practice.ne(delimitation_practice)]
    return [
        Problem(
            raws["codings"].file,
            Text(
                f"afgrænsningen hører til en anden praksis end interviewets ({interview_practice[row]})",
                f"the delimitation belongs to another practice than the interview's ({interview_practice[row]})",
            ),
            expected=Text(
                f"en afgrænsning af praksis {interview_practice[row]}",
                f"a delimitation of practice {interview_practice[row]}",
            ),
            row=int(row),
            column="delimitation_id",
            value=delimitation[row],
        )
        for row in wrong
    ]


def _selection_problems(raws: dict[str, RawTable]) -> list[Problem]:
    """A practice in ``selected`` must be one screening keeps: not a removed duplicate, not excluded.

    Notebook 01 refuses such a list too, but only mid-run and without a row; here it is found by
    ``lovende validate``. Practices whose screening is still in conflict are not judged here (the
    conflicts are notebook 01's list for the consensus meeting).
    """
    from lovende_research import screening  # only when a study has its own selection

    removed = set(raws["duplicates"].frame["practice_id"].astype(str).str.strip()) if "duplicates" in raws else set()
    decisions = screening.final_decisions(screening.screened_rows(_typed_screening(raws["screening"]), removed))
    excluded = decisions[(decisions["decision"] == "exclude").fillna(False).astype(bool)].drop_duplicates("practice_id")
    criterion = dict(zip(excluded["practice_id"].astype(str), excluded["criterion"].astype(str), strict=True))
    selected = raws["selected"]
    problems = []
    for row, practice in selected.frame["practice_id"].astype(str).str.strip().items():
        if practice in removed:
            reason = Text(
                "praksissen er fjernet som dublet i duplicates", "the practice is removed as a duplicate in duplicates"
            )
        elif practice in criterion:
            reason = Text(
                f"screeningen ekskluderede praksissen (kriteriet {criterion[practice]})",
                f"screening excluded the practice (criterion {criterion[practice]})",
            )
        else:
            continue
        problems.append(
            Problem(
                selected.file,
                reason,
                expected=Text("en praksis, som screeningen har fundet egnet", "a practice screening found eligible"),
                row=int(row),
                column="practice_id",
                value=practice,
            )
        )
    return problems


def _without_notes(raw: RawTable) -> RawTable:
    """``raw`` with its free-text notes emptied: without ``show_notes: true`` they reach no table or page."""
    columns = [c for c in NOTE_COLUMNS.get(raw.name, ()) if c in raw.frame.columns]
    if not columns:
        return raw
    frame = raw.frame.copy()
    frame[columns] = ""
    return dataclasses.replace(raw, frame=frame)


def _optional(raws: dict[str, RawTable], name: str) -> pd.DataFrame | None:
    return _text_frame(raws[name], TABLES[name]) if name in raws else None


def _text_frame(raw: RawTable, spec: TableSpec) -> pd.DataFrame:
    """Known columns as stripped text (optional ones added empty), other columns kept as they are."""
    frame = raw.frame.copy()
    for name in spec.optional:
        if name not in frame.columns:
            frame[name] = ""
    for name in spec.columns:
        frame[name] = frame[name].astype(str).str.strip()
    ordered = list(spec.columns) + [c for c in frame.columns if c not in spec.columns]
    return frame[ordered].reset_index(drop=True)


def _typed_candidates(raw: RawTable) -> pd.DataFrame:
    frame = _text_frame(raw, TABLES["candidates"])
    frame["provider_type"] = canonical(frame["provider_type"], PROVIDER_TYPE_WORDS)
    frame["purpose"] = canonical_purposes(frame["purpose"])
    return frame


def _typed_screening(raw: RawTable) -> pd.DataFrame:
    frame = _text_frame(raw, TABLES["screening"])
    for column in ("decision", "reconciled_decision"):
        frame[column] = fold(frame[column]).map(DECISIONS).astype("string")
    return frame


def _typed_interviews(raw: RawTable) -> pd.DataFrame:
    frame = _text_frame(raw, TABLES["interviews"])
    frame["informant_role"] = canonical(frame["informant_role"], ROLE_WORDS)
    frame["date"] = pd.to_datetime(frame["date"].replace("", None), format="%Y-%m-%d")
    frame["duration_minutes"] = parse_number(frame["duration_minutes"], raw.decimal_comma)
    return frame


def _typed_codings(raw: RawTable, instrument: Instrument) -> pd.DataFrame:
    frame = _text_frame(raw, TABLES["codings"])
    frame["delimitation_id"] = frame["delimitation_id"].replace("", MAIN_DELIMITATION)
    codes = ResponseCodes.from_instrument(instrument, spss=raw.is_spss)
    folded = fold(frame["response"])
    is_screen = frame["item_id"] == instrument.screen_item.id
    # Mapped column by column (code, then missing id) rather than through tuples row by row: a national
    # study has over a million codings, and the per-row Python loop was most of Study.load's time.
    scored_code = folded.map({k: v[0] for k, v in codes.scored.items()})
    scored_missing = folded.map({k: v[1] for k, v in codes.scored.items()})
    screen_code = folded.map({k: v[0] for k, v in codes.screen.items()})
    screen_missing = folded.map({k: v[1] for k, v in codes.screen.items()})
    frame["value"] = pd.array(scored_code.where(~is_screen, None).astype(object), dtype="Int64")
    frame["missing_code"] = pd.array(scored_missing.where(~is_screen, screen_missing).astype(object), dtype="string")
    frame["screen_answer"] = pd.array(screen_code.where(is_screen, None).astype(object), dtype="string")
    frame["is_consensus"] = fold(frame["coder_id"]).isin(CONSENSUS_CODERS)
    return frame
