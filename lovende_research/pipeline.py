"""``lovende run``: take a study through every stage notebook with papermill and render the reports.

Why a runner and not ``papermill`` by hand: parameters are resolved in one documented order
(notebook defaults → the study's ``study.yml`` → a ``--params`` file → command-line flags) and checked
against what each notebook declares (papermill itself only warns on an unknown name); the project's own
kernel is named explicitly; a failing cell is reported as notebook, cell and message with the path of
the partial notebook, and nothing half-written is left where a later run would read it: each executed
notebook is written to a temporary name and moved into place only when it ran through, and each stage's
output folder is written aside and renamed into place whole (:mod:`lovende_research.stage_commits`).
One run at a time holds the study's output folders (:mod:`lovende_research.run_lock`).
"""

from __future__ import annotations

import ast
import datetime as dt
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lovende_research.config import KERNEL_NAME, NOTEBOOKS_DIR, PROCESSED_DIR, REPORTS_DIR
from lovende_research.errors import LovendeError, Text, in_language
from lovende_research.i18n import check_language
from lovende_research.io import atomic_write_bytes, refuse_raw, write_json
from lovende_research.notebook_kernel import KERNEL_MANAGER
from lovende_research.page_runs import mark_stale, page_states, record_page
from lovende_research.practice_pages import ProfileFigures, start_profile_figures, write_practice_pages
from lovende_research.report import Page, Provenance, git_commit, package_versions, render_notebook, write_index
from lovende_research.run_lock import run_lock
from lovende_research.stage_commits import (
    check_one_run,
    commit,
    new_run_id,
    open_staging,
    remove_leftovers,
    set_aside,
    stale_folders,
)
from lovende_research.study import VALIDATED_STUDY_ENV, Study, keep_validated
from lovende_research.table_exports import write_table_exports

log = logging.getLogger("lovende.pipeline")


@dataclass(frozen=True)
class Stage:
    key: str
    notebook: str
    titles: tuple[str, str]
    #: The folder under ``data/processed/<study>/`` the notebook writes its tables to ("" for none).
    outputs: str = ""

    def title(self, language: str) -> str:
        return self.titles[1] if language == "en" else self.titles[0]


STAGES: tuple[Stage, ...] = (
    Stage(
        "screening",
        "01_screening",
        ("Screening af kandidatpraksisser", "Screening of candidate practices"),
        "screening",
    ),
    Stage(
        "scoring", "02_interview_coding", ("Kodning og scoring af interview", "Interview coding and scoring"), "scores"
    ),
    Stage("bias", "03_subjectivity_bias", ("Tjek af subjektivitetsbias", "Subjectivity-bias checks"), "bias"),
    Stage("report", "04_report", ("Samlet rapport", "Synthesis report")),
)
#: The stages' output folders in pipeline order.
STAGE_FOLDERS: tuple[str, ...] = tuple(s.outputs for s in STAGES if s.outputs)


class ParameterError(LovendeError):
    """A parameter a notebook does not declare, or of the wrong type."""


class KernelMissingError(LovendeError):
    """The project's Jupyter kernel is not registered in this environment."""


class StageFailed(LovendeError):
    """A notebook stopped on an error; carries where, what, and the partial notebook's path."""

    def __init__(self, notebook: str, cell: int | None, exception: str, partial: Path):
        self.notebook, self.cell, self.exception, self.partial = notebook, cell, exception, partial
        where = (
            Text(
                f"celle {cell} (talt fra notebookens første celle)",
                f"cell {cell} (counted from the notebook's first cell)",
            )
            if cell is not None
            else Text("under kørslen", "while running")
        )
        super().__init__(
            Text(
                f"notebook {notebook} fejlede i {where}: {exception}\n  delvist kørt notebook: {partial}",
                f"notebook {notebook} failed in {where.en}: {exception}\n  partly run notebook: {partial}",
            )
        )


@dataclass(frozen=True)
class RunResult:
    index: Path
    pages: tuple[Page, ...]
    provenance: Provenance


