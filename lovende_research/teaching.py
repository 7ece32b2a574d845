"""Handouts for teaching: one simulated study per group, a student and a teacher version, a teacher index.

Professionshøjskoler teach with ``notebooks/00_tutorial.ipynb``: students simulate a small mapping with
planted biases and find them with the package's own checks. :func:`make_handouts` runs the tutorial in the
handouts' language (``00_tutorial_da.ipynb`` or ``_en.ipynb``, made from the bilingual source by
:mod:`lovende_research.tutorial_languages`) once per group with papermill, each group on its own seed so the groups can compare findings, and writes::

    <out_dir>/index.html                the teacher's page: every group's seed, links, planted truth, findings
    <out_dir>/gruppe_01/student.ipynb   answers removed (cells tagged ``solution`` or ``answer``, outputs and all)
    <out_dir>/gruppe_01/student.html
    <out_dir>/gruppe_01/teacher.ipynb   with the solutions and the answers from ``truth.json``
    <out_dir>/gruppe_01/teacher.html
    <out_dir>/gruppe_01/work/           the group's simulated study (``study/``, with ``truth.json``) and outputs

Both versions hold only the handout language's prose, like the notebook a student opens in JupyterLab. The notebooks run with
the group folder as working directory and ``work_dir = "work"``, so a student who reruns ``student.ipynb``
beside its folder gets the same study again. The HTML pages show the code (students learn the calls), are
self-contained and fetch nothing from the network (the report template of :mod:`lovende_research.report`).

Examples
--------
>>> group_seed(7, 2)
7002
>>> planted_truth({"role_offsets": {"leder": 0.75, "medarbejder": 0.0}, "straightliners": ["P1-M"],
...                "delimitations": {"D01": {"practice_id": "P3", "shift": 1.0}}, "interviewed": ["P1", "P3"]})["lenient_roles"]
{'leder': 0.75}
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from lovende_research.config import KERNEL_NAME
from lovende_research.errors import LovendeError, Text
from lovende_research.i18n import check_language, phrase
from lovende_research.io import atomic_write_text, refuse_raw
from lovende_research.report import export_html, html_page, key_value_rows, strip_cells
from lovende_research.tutorial_languages import LANGUAGE_NOTEBOOKS

#: Group ``g`` of a session with seed ``s`` runs on seed ``s * GROUP_STRIDE + g``: distinct per group, and
#: readable (seed 7, group 2 → 7002), so a teacher can rerun one group's study by hand.
GROUP_STRIDE = 1000
MAX_GROUPS = GROUP_STRIDE - 1
#: The simulated study and its outputs, relative to the group folder (the notebook's working directory).
WORK_DIR = "work"
SOLUTION_TAG = "solution"
#: A cell whose output answers an exercise without being its worked solution: the verdict and figure of a
#: check the exercise asks students to carry out. Withheld from the student version like a solution.
ANSWER_TAG = "answer"
#: What the student version leaves out.
WITHHELD_TAGS = frozenset({SOLUTION_TAG, ANSWER_TAG})
EXERCISE_TAG = "exercise"

PHRASES: dict[str, tuple[str, str]] = {
    "title": ("Øvelse i lovende praksis: lærerens oversigt", "Promising-practice tutorial: teacher's overview"),
    "handout_title": (
        "Øvelse i lovende praksis: gruppe {group} (seed {seed})",
        "Promising-practice tutorial: group {group} (seed {seed})",
    ),
    "teacher_suffix": (" – lærerversion", " – teacher version"),
    "intro": (
        "Hver gruppe har sit eget simulerede studie. Giv gruppen elevversionen (HTML til at læse, .ipynb til at "
        "køre); lærerversionen har løsningerne og facit. Del ikke denne side med de studerende: den viser, hvad "
        "simulatoren plantede, og hvad tjekkene fandt.",
        "Each group has its own simulated study. Give the group the student version (HTML to read, .ipynb to "
        "run); the teacher version has the solutions and the answers. Do not share this page with students: it "
        "shows what the simulator planted and what the checks found.",
    ),
    "group": ("Gruppe {group}", "Group {group}"),
    "student": ("Elevversion", "Student version"),
    "teacher": ("Lærerversion", "Teacher version"),
    "seed": ("Seed", "Seed"),
    "planted": ("Plantet i studiet (truth.json)", "Planted in the study (truth.json)"),
    "found": ("Fundet af tjekkene (findings.json)", "Found by the checks (findings.json)"),
    "lenient": ("Mildere rolle", "Lenient role"),
    "lenient_value": (
        "{role} vurderer egen praksis {offset:+.2f} højere (latente enheder: SD mellem praksisser)",
        "{role} rates its own practice {offset:+.2f} higher (latent units: SD between practices)",
    ),
    "no_lenient": ("ingen rolle er plantet som mildere", "no role was planted as lenient"),
    "straightliners": ("Straight-linere (svarer ens på alt)", "Straight-liners (same answer to everything)"),
    "delimitation": ("Alternativ afgrænsning", "Alternative delimitation"),
    "delimitation_value": (
        "{practice} ({delimitation}): forskydning {shift:+.2f} latent",
        "{practice} ({delimitation}): shift {shift:+.2f} latent",
    ),
    "n_practices": ("Interviewede praksisser", "Practices interviewed"),
    "highest_role": ("Rolle med højeste gennemsnit", "Role with the highest mean"),
    "role_offsets": ("Rollernes forskel til lederen (0–1-skala)", "Roles' offset against the leader (0–1 scale)"),
    "significant": ("ikke tilfældig (Holm, α = 0,05)", "not chance (Holm, α = 0.05)"),
    "not_significant": ("kan ikke skelnes fra tilfældighed", "cannot be told from chance"),
    "delimitation_moved": ("Afgrænsninger, der flytter elementer", "Delimitations that move elements"),
    "none": ("ingen", "none"),
    "no_findings": (
        "findings.json mangler: notebookens facit-celle blev ikke kørt",
        "findings.json is missing: the notebook's answer cell did not run",
    ),
    "back_teacher": ("Lærerens oversigt", "Teacher's overview"),
    "expect": (
        "Det skal de studerende finde: lederne vurderer højest (opgave 2); straight-linerne er markeret i "
        "figuren over svarstil og flytter ofte deres praksis' placering (opgave 3); profilerne falder, når "
        "ved ikke tælles som 0, mest hvor samarbejdspartnere svarede (opgave 1); den alternative afgrænsning "
        "flytter scoren.",
        "What students should find: leaders rate highest (exercise 2); the straight-liners are flagged in the "
        "response-style figure and often move their practice's rank (exercise 3); profiles drop when don't "
        "know counts as 0, most where partners answered (exercise 1); the alternative delimitation moves the score.",
    ),
}


class TeachingError(LovendeError):
    """Handouts that cannot be made: a bad argument, or a group's notebook that failed (cell and error named)."""


