"""Rendering executed notebooks to self-contained HTML, the landing page, and provenance.

Pages are rendered with nbconvert's lab template minus everything it would fetch from a CDN
(require.js, MathJax, mermaid), with inputs hidden and images embedded, so a single file can be mailed
and read offline. The landing page ``index.html`` links every page and carries the provenance a
reviewer needs to trust a figure: input checksums, instrument version, parameters, package versions,
git commit, start time and duration.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.metadata
import json
import platform
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mistune
import nbformat

from lovende_research.caveats import study_caveats
from lovende_research.config import PROJECT_ROOT
from lovende_research.i18n import check_language, number, phrase
from lovende_research.io import atomic_write_text
from lovende_research.study import Study
from lovende_research.table_exports import EXPORT_FOLDER

TEMPLATE_DIR = Path(__file__).with_name("report_templates")
#: Packages whose versions a reader needs to reproduce the numbers.
PROVENANCE_PACKAGES: tuple[str, ...] = (
    "lovende-research",
    "numpy",
    "pandas",
    "pandera",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "pyarrow",
    "openpyxl",
    "xlsxwriter",
    "pyreadstat",
)

#: Every page's Content-Security-Policy: no script at all (the pages need none, so none that a study's
#: data smuggles in can run), images and fonts only embedded, styles only the page's own, no form
#: targets and no base URL. A ``<meta>`` carries it, since pages are mailed and opened from disk.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)

PHRASES = {
    "back": ("Oversigt", "Overview"),
    "title": ("Kortlægning af lovende praksis", "Mapping of promising practice"),
    "pages": ("Sider", "Pages"),
    "practice_pages": ("Praksisser", "Practices"),
    "notebook": ("kørt notebook", "executed notebook"),
    "made_by": ("lavet i kørsel {run}", "made in run {run}"),
    "stale_pages": ("Forældede sider", "Stale pages"),
    "stale_note": (
        "Disse sider er lavet i en tidligere kørsel på tabeller, der siden er beregnet igen, og linkes derfor ikke "
        "her. Kør trinnet igen (fx uden --only).",
        "These pages were made in an earlier run from tables recomputed since, so they are not linked here. Run the "
        "stage again (for example without --only).",
    ),
    "no_stages": (
        "Ingen analysetrin er kørt endnu: studiet er valideret, og dets indhold er opsummeret nedenfor.",
        "No analysis stage has run yet: the study was validated and its contents are summarised below.",
    ),
    "summary": ("Studiet", "The study"),
    "candidates": ("Kandidatpraksisser", "Candidate practices"),
    "screeners": ("Screenere", "Screeners"),
    "practices_interviewed": ("Interviewede praksisser", "Practices interviewed"),
    "interviews": ("Interview", "Interviews"),
    "coders": ("Kodere", "Coders"),
    "codings": ("Kodninger (rækker)", "Codings (rows)"),
    "validated": ("Valideret uden problemer", "Validated without problems"),
    "provenance": ("Proveniens", "Provenance"),
    "inputs": ("Inputfiler (SHA-256)", "Input files (SHA-256)"),
    "parameters": ("Parametre", "Parameters"),
    "packages": ("Pakkeversioner", "Package versions"),
    "commit": ("Git-commit", "Git commit"),
    "started": ("Startet", "Started"),
    "duration": ("Varighed", "Duration"),
    "seconds": ("{value} sekunder", "{value} seconds"),
    "instrument_version": ("Måleredskabets version", "Measuring tool version"),
    "yes": ("ja", "yes"),
    "exports": ("Tabeller (XLSX og CSV)", "Tables (XLSX and CSV)"),
    "exports_note": (
        "Hvert trins tabeller som én regnearksfil med et ark pr. tabel, og hver tabel som CSV.",
        "Each stage's tables as one workbook with a sheet per table, and each table as CSV.",
    ),
}


@dataclass
class Provenance:
    """What a reader needs to reproduce a report: inputs, parameters, software, time."""

    checksums: dict[str, str]
    instrument_version: str
    parameters: dict[str, dict[str, Any]]
    packages: dict[str, str]
    git_commit: str | None
    started: dt.datetime
    duration_seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checksums": self.checksums,
            "instrument_version": self.instrument_version,
            "parameters": self.parameters,
            "packages": self.packages,
            "git_commit": self.git_commit,
            "started": self.started.isoformat(timespec="seconds"),
            "duration_seconds": round(self.duration_seconds, 1),
            "python": platform.python_version(),
        }


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PROVENANCE_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "ikke installeret"
    return versions


def git_commit(root: Path = PROJECT_ROOT) -> str | None:
    """The checked-out commit, marked ``-dirty`` when the work tree differs; ``None`` outside git."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("-dirty" if status.strip() else "")