def stage_by_key(keys: list[str] | None) -> list[Stage]:
    """The stages to run, in pipeline order; an unknown key is an error naming the known ones."""
    if not keys:
        return list(STAGES)
    known = {s.key: s for s in STAGES}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise ParameterError(
            Text(
                f"ukendte trin {', '.join(unknown)}; forventet: {', '.join(known)}",
                f"unknown stages {', '.join(unknown)}; expected: {', '.join(known)}",
            )
        )
    return [s for s in STAGES if s.key in keys]


def read_params_file(path: Path | None) -> dict[str, Any]:
    """A YAML mapping: ``stage: {name: value}`` for one stage, or ``name: value`` for every stage declaring it."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError(
            Text(f"{path}: kan ikke læses som YAML ({exc})", f"{path}: cannot be read as YAML ({exc})")
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(
            Text(
                f"{path}: forventet en mapping af parameternavne til værdier",
                f"{path}: expected a mapping of parameter names to values",
            )
        )
    return data


def resolve_parameters(
    stage: Stage, declared: dict[str, Any], layers: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    """Merge parameter layers in order for one stage, checking names and types against the notebook.

    ``declared`` is papermill's ``inspect_notebook`` result. A layer's stage-specific block
    (``{stage.key: {...}}``) and its plain keys both apply; a name the notebook does not declare is an
    error for a stage-specific block, and is skipped for a plain key only if some stage declares it
    (checked by :func:`check_unused`). A value whose type differs from the default's is an error, so a
    YAML ``no`` or an unquoted ``007`` does not arrive as False or 7 where text was meant. A stage block
    that is not a mapping (``scoring: 3``) is an error too, not a block to pass over; an empty one
    (``scoring:`` with every line under it commented out, which YAML reads as null) sets nothing.
    """
    values: dict[str, Any] = {}
    for source, layer in layers:
        specific = layer.get(stage.key)
        if specific is None:
            specific = {}
        if not isinstance(specific, dict):
            raise ParameterError(
                Text(
                    f"{source}: '{stage.key}' skal være en mapping af parameternavne til værdier, fik {specific!r}",
                    f"{source}: '{stage.key}' must be a mapping of parameter names to values, got {specific!r}",
                )
            )
        for name in specific:
            if name not in declared:
                raise ParameterError(
                    Text(
                        f"{source}: notebook {stage.notebook} har ingen parameter '{name}'; den har: {', '.join(declared)}",
                        f"{source}: notebook {stage.notebook} has no parameter '{name}'; it has: {', '.join(declared)}",
                    )
                )
        plain = {k: v for k, v in layer.items() if k not in {s.key for s in STAGES} and k in declared}
        for name, value in {**plain, **specific}.items():
            _check_type(source, stage, name, value, declared[name])
            values[name] = value
    return values


def check_unused(layers: list[tuple[str, dict[str, Any]]], declared_by_stage: dict[str, dict[str, Any]]) -> None:
    """A plain key that no notebook declares is a typo, not something to ignore."""
    everything = {name for declared in declared_by_stage.values() for name in declared}
    for source, layer in layers:
        for name in layer:
            if name in {s.key for s in STAGES} or name in everything:
                continue
            raise ParameterError(
                Text(
                    f"{source}: ingen notebook har parameteren '{name}'; kendte parametre: {', '.join(sorted(everything))}",
                    f"{source}: no notebook has the parameter '{name}'; known parameters: {', '.join(sorted(everything))}",
                )
            )


_NOT_LITERAL = object()


def _literal(text: str) -> Any:
    """The value of a parameters-cell default, or ``_NOT_LITERAL`` when it is an expression."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return _NOT_LITERAL


def notebook_defaults(declared: dict[str, Any]) -> dict[str, Any]:
    """The parameters cell's own values, so provenance lists every parameter, not only the overridden ones."""
    defaults = {}
    for name, spec in declared.items():
        value = _literal(spec.get("default", "None"))
        defaults[name] = spec.get("default") if value is _NOT_LITERAL else value
    return defaults