@dataclass(frozen=True)
class Handout:
    """One group's handout: its number, seed and folder (files named as in the module docstring)."""

    group: int
    seed: int
    folder: Path

    @property
    def study_dir(self) -> Path:
        return self.folder / WORK_DIR / "study"


def group_seed(seed: int, group: int) -> int:
    """The seed of group ``group`` (1-based) in a session with seed ``seed``: ``seed * 1000 + group``."""
    if not 1 <= group <= MAX_GROUPS:
        raise TeachingError(
            Text(
                f"gruppe {group} findes ikke; forventet: 1–{MAX_GROUPS}",
                f"group {group} does not exist; expected: 1–{MAX_GROUPS}",
            )
        )
    return seed * GROUP_STRIDE + group


def group_folder_name(group: int) -> str:
    return f"gruppe_{group:02d}"


def planted_truth(truth: dict[str, Any]) -> dict[str, Any]:
    """What a teacher needs from ``truth.json``: the lenient roles, the straight-liners, the delimitations.

    Returns a dict with ``lenient_roles`` (role → planted offset, roles with offset 0 left out),
    ``straightliners`` (informant ids), ``delimitations`` (list of ``{delimitation_id, practice_id,
    shift}``) and ``n_practices`` (practices interviewed).
    """
    return {
        "lenient_roles": {role: offset for role, offset in sorted(truth["role_offsets"].items()) if offset != 0},
        "straightliners": list(truth["straightliners"]),
        "delimitations": [
            {"delimitation_id": key, "practice_id": value["practice_id"], "shift": value["shift"]}
            for key, value in sorted(truth["delimitations"].items())
        ],
        "n_practices": len(truth["interviewed"]),
    }