def strip_cells(notebook: nbformat.NotebookNode, tags: set[str]) -> nbformat.NotebookNode:
    """A copy of ``notebook`` without the cells carrying any of ``tags`` (nbconvert's tag removal).

    Removing a cell removes its outputs with it: a student handout holds no trace of a solution, and a
    Danish page no English prose.
    """
    from nbconvert.preprocessors import TagRemovePreprocessor

    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    stripped, _ = TagRemovePreprocessor(remove_cell_tags=set(tags), enabled=True).preprocess(copy, {})
    return stripped


class _DataMarkdownRenderer(mistune.HTMLRenderer):
    """Markdown as a notebook prints it: raw HTML shown as text, links and images as their text.

    A notebook's Markdown *outputs* (``display(Markdown(...))``) are built from a study's data (titles,
    ids, notes), unlike its Markdown cells, which the project wrote. An ``<img onerror=…>`` in an id, or
    ``[klik](javascript:…)`` in a note, must reach the reviewer's page as the characters typed.
    """

    def __init__(self) -> None:
        super().__init__(escape=True)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        return text

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return text


_data_markdown = mistune.create_markdown(renderer=_DataMarkdownRenderer(), plugins=["table", "strikethrough"])


def data_markdown_html(markdown: str) -> str:
    """A Markdown output → HTML with everything that came from data inert (see :class:`_DataMarkdownRenderer`).

    Emphasis, lists, quotes and tables render; HTML, links and images do not.

    >>> data_markdown_html("**T <img src=x onerror=alert(1)>** [klik](javascript:alert(1))")
    '<p><strong>T &lt;img src=x onerror=alert(1)&gt;</strong> klik</p>\\n'
    """
    return str(_data_markdown(markdown))