def _check_type(source: str, stage: Stage, name: str, value: Any, spec: dict[str, Any]) -> None:
    """The value must have the type of the notebook's default literal (papermill infers types only
    from annotations, and our parameters cells hold plain literals)."""
    default = _literal(spec.get("default", "None"))
    if default is _NOT_LITERAL or default is None or value is None:
        return
    wanted: type | tuple[type, ...] = (int, float) if isinstance(default, float) else type(default)
    if isinstance(value, bool) != isinstance(default, bool) or not isinstance(value, wanted):
        expected = type(default).__name__
        hint, hint_en = (
            (" (sæt tekst i anførselstegn i YAML, fx '007' eller 'no')", " (quote text in YAML, e.g. '007' or 'no')")
            if isinstance(default, str)
            else ("", "")
        )
        raise ParameterError(
            Text(
                f"{source}: parameteren '{name}' i {stage.notebook} skal være {expected}, fik {value!r}{hint}",
                f"{source}: the parameter '{name}' in {stage.notebook} must be {expected}, got {value!r}{hint_en}",
            )
        )


def ensure_kernel(kernel_name: str = KERNEL_NAME) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        raise KernelMissingError(
            Text(
                f"Jupyter-kernen '{kernel_name}' er ikke registreret; kør 'make setup' (eller 'make run')",
                f"the Jupyter kernel '{kernel_name}' is not registered; run 'make setup' (or 'make run')",
            )
        ) from None


def run_study(
    study_dir: str | Path,
    *,
    params_file: Path | None = None,
    language: str | None = None,
    only: list[str] | None = None,
    jobs: int = 1,
    processed_base: Path = PROCESSED_DIR,
    reports_base: Path | None = None,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    kernel_name: str = KERNEL_NAME,
    progress: bool = True,
    wait: bool = False,
    allow_mixed_runs: bool = False,
) -> RunResult:
    """Validate the study, execute every stage notebook that exists, render the pages and the index.

    The run holds the lock on the study's processed and reports folders throughout: while another run
    holds it, this one is refused (:class:`~lovende_research.run_lock.RunLocked`, naming that process)
    or, with ``wait``, waits for it. It first removes what a killed run left. The synthesis stage and
    the practice pages combine the stages' folders only when they come from runs that fit together
    (:func:`~lovende_research.stage_commits.check_one_run`), unless ``allow_mixed_runs``.

    ``jobs`` worker processes draw the per-practice pages' figures (one background thread when
    ``jobs == 1``), from the end of the scoring stage on, while the later stages run; the stage
    notebooks run one after another, since each reads what the one before it wrote. Each stage's page is
    rendered while the next stage runs, and the practice pages are written as soon as the scoring and
    bias stages have run (while the report stage runs). With ``jobs > 1`` the table exports are written
    in a process of their own from the end of the last stage with tables on; with ``jobs == 1`` at the end.
    """
    started = dt.datetime.now().astimezone()
    clock = time.perf_counter()
    study = Study.load(study_dir, stage="screening" if only == ["screening"] else None)
    language = check_language(language or study.config.language)
    processed = study.processed_dir(Path(processed_base))
    reports = study.reports_dir(Path(reports_base) if reports_base is not None else REPORTS_DIR)
    for target in (processed, reports):
        refuse_raw(target)
        target.mkdir(parents=True, exist_ok=True)
    with run_lock(
        [processed, reports], wait=wait, on_wait=lambda message: print(in_language(message, language), flush=True)
    ):
        return _run_locked(
            study, started, clock, language, processed, reports, params_file=params_file, only=only, jobs=jobs,
            processed_base=Path(processed_base), notebooks_dir=notebooks_dir, kernel_name=kernel_name,
            progress=progress, allow_mixed_runs=allow_mixed_runs,
        )  # fmt: skip