def render_handout(
    notebook: nbformat.NotebookNode, html_path: Path, language: str, title: str, back_href: str | None
) -> Path:
    """A handout page: the reports' offline template with the code shown (students learn the calls),
    linking back to the teacher's index (``back_href``) or, for students, nowhere (``None``)."""
    back = phrase(PHRASES, "back_teacher", language)
    return export_html(notebook, html_path, language, title, show_input=True, back_href=back_href, back_label=back)


def _write_notebook(notebook: nbformat.NotebookNode, path: Path) -> Path:
    return atomic_write_text(path, nbformat.writes(notebook))


def make_handout(out_dir: Path, group: int, seed: int, language: str = "da", kernel_name: str = KERNEL_NAME) -> Handout:
    """Execute the tutorial for one group and write its student and teacher versions (module docstring)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    handout = Handout(group=group, seed=group_seed(seed, group), folder=Path(out_dir) / group_folder_name(group))
    handout.folder.mkdir(parents=True, exist_ok=True)
    running = handout.folder / ".executing.ipynb"
    os.environ.setdefault("MPLBACKEND", "agg")
    try:
        papermill.execute_notebook(
            str(LANGUAGE_NOTEBOOKS[language]),
            str(running),
            parameters={"seed": handout.seed, "language": language, "work_dir": WORK_DIR},
            kernel_name=kernel_name,
            progress_bar=False,
            cwd=str(handout.folder),
        )
    except PapermillExecutionError as exc:
        failed = handout.folder / "failed.ipynb"
        os.replace(running, failed)
        cell = f"{exc.cell_index}: {exc.ename}: {exc.evalue}"  # the kernel's own words, as it wrote them
        raise TeachingError(
            Text(
                f"gruppe {group} (seed {handout.seed}): notebooken fejlede i celle {cell}; se {failed}",
                f"group {group} (seed {handout.seed}): the notebook failed in cell {cell}; see {failed}",
            )
        ) from None
    teacher = nbformat.read(running, as_version=4)
    running.unlink()
    student = strip_cells(teacher, set(WITHHELD_TAGS))
    title = phrase(PHRASES, "handout_title", language, group=group, seed=handout.seed)
    _write_notebook(teacher, handout.folder / "teacher.ipynb")
    _write_notebook(student, handout.folder / "student.ipynb")
    render_handout(
        teacher,
        handout.folder / "teacher.html",
        language,
        title + phrase(PHRASES, "teacher_suffix", language),
        "../index.html",
    )
    render_handout(student, handout.folder / "student.html", language, title, None)
    return handout


def _read_json(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _group_section(handout: Handout, language: str) -> str:
    def t(key: str, **values: object) -> str:
        return phrase(PHRASES, key, language, **values)

    truth = planted_truth(json.loads((handout.study_dir / "truth.json").read_text(encoding="utf-8")))
    planted = [
        (t("seed"), str(handout.seed)),
        (t("n_practices"), str(truth["n_practices"])),
        (
            t("lenient"),
            "; ".join(t("lenient_value", role=r, offset=o) for r, o in truth["lenient_roles"].items())
            or t("no_lenient"),
        ),
        (t("straightliners"), ", ".join(truth["straightliners"]) or t("none")),
        (
            t("delimitation"),
            "; ".join(
                t("delimitation_value", practice=d["practice_id"], delimitation=d["delimitation_id"], shift=d["shift"])
                for d in truth["delimitations"]
            )
            or t("none"),
        ),
    ]
    findings = _read_json(handout.folder / WORK_DIR / "findings.json")
    if findings is None:
        found_html = f'<p class="flag">{html.escape(t("no_findings"))}</p>'
    else:
        offsets = ", ".join(f"{role} {value:+.3f}" for role, value in findings["role_offsets_vs_leader"].items())
        found = [
            (t("highest_role"), findings["highest_role"]),
            (
                t("role_offsets"),
                f"{offsets} ({t('significant' if findings['roles_significant'] else 'not_significant')})",
            ),
            (t("straightliners"), ", ".join(findings["straightliners"]) or t("none")),
            (t("delimitation_moved"), ", ".join(findings["delimitation_moved"]) or t("none")),
        ]
        found_html = f'<table class="keyvalue">{key_value_rows(found)}</table>'
    name = group_folder_name(handout.group)
    links = " &middot; ".join(
        f'{html.escape(t(version))}: <a href="{name}/{version}.html">HTML</a>, <a href="{name}/{version}.ipynb">.ipynb</a>'
        for version in ("student", "teacher")
    )
    return f"""<h2 id="{name}">{html.escape(t("group", group=handout.group))}</h2>