def export_html(
    notebook: nbformat.NotebookNode,
    html_path: Path,
    language: str = "da",
    title: str = "lovende-research",
    *,
    show_input: bool = False,
    back_href: str | None = "index.html",
    back_label: str | None = None,
) -> Path:
    """A notebook → one self-contained HTML file in the offline template: images embedded, no CDN.

    ``show_input`` keeps the code (handouts, where students learn the calls); reviewers' pages hide it.
    ``back_href`` is the navigation link's target, or ``None`` for a page without one; ``back_label``
    its text (default: "Oversigt"/"Overview").
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lovende",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=not show_input,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        # the page's <html lang>: nbconvert says English by default, and a browser would then hyphenate
        # and read a Danish page aloud as English
        language_code=check_language(language),
        filters={"lovende_data_markdown": data_markdown_html},
    )
    label = back_label if back_label is not None else phrase(PHRASES, "back", language)
    resources = {
        "lovende_back": label,
        "lovende_back_href": back_href,
        "lovende_csp": CONTENT_SECURITY_POLICY,
        "metadata": {"name": title},
    }
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return atomic_write_text(html_path, body)


def render_notebook(
    notebook_path: Path,
    html_path: Path,
    language: str = "da",
    title: str = "lovende-research",
    paths: dict[str, str] | None = None,
) -> Path:
    """An executed stage notebook → the reviewers' page: inputs hidden, prose in the report's language.

    Notebook prose is written twice, in Danish and English markdown cells tagged ``da`` and ``en``
    (a student in Jupyter sees both); the page keeps only the report's language. papermill's
    injected-parameters cell gets a fresh random id on every run and shows nothing with inputs hidden;
    the parameters are listed on the index page instead. ``paths`` maps absolute local paths to what
    the page shows instead (:func:`hide_local_paths`).
    """
    hidden = {code for code in ("da", "en") if code != check_language(language)} | {"injected-parameters"}
    notebook = strip_cells(nbformat.read(notebook_path, as_version=4), hidden)
    return export_html(hide_local_paths(notebook, paths or {}), html_path, language, title)


def hide_local_paths(notebook: nbformat.NotebookNode, paths: dict[str, str]) -> nbformat.NotebookNode:
    """``notebook`` with every path in ``paths`` written in its outputs replaced by its label, longest first.

    A page is mailed: the folder layout of the machine that ran it (a user name in a home folder) is no
    reader's business, and a stage's staging folder (:mod:`lovende_research.stage_commits`), which
    changes with every run, would make the same inputs give different pages.

    >>> cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text="gemt i /home/mette/p/.run-1/s/x")])
    >>> notebook = nbformat.v4.new_notebook(cells=[cell])
    >>> hide_local_paths(notebook, {"/home/mette/p": "processed", "/home/mette/p/.run-1": "processed"}).cells[0].outputs[0].text
    'gemt i processed/s/x'
    """
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if isinstance(output.get("text"), str):
                output["text"] = without_local_paths(output["text"], paths)
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    output["data"][mime] = without_local_paths(value, paths)
    return notebook


def without_local_paths(text: str, paths: dict[str, str]) -> str:
    """``text`` with every path in ``paths`` replaced by its label, the longest path first."""
    for path, label in sorted(paths.items(), key=lambda pair: -len(pair[0])):
        text = text.replace(path, label)
    return text


@dataclass(frozen=True)
class Page:
    """A rendered page and the executed notebook it came from, relative to the reports folder."""

    title: str
    html: str
    notebook: str | None = None
    #: The run that made the page (a stage page; see :mod:`lovende_research.page_runs`).
    run: str = ""


STYLE = """
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 980px; margin: 2rem auto;\
 padding: 0 1.5rem; color: #1f2933; line-height: 1.5; }
  h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d9e2ec; padding-bottom: 0.3rem; }
  .subtitle { color: #52606d; margin-top: 0; }
  .notice { background: #fff8e1; border-left: 4px solid #f0b429; padding: 0.6rem 0.9rem; margin: 0.6rem 0; }
  .flag { background: #fdecea; border-left: 4px solid #d64545; padding: 0.4rem 0.9rem; margin: 0.4rem 0; }
  table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
  th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
  table.keyvalue th { width: 40%; font-weight: 600; }
  td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
  code { font-size: 0.8rem; word-break: break-all; }
  ul.pages li { margin: 0.3rem 0; }
  ul.practices { columns: 2; }
  img.figure { max-width: 100%; height: auto; }
  nav { font-size: 0.95rem; }
  @media print { img, svg, figure, table, tr, .notice, .flag { break-inside: avoid; } h2, h3 { break-after: avoid; } nav { display: none; } }
"""


def html_page(title: str, body: str, language: str) -> str:
    """A complete, self-contained page in the house style: no scripts (nor may any run), nothing fetched."""
    return f"""<!DOCTYPE html>
<html lang="{check_language(language)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{html.escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
{body}
</body>
</html>
"""


def key_value_rows(pairs: list[tuple[str, str]], code: bool = False) -> str:
    """Table rows of label → value, escaped (values in ``<code>`` for checksums and parameters)."""
    wrap = (lambda v: f"<code>{html.escape(v)}</code>") if code else html.escape
    return "\n".join(f"<tr><th>{html.escape(k)}</th><td>{wrap(v)}</td></tr>" for k, v in pairs)


def study_notices(study: Study, language: str) -> str:
    """:func:`study_caveats` as the highlighted notices at the top of a page."""
    return "".join(f'<p class="notice">{html.escape(text)}</p>' for text in study_caveats(study, language))


def export_links(reports_dir: Path) -> str:
    """List items linking each workbook in ``tabeller/`` (:mod:`lovende_research.table_exports`) and its CSV copies."""
    folder = Path(reports_dir) / EXPORT_FOLDER
    items = []
    for workbook in sorted(folder.glob("*.xlsx")):
        copies = sorted((folder / workbook.stem).glob("*.csv"))
        csv_links = ", ".join(
            f'<a href="{html.escape(c.relative_to(reports_dir).as_posix())}">{html.escape(c.name)}</a>' for c in copies
        )
        items.append(
            f'<li><a href="{html.escape(workbook.relative_to(reports_dir).as_posix())}">{html.escape(workbook.name)}</a>'
            + (f" &middot; CSV: {csv_links}" if csv_links else "")
            + "</li>"
        )
    return "\n".join(items)


def write_index(
    study: Study,
    reports_dir: Path,
    pages: list[Page],
    provenance: Provenance,
    language: str = "da",
    practice_pages: list[Page] | None = None,
    paths: dict[str, str] | None = None,
    stale: list[Page] | None = None,
) -> Path:
    """The landing page: summary, links to every page with the run that made it, provenance. Plain HTML, no scripts.

    ``stale`` pages (made from tables recomputed since) are named with their run, not linked.

    ``paths`` maps absolute local paths in the parameters to what the page shows instead, as on the
    stage pages (:func:`hide_local_paths`); ``provenance.json`` keeps them as they were.
    """

    def t(key: str, **values: object) -> str:
        return html.escape(phrase(PHRASES, key, language, **values))

    codings = study.codings
    summary = [
        (phrase(PHRASES, "candidates", language), str(len(study.candidates))),
        (phrase(PHRASES, "screeners", language), str(study.screening["screener_id"].nunique())),
        (phrase(PHRASES, "practices_interviewed", language), str(study.interviews["practice_id"].nunique())),
        (phrase(PHRASES, "interviews", language), str(len(study.interviews))),
        (phrase(PHRASES, "coders", language), str(codings.loc[~codings["is_consensus"], "coder_id"].nunique())),
        (phrase(PHRASES, "codings", language), str(len(codings))),
        (phrase(PHRASES, "validated", language), phrase(PHRASES, "yes", language)),
    ]
    links = "\n".join(
        f'<li><a href="{html.escape(p.html)}">{html.escape(p.title)}</a>'
        + (f' &middot; <a href="{html.escape(p.notebook)}">{t("notebook")}</a>' if p.notebook else "")
        + (f' &middot; <span class="run">{t("made_by", run=p.run)}</span>' if p.run else "")
        + "</li>"
        for p in pages
    )
    stale_items = "\n".join(
        f'<li>{html.escape(p.title)} &middot; <span class="run">{t("made_by", run=p.run)}</span></li>'
        for p in stale or []
    )
    practices = "\n".join(
        f'<li><a href="{html.escape(p.html)}">{html.escape(p.title)}</a></li>' for p in practice_pages or []
    )
    exports = export_links(reports_dir)
    parameters = [
        (f"{stage}: {name}", without_local_paths(repr(value), paths or {}))
        for stage, values in sorted(provenance.parameters.items())
        for name, value in sorted(values.items())
    ]
    facts = [
        (phrase(PHRASES, "instrument_version", language), provenance.instrument_version),
        (phrase(PHRASES, "commit", language), provenance.git_commit or "–"),
        (phrase(PHRASES, "started", language), provenance.started.isoformat(timespec="seconds")),
        (
            phrase(PHRASES, "duration", language),
            phrase(PHRASES, "seconds", language, value=number(provenance.duration_seconds, language, 1)),
        ),
    ]
    body = f"""<h1>{html.escape(study.config.title)}</h1>
<p class="subtitle">{t("title")} &middot; lovende-research</p>
{study_notices(study, language)}
<h2>{t("pages")}</h2>
{f'<ul class="pages">{links}</ul>' if pages else f"<p>{t('no_stages')}</p>"}
{f'<h2>{t("stale_pages")}</h2><p>{t("stale_note")}</p><ul class="stale">{stale_items}</ul>' if stale_items else ""}
{f'<h2>{t("practice_pages")}</h2><ul class="practices">{practices}</ul>' if practices else ""}
{f'<h2>{t("exports")}</h2><p>{t("exports_note")}</p><ul class="exports">{exports}</ul>' if exports else ""}
<h2>{t("summary")}</h2>
<table class="keyvalue">{key_value_rows(summary)}</table>
<h2>{t("provenance")}</h2>
<table class="keyvalue">{key_value_rows(facts)}</table>
<h3>{t("inputs")}</h3>
<table class="keyvalue">{key_value_rows(list(provenance.checksums.items()), code=True)}</table>
<h3>{t("parameters")}</h3>
<table class="keyvalue">{key_value_rows(parameters, code=True)}</table>
<h3>{t("packages")}</h3>
<table class="keyvalue">{key_value_rows(list(provenance.packages.items()))}</table>"""
    return atomic_write_text(reports_dir / "index.html", html_page(study.config.title, body, language))