def _run_locked(
    study: Study,
    started: dt.datetime,
    clock: float,
    language: str,
    processed: Path,
    reports: Path,
    *,
    params_file: Path | None,
    only: list[str] | None,
    jobs: int,
    processed_base: Path,
    notebooks_dir: Path,
    kernel_name: str,
    progress: bool,
    allow_mixed_runs: bool,
) -> RunResult:
    """:func:`run_study` once it holds the study's lock."""
    import papermill
    from tqdm.auto import tqdm

    leftovers = remove_leftovers(processed, STAGE_FOLDERS)
    _log_to(processed / "run.log")
    run_id = new_run_id(started)
    log.info(
        "kørsel %s; studie %s valideret: %d kandidater, %d interview",
        run_id,
        study.path,
        len(study.candidates),
        len(study.interviews),
    )
    for leftover in leftovers:
        log.info("rester fra en afbrudt kørsel: %s", leftover)

    stages = [s for s in stage_by_key(only) if (notebooks_dir / f"{s.notebook}.ipynb").is_file()]
    if stages:
        ensure_kernel(kernel_name)
    declared = {s.key: papermill.inspect_notebook(str(notebooks_dir / f"{s.notebook}.ipynb")) for s in stages}
    base = {
        "study_dir": str(study.path),
        "processed_dir": str(processed_base.resolve()),
        "language": language,
        "seed": study.config.seed,
    }
    layers = [
        ("standard", base),
        ("study.yml: parameters", study.config.parameters),
        (str(params_file), read_params_file(params_file)),
    ]
    if language and language != study.config.language:
        layers.append(("--lang", {"language": language}))
    check_unused(layers[1:], declared)
    # Local folders as the pages show them: by their name, not where they lie on this machine.
    local_paths = {str(processed_base.resolve()): processed_base.resolve().name, str(study.path): study.path.name}

    pages: list[Page] = []
    parameters: dict[str, dict[str, Any]] = {}
    # The practice pages show the scores and the bias flags: rewritten whenever either stage runs.
    with_practice_pages = bool({"scoring", "bias"} & {s.key for s in stage_by_key(only)})
    figures: ProfileFigures | None = None
    # A stage's page is rendered in the background while the next stage's kernel runs (this process
    # only waits on the kernel meanwhile); every page is finished before the index links it.
    renders = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lovende-render")
    rendered: list[Future[Path]] = []
    # The practice pages read only the scoring tables and the bias flags, so they are written in the
    # same background thread as soon as the last of those two stages in this run has finished.
    pages_after = next((s.key for s in reversed(stages) if s.key in ("scoring", "bias")), None)
    pages_written: Future[list[Page]] | None = None
    practice_pages: list[Page] = []
    # The exports read only the stages' tables, all in place once the last stage of this run that writes
    # tables has committed them. With jobs > 1 they are written from then on in a process of their own,
    # while the report stage runs and the practice pages are written, instead of after everything else.
    export_stages = [(s.outputs, s.notebook) for s in STAGES if s.outputs]
    exports_after = next((s.key for s in reversed(stages) if s.outputs), None) if jobs > 1 else None
    exported: Future[list[Path]] | None = None
    with _validated_for_kernels(study, processed):
        try:
            for stage in tqdm(stages, desc="trin", unit="notebook", disable=not progress):
                values = resolve_parameters(stage, declared[stage.key], layers)
                parameters[stage.key] = {**notebook_defaults(declared[stage.key]), **values}
                if stage.key == "report" and not allow_mixed_runs:
                    check_one_run(processed, STAGE_FOLDERS)
                executed, staged_in = _execute(stage, values, notebooks_dir, processed, kernel_name, progress, run_id)
                kept = atomic_write_bytes(reports / "notebooks" / f"{stage.notebook}.ipynb", executed.read_bytes())
                if stage.key == exports_after:
                    exported = _export_in_background(processed, reports, export_stages, language)
                if stage.key == "scoring" and with_practice_pages:
                    # The profiles need only the scoring tables: draw them while the later stages run.
                    # Worker processes (jobs > 1) are forked before this stage's render starts, and with
                    # no earlier render still running, so no other thread is busy when they fork.
                    if jobs > 1:
                        wait(rendered)
                    figures = start_profile_figures(study, processed, language, jobs)
                shown = {
                    **local_paths,
                    **({str(staged_in): local_paths[str(processed_base.resolve())]} if staged_in else {}),
                }
                title = f"{stage.title(language)} · {study.config.title}"
                rendered.append(
                    renders.submit(
                        render_notebook, executed, reports / f"{stage.notebook}.html", language, title, shown
                    )
                )
                pages.append(
                    Page(stage.title(language), f"{stage.notebook}.html", kept.relative_to(reports).as_posix())
                )
                if with_practice_pages and stage.key == pages_after:
                    pages_written = renders.submit(
                        write_practice_pages,
                        study,
                        processed,
                        reports,
                        language,
                        jobs,
                        figures,
                        use_bias=_bias_fits(processed, allow_mixed_runs),
                        progress=progress,
                    )
                log.info("trin %s færdigt", stage.key)
            for page in rendered:
                page.result()  # a page that failed to render is an error here, as before
            if pages_written is not None:
                practice_pages = pages_written.result()
        except BaseException:
            if figures is not None:
                figures.cancel()
            if exported is not None:
                wait([exported])  # nothing is written into the reports once the run's lock is given up
            raise
        finally:
            renders.shutdown(wait=True)

    if (
        with_practice_pages and pages_written is None
    ):  # the scoring notebook was not found: pages from earlier tables, if any
        practice_pages = write_practice_pages(
            study,
            processed,
            reports,
            language,
            jobs,
            figures,
            use_bias=_bias_fits(processed, allow_mixed_runs),
            progress=progress,
        )
    log.info("%d praksissider skrevet", len(practice_pages))
    for stage in stages:
        record_page(reports, f"{stage.notebook}.html", run_id, processed, _folders_read(stage))
    pages, stale = _pages_by_state(reports, processed, language, {p.html: p.notebook for p in pages})

    provenance = Provenance(
        checksums=study.checksums(),
        instrument_version=study.instrument.version,
        parameters=parameters,
        packages=package_versions(),
        git_commit=git_commit(),
        started=started,
        duration_seconds=time.perf_counter() - clock,
    )
    write_json(processed / "provenance.json", provenance.as_dict())
    if exported is None:
        write_table_exports(processed, reports, export_stages, language)
    else:
        exported.result()  # its error, if any, is this run's
    index = write_index(study, reports, pages, provenance, language, practice_pages, local_paths, stale)
    log.info("rapport skrevet: %s", index)
    return RunResult(index, tuple(pages), provenance)