<p>{links}</p>
<h3>{html.escape(t("planted"))}</h3>
<table class="keyvalue">{key_value_rows(planted)}</table>
<h3>{html.escape(t("found"))}</h3>
{found_html}"""


def write_teacher_index(out_dir: Path, handouts: list[Handout], seed: int, language: str = "da") -> Path:
    """The teacher's ``index.html``: per group its seed, links, the planted truth and what the checks found."""
    title = phrase(PHRASES, "title", language)
    sections = "\n".join(_group_section(h, language) for h in sorted(handouts, key=lambda h: h.group))
    body = f"""<h1>{html.escape(title)}</h1>
<p class="subtitle">lovende teach &middot; seed {seed} &middot; {len(handouts)} {"grupper" if language == "da" else "groups"}</p>
<p class="notice">{html.escape(phrase(PHRASES, "intro", language))}</p>
<p>{html.escape(phrase(PHRASES, "expect", language))}</p>
{sections}"""
    return atomic_write_text(Path(out_dir) / "index.html", html_page(title, body, language))


def make_handouts(out_dir: Path, *, groups: int, seed: int, language: str = "da", jobs: int = 1) -> Path:
    """One handout per group, each on its own simulated study, and the teacher's index; return the index path.

    Parameters
    ----------
    out_dir : Path
        Where the group folders and ``index.html`` go (created; never under ``data/raw/``).
    groups : int
        Number of groups, 1–999.
    seed : int
        The session's seed; group ``g`` runs on :func:`group_seed` ``(seed, g)``.
    language : {'da', 'en'}
        The handouts' language.
    jobs : int
        Groups executed at the same time (each runs its own kernel).

    Returns
    -------
    Path
        ``<out_dir>/index.html``.
    """
    check_language(language)
    if isinstance(groups, bool) or not isinstance(groups, int) or not 1 <= groups <= MAX_GROUPS:
        raise TeachingError(
            Text(
                f"antal grupper skal være et heltal mellem 1 og {MAX_GROUPS}, fandt {groups!r}",
                f"the number of groups must be a whole number between 1 and {MAX_GROUPS}, found {groups!r}",
            )
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise TeachingError(
            Text(
                f"seed skal være et ikke-negativt heltal, fandt {seed!r}",
                f"seed must be a non-negative whole number, found {seed!r}",
            )
        )
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise TeachingError(
            Text(
                f"jobs skal være et positivt heltal, fandt {jobs!r}",
                f"jobs must be a positive whole number, found {jobs!r}",
            )
        )
    out_dir = Path(out_dir).resolve()
    refuse_raw(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    numbers = range(1, groups + 1)
    if jobs == 1:
        handouts = [make_handout(out_dir, g, seed, language) for g in numbers]
    else:
        # Processes, not threads: papermill runs each kernel in its working directory by changing the
        # process's own (os.chdir), so two groups in threads of one process would write into one folder.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(make_handout, out_dir, g, seed, language) for g in numbers]
            handouts = [future.result() for future in futures]
    return write_teacher_index(out_dir, handouts, seed, language)
