"""What ``lovende run`` would refuse, found by ``lovende validate`` with file, row and column.

:func:`~lovende_research.study.validate_study` checks each table against its contract. Some refusals
come later, in a stage: screening stops on a conflict between screeners that nobody has resolved,
and the runner stops on a parameter in ``study.yml`` that no notebook declares or that has the wrong
type. An interview of a practice outside the interview sample stops nothing, but the report then
counts a practice that was never selected. :func:`run_problems` finds all of these before a run, by
calling the same functions the stages call (:mod:`lovende_research.screening`,
:func:`lovende_research.pipeline.resolve_parameters`), so the two cannot disagree.

The interview sample is the one notebook 01 selects with the study's parameters: the list in
``selected`` (``selection_rule: list``) or the seeded stratified draw, by the same functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from lovende_research.config import NOTEBOOKS_DIR
from lovende_research.errors import Problem, Text, in_language
from lovende_research.study import STUDY_FILE, _read_and_check, _typed_candidates, _typed_screening
from lovende_research.tables import RawTable


def run_problems(study_dir: str | Path, stage: str | None = None, notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Problem]:
    """Every problem :func:`~lovende_research.study.validate_study` finds, then what ``run`` would refuse.

    Parameters
    ----------
    study_dir : str or Path
        The study folder.
    stage : str or None
        ``"screening"`` for a study that has only candidates and screening so far; ``None`` for all.
    notebooks_dir : Path
        Where the stage notebooks are, whose parameters cells declare the parameters.

    Returns
    -------
    list of Problem
        Empty when ``lovende run`` (``--only screening`` for that stage) would go through.
    """
    raws, config, _instrument, problems = _read_and_check(Path(study_dir), stage)
    if problems or config is None:
        return problems  # the checks below read tables that are clean
    from lovende_research import screening

    found, selection_parameters = parameter_problems(
        config.parameters, ["screening"] if stage == "screening" else None, notebooks_dir
    )
    removed = set(raws["duplicates"].frame["practice_id"].astype(str).str.strip()) if "duplicates" in raws else set()
    decisions = screening.final_decisions(screening.screened_rows(_typed_screening(raws["screening"]), removed))
    found += conflict_problems(raws["screening"], decisions)
    interviewed = "interviews" in raws and not raws["interviews"].frame.empty
    if stage is None and "interviews" in raws and not interviewed:
        # A study still screening (new-study's templates unfilled): one problem, not one per empty cell.
        found.append(
            Problem(
                raws["interviews"].file,
                Text(
                    "tabellen har endnu ingen interview, så kodnings- og scoringstrinnene har intet at køre på",
                    "the table has no interview yet, so the coding and scoring stages have nothing to run on",
                ),
                expected=Text(
                    "én række pr. interview, eller `lovende validate --stage screening` (og `run --only screening`) "
                    "for et studie, der kun er screenet",
                    "one row per interview, or `lovende validate --stage screening` (and `run --only screening`) for a study only screened so far",
                ),
            )
        )
    if not found and stage is None and interviewed and selection_parameters is not None:
        eligible = screening.eligible_candidates(
            _typed_candidates(raws["candidates"]), screening.practice_eligibility(decisions)
        )
        found += outside_sample_problems(raws, eligible, selection_parameters, config.seed)
    return found


def conflict_problems(raw: RawTable, decisions: pd.DataFrame) -> list[Problem]:
    """One problem per practice × criterion on which the screeners disagree and no reconciled decision is given."""
    open_ = decisions[decisions["basis"] == "conflict"]
    frame = raw.frame
    practice = frame["practice_id"].astype(str).str.strip()
    criterion = frame["criterion"].astype(str).str.strip()
    problems = []
    for record in open_.itertuples():
        rows = frame.index[(practice == record.practice_id) & (criterion == record.criterion)]
        problems.append(
            Problem(
                raw.file,
                Text(
                    f"screenerne er uenige om praksis {record.practice_id}, kriteriet {record.criterion} (rækkerne {', '.join(map(str, rows))}), "
                    "og der er ingen konsensusbeslutning; screeningstrinnet stopper her",
                    f"the screeners disagree on practice {record.practice_id}, criterion {record.criterion} (rows {', '.join(map(str, rows))}), "
                    "and there is no consensus decision; the screening stage stops here",
                ),
                expected=Text(
                    "include eller exclude i reconciled_decision i én af rækkerne",
                    "include or exclude in reconciled_decision on one of the rows",
                ),
                row=int(rows[0]),
                column="reconciled_decision",
            )
        )
    return problems


def outside_sample_problems(
    raws: dict[str, RawTable], eligible: pd.DataFrame, parameters: dict[str, Any], study_seed: int
) -> list[Problem]:
    """One problem per interview of a practice outside the interview sample notebook 01 would select.

    The sample is the one notebook 01 selects with the same parameters and the same functions: the
    practices of ``selected`` (rule ``list``) or the seeded stratified draw (rule ``stratified``). A
    sample it could not select is itself one problem, as the stage would stop there.
    """
    from lovende_research import screening

    seed = study_seed if parameters.get("seed") is None else parameters["seed"]
    try:
        if eligible.empty:
            sample: set[str] = set()  # nothing to select from: every interview is outside the sample
        elif parameters["selection_rule"] == "list":
            if "selected" not in raws:
                raise screening.SelectionError(
                    Text(
                        "selection_rule er 'list', men selected.csv findes ikke",
                        "selection_rule is 'list', but selected.csv does not exist",
                    )
                )
            chosen = raws["selected"].frame["practice_id"].astype(str).str.strip().tolist()
            sample = set(
                screening.select_from_list(eligible, chosen, strata=list(parameters["strata"]))["practice_id"].astype(
                    str
                )
            )
        else:
            sample = set(
                screening.select_stratified(
                    eligible, strata=list(parameters["strata"]), n_select=parameters["n_select"], seed=seed
                )["practice_id"].astype(str)
            )
    except screening.ScreeningError as exc:
        return [
            Problem(
                STUDY_FILE,
                Text(
                    f"udvælgelsen til interview kan ikke foretages: {exc}",
                    f"the selection for interview cannot be made: {in_language(exc.args[0], 'en')}",
                ),
                expected=Text(
                    "parametre, som screeningstrinnet kan udvælge med", "parameters the screening stage can select with"
                ),
                column="parameters.screening",
            )
        ]
    interviews = raws["interviews"]
    practice = interviews.frame["practice_id"].astype(str).str.strip()
    rule = (
        ("listen i selected", "the list in selected")
        if parameters["selection_rule"] == "list"
        else (
            f"den lagdelte lodtrækning (seed {seed}, n_select {parameters['n_select']})",
            f"the stratified draw (seed {seed}, n_select {parameters['n_select']})",
        )
    )
    return [
        Problem(
            interviews.file,
            Text(
                f"praksissen er ikke udvalgt til interview af {rule[0]}",
                f"the practice is not selected for interview by {rule[1]}",
            ),
            expected=Text(
                "en praksis i udvælgelsen: " + ", ".join(sorted(sample)),
                "a practice in the selection: " + ", ".join(sorted(sample)),
            ),
            row=int(row),
            column="practice_id",
            value=value,
        )
        for row, value in practice[~practice.isin(sample)].items()
    ]


def _after(error: Exception, prefix: str) -> str:
    """The runner's message without the ``prefix`` naming its source (the problem names the file and column
    instead), in both languages where the message has them."""
    message = error.args[0] if error.args else str(error)
    if isinstance(message, Text):
        return Text(str(message).removeprefix(prefix), message.en.removeprefix(prefix))
    return str(message).removeprefix(prefix)


def parameter_problems(
    parameters: dict[str, Any], stages: list[str] | None, notebooks_dir: Path
) -> tuple[list[Problem], dict[str, Any] | None]:
    """The runner's own checks of ``study.yml``'s ``parameters`` against the notebooks' parameters cells.

    A plain key is checked against every notebook (one for a later stage is no typo when validating one
    stage); a stage's block and the types, for the stages that will run. Returns the problems and the
    screening stage's parameters as it would run with them (``None`` if they do not resolve).
    """
    import papermill

    from lovende_research.pipeline import (
        ParameterError,
        check_unused,
        notebook_defaults,
        resolve_parameters,
        stage_by_key,
    )

    present = [s for s in stage_by_key(None) if (notebooks_dir / f"{s.notebook}.ipynb").is_file()]
    declared = {s.key: papermill.inspect_notebook(str(notebooks_dir / f"{s.notebook}.ipynb")) for s in present}
    source = f"{STUDY_FILE}: parameters"
    layers = [(source, dict(parameters))]
    problems = []
    resolved: dict[str, Any] | None = None
    try:
        check_unused(layers, declared)
    except ParameterError as exc:
        problems.append(
            Problem(
                STUDY_FILE,
                _after(exc, f"{source}: "),
                expected=Text("en parameter, som en notebook erklærer", "a parameter a notebook declares"),
                column="parameters",
            )
        )
    for stage in (s for s in present if stages is None or s.key in stages):
        try:
            values = resolve_parameters(stage, declared[stage.key], layers)
        except ParameterError as exc:
            problems.append(
                Problem(
                    STUDY_FILE,
                    _after(exc, f"{source}: "),
                    expected=Text(
                        "parameterens navn og type som i notebookens parameters-celle",
                        "the parameter's name and type as in the notebook's parameters cell",
                    ),
                    column=f"parameters.{stage.key}",
                )
            )
            continue
        if stage.key == "screening":
            resolved = {**notebook_defaults(declared[stage.key]), **values}
    return problems, resolved