def _export_in_background(
    processed: Path, reports: Path, stages: list[tuple[str, str]], language: str
) -> Future[list[Path]]:
    """Start :func:`~lovende_research.table_exports.write_table_exports` in a new process.

    A process, not a thread: the exports are pure Python and would share this process's interpreter
    lock with the page rendering and the practice pages. Spawned, not forked, since this process's
    render thread may be busy when it starts.
    """
    executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return executor.submit(write_table_exports, processed, reports, stages, language)
    finally:
        executor.shutdown(wait=False)  # the export goes on; the process ends with it


def _bias_fits(processed: Path, allow_mixed_runs: bool) -> bool:
    """Whether the bias folder in place was computed from the scores in place (or mixing is allowed)."""
    return allow_mixed_runs or "bias" not in stale_folders(processed, STAGE_FOLDERS)


def _folders_read(stage: Stage) -> tuple[str, ...]:
    """The stage folders a stage's page shows: its own and every earlier one (all of them for the report)."""
    return STAGE_FOLDERS[: STAGE_FOLDERS.index(stage.outputs) + 1] if stage.outputs else STAGE_FOLDERS


def _pages_by_state(
    reports: Path, processed: Path, language: str, notebooks: dict[str, str | None]
) -> tuple[list[Page], list[Page]]:
    """The stage pages in pipeline order, split into current ones (linked) and stale ones (named, marked).

    A page made by an earlier run stays current while the folders it was made from are still in place
    (``--only report`` keeps pages 01–03); one made from folders recomputed since is stale.
    """
    states = page_states(reports, processed)
    current, stale = [], []
    for stage in STAGES:
        name = f"{stage.notebook}.html"
        if name not in states:
            continue
        notebook = notebooks.get(name) or (
            f"notebooks/{stage.notebook}.ipynb"
            if (reports / "notebooks" / f"{stage.notebook}.ipynb").is_file()
            else None
        )
        page = Page(stage.title(language), name, notebook, states[name].run_id)
        if states[name].current:
            current.append(page)
        else:
            mark_stale(reports / name, states[name].run_id, language)
            stale.append(page)
    return current, stale


#: Where a run keeps the study it validated while its stages run (removed when they have run).
VALIDATED_FILE = ".validated-study.pickle"


@contextmanager
def _validated_for_kernels(study: Study, processed: Path) -> Iterator[None]:
    """While the stages run, their kernels take the study validated here instead of validating it again.

    The kernels inherit this process's environment; :meth:`Study.load` there checks that the folder's
    files are unchanged before using the kept study (:func:`lovende_research.study._validated_for`).
    """
    kept = keep_validated(study, processed / VALIDATED_FILE)
    before = os.environ.get(VALIDATED_STUDY_ENV)
    os.environ[VALIDATED_STUDY_ENV] = str(kept.resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(VALIDATED_STUDY_ENV, None)
        else:
            os.environ[VALIDATED_STUDY_ENV] = before
        kept.unlink(missing_ok=True)


def _execute(
    stage: Stage,
    parameters: dict[str, Any],
    notebooks_dir: Path,
    processed: Path,
    kernel_name: str,
    progress: bool,
    run_id: str,
) -> tuple[Path, Path | None]:
    """Run one notebook to a temporary file, then move it into place; on failure keep it apart and raise.

    Returns the executed notebook and the ``processed_dir`` it ran with when that was a staging folder.

    A stage with an output folder writes it into a staging folder (its ``processed_dir`` parameter
    points there), which is committed whole when the notebook ran through; on failure the partial
    notebook and outputs go to ``failed/`` and the last complete outputs stay where they were, so every
    later reader sees one complete run of the stage.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    final = processed / "notebooks" / f"{stage.notebook}.ipynb"
    final.parent.mkdir(parents=True, exist_ok=True)
    running = final.with_name(f".{stage.notebook}.running.ipynb")
    os.environ.setdefault("MPLBACKEND", "agg")
    staging = run_parameters = None
    if stage.outputs:
        staging = open_staging(processed, stage.outputs, run_id)
        run_parameters = {**parameters, "processed_dir": str(staging.processed_dir)}
    try:
        papermill.execute_notebook(
            str(notebooks_dir / f"{stage.notebook}.ipynb"),
            str(running),
            parameters=run_parameters if run_parameters is not None else parameters,
            kernel_name=kernel_name,
            progress_bar=progress,
            cwd=str(notebooks_dir),
            # Written once at the end (and on an error, with the error marked): saving after every cell
            # re-serialised the growing notebook with its images ~50 times per stage.
            request_save_on_cell_execute=False,
            kernel_manager_class=KERNEL_MANAGER,  # local sockets, no SIGINT at shutdown: a quiet run
        )
    except PapermillExecutionError as exc:
        partial = processed / "failed" / f"{stage.notebook}.ipynb"
        partial.parent.mkdir(parents=True, exist_ok=True)
        os.replace(running, partial)
        if staging is not None:
            set_aside(processed, stage.outputs, staging)
        log.error("trin %s fejlede i celle %s: %s: %s", stage.key, exc.cell_index, exc.ename, exc.evalue)
        cell = _source_cell_number(notebooks_dir / f"{stage.notebook}.ipynb", exc.source)
        raise StageFailed(f"{stage.notebook}.ipynb", cell, f"{exc.ename}: {exc.evalue}", partial) from None
    if staging is not None:
        earlier = STAGE_FOLDERS[: STAGE_FOLDERS.index(stage.outputs)]
        commit(processed, stage.outputs, staging, run_id, stage.key, earlier)
    os.replace(running, final)
    return final, staging.processed_dir if staging is not None else None


def _source_cell_number(notebook: Path, source: str) -> int | None:
    """The failing cell's 1-based position in the notebook as the author sees it.

    papermill's own index counts the cells it injects (parameters, error banner); the author's
    notebook has neither, so the cell is found by its source.
    """
    import nbformat

    for number, cell in enumerate(nbformat.read(notebook, as_version=4).cells, start=1):
        if cell.source == source:
            return number
    return None


def _log_to(path: Path) -> None:
    """Log this run to ``path`` (replacing an earlier run's log)."""
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
