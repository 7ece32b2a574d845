"""One page per interviewed practice: its profile with intervals, coverage, rank, flags and delimitation.

Why not a notebook per practice: at national scale (thousands of practices) a kernel start per page
would cost more than the whole analysis. The pages are rendered from the tables the stage notebooks
wrote, in one process or in ``jobs`` worker processes; only the profile figure is drawn per practice,
on one figure reused for a job of practices (:class:`~lovende_research.plots.scores.ProfileCharts`).

The profile figures need only the scoring stage's tables, so :func:`start_profile_figures` lets the
runner draw them in the background while the later stage notebooks run in their kernel (the runner's
own process is otherwise idle then); :func:`write_practice_pages` collects them at the end. The figures
are per-practice pages' own: notebook 02 draws only the two it shows.
"""

from __future__ import annotations

import base64
import html
import json
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lovende_research.i18n import number, phrase
from lovende_research.instrument import Instrument
from lovende_research.io import atomic_write_text, file_in
from lovende_research.qda.quotes import quotes_section
from lovende_research.report import Page, html_page, key_value_rows, study_notices
from lovende_research.rounds.page import change_link
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.study import Study
from lovende_research.synthesis import check_label, read_main_delimitation

#: Folder of the practice pages inside ``reports/<study>/``.
PAGES_DIR = "praksis"

PHRASES = {
    "back": ("← Oversigt", "← Overview"),
    "practice": ("Praksis", "Practice"),
    "provider": ("Tilbud/organisation", "Service/organisation"),
    "municipality": ("Kommune/organisation", "Municipality/organisation"),
    "target_group": ("Målgruppe", "Target group"),
    "purpose": ("Formål", "Purpose"),
    "delimitation": ("Afgrænsning", "Delimitation"),
    "alternative": ("Alternativ afgrænsning", "Alternative delimitation"),
    "overall": ("Samlet indeks (0–1)", "Overall index (0–1)"),
    "rank": ("Rang", "Rank"),
    "rank_value": ("{rank} af {n} (interval {low}–{high})", "{rank} of {n} (interval {low}–{high})"),
    "p_top": ("Sandsynlighed for top {k}", "Probability of top {k}"),
    "p_top_value": (
        "{p} % (top 10 %, {decile} pladser: {p_decile} %)",
        "{p} % (top 10 %, {decile} places: {p_decile} %)",
    ),
    "method_model": ("model", "model"),
    "method_bootstrap": ("bootstrap", "bootstrap"),
    "informants": ("Informanter", "Informants"),
    "profile": ("Profil", "Profile"),
    "element": ("Element", "Element"),
    "score": ("Score", "Score"),
    "interval": ("Interval", "Interval"),
    "coverage": ("Dækning", "Coverage"),
    "spread": ("Spredning mellem informanter", "Spread between informants"),
    "insufficient": ("utilstrækkelig dækning", "insufficient coverage"),
    "flags": ("Opmærksomhedspunkter", "Flags"),
    "no_flags": ("Ingen opmærksomhedspunkter fra tjekkene.", "No flags from the checks."),
    "bias_not_run": (
        "Tjekket for subjektivitetsbias er ikke kørt for dette studie; praksissens opmærksomhedspunkter mangler derfor.",
        "The subjectivity-bias checks have not run for this study, so the practice's flags are missing.",
    ),
    "progress": ("praksissider", "practice pages"),
    "progress_unit": ("side", "page"),
    "bias_stale": (
        "Tjekket for subjektivitetsbias er fra en tidligere kørsel på scorer, der siden er beregnet igen; dets "
        "opmærksomhedspunkter vises derfor ikke her. Kør trinnet bias igen.",
        "The subjectivity-bias checks are from an earlier run on scores that have been recomputed since, so their "
        "flags are not shown here. Run the bias stage again.",
    ),
    "sikker": (
        "Mulig sikker praksis: mindst ét interview svarer, at effekten er testet i et videnskabeligt forsøg (eller "
        "koderne er uenige). Evidensen bør vurderes af en ekspert; det indgår ikke i den lovende score.",
        "Possible sikker praksis: at least one interview says the effect was tested in a scientific trial (or the "
        "coders disagree). The evidence needs an expert look; it is not part of the lovende score.",
    ),
    "not_scored": ("ingen score", "no score"),
    "fair": ("Rollejusteret", "Role-adjusted"),
    "fair_overall": (
        "Samlet indeks med samme rollesammensætning for alle",
        "Overall index with the same role mix for all",
    ),
    "fair_rank": ("nr. {rank}", "rank {rank}"),
}


#: Practices per figure job: each job draws its practices on one reused figure
#: (:class:`~lovende_research.plots.scores.ProfileCharts`). At most this many; fewer when a study has
#: few practices, so every worker still gets several jobs and the workers stay evenly busy.
FIGURES_PER_JOB = 100


@dataclass(frozen=True)
class _PracticeFigures:
    profiles: dict[str, pd.DataFrame]  # each practice's rows of the profiles table, in drawing order
    instrument: Instrument
    language: str
    ci: float


def _profile_svgs(job: _PracticeFigures) -> dict[str, bytes]:
    """Draw some practices' profiles (in a worker process when ``jobs > 1``) and return their SVG bytes."""
    from lovende_research.plots import scores as score_plots

    charts = score_plots.ProfileCharts(job.instrument, job.language, job.ci)
    try:
        return {pid: charts.svg(profile, pid, MAIN_DELIMITATION) for pid, profile in job.profiles.items()}
    finally:
        charts.close()


def _interval_level(scores_dir: Path) -> float:
    return float(_scoring_parameters(scores_dir).get("ci", 0.95))


def _scoring_parameters(scores_dir: Path) -> dict[str, Any]:
    manifest = scores_dir / "manifest.json"
    return dict(json.loads(manifest.read_text(encoding="utf-8"))["parameters"]) if manifest.is_file() else {}


class ProfileFigures:
    """The per-practice profile SVGs being drawn: one future per job of practices, collected by :meth:`result`.

    With ``jobs == 1`` the figures are drawn in one background thread of this process (matplotlib's Agg
    backend, used by no other thread meanwhile); with ``jobs > 1`` in worker processes, started here,
    between two stages, so no kernel client is live when the workers fork.
    """

    def __init__(self, figures: list[_PracticeFigures], jobs: int = 1):
        self.practice_ids = [pid for f in figures for pid in f.profiles]
        self._executor: Executor = (
            ProcessPoolExecutor(max_workers=jobs)
            if jobs > 1 and len(figures) > 1
            else ThreadPoolExecutor(max_workers=1)
        )
        self._futures: list[Future[dict[str, bytes]]] = [self._executor.submit(_profile_svgs, f) for f in figures]

    def result(self) -> dict[str, bytes]:
        """Every practice's SVG bytes (waits for the drawing to finish; re-raises its error)."""
        try:
            return {pid: svg for f in self._futures for pid, svg in f.result().items()}
        finally:
            self._executor.shutdown(wait=True)

    def cancel(self) -> None:
        """Stop drawing (a later stage failed): figures not yet started are dropped."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def start_profile_figures(study: Study, processed: Path, language: str = "da", jobs: int = 1) -> ProfileFigures | None:
    """Start drawing every scored practice's profile from the scoring stage's tables; None if it has not run."""
    scores_dir = processed / "scores"
    if not (scores_dir / "profiles.parquet").is_file():
        return None
    profiles = read_main_delimitation(scores_dir / "profiles.parquet")
    ci = _interval_level(scores_dir)
    practice_ids = sorted(profiles["practice_id"].astype(str).unique())
    by_practice = _by_practice(profiles)
    size = max(1, min(FIGURES_PER_JOB, -(-len(practice_ids) // (4 * jobs))))
    chunks = [practice_ids[i : i + size] for i in range(0, len(practice_ids), size)]
    return ProfileFigures(
        [
            _PracticeFigures({pid: by_practice[pid] for pid in chunk}, study.instrument, language, ci)
            for chunk in chunks
        ],
        jobs,
    )


def write_practice_pages(
    study: Study,
    processed: Path,
    reports: Path,
    language: str = "da",
    jobs: int = 1,
    figures: ProfileFigures | None = None,
    *,
    use_bias: bool = True,
    progress: bool = False,
) -> list[Page]:
    """Write ``reports/<study>/praksis/<practice_id>.html`` for every scored practice; return the pages.

    Reads the scoring stage's ``profiles``, ``overall``, ``ranks`` and ``screen_flags`` tables (and its
    interval level from ``manifest.json``) and, when the bias stage ran, its ``flags`` table. Returns an
    empty list when the scoring stage has not run. ``figures`` are profiles already being drawn by
    :func:`start_profile_figures` since the scoring stage (same tables, same language); without them
    the figures are drawn here. ``use_bias=False`` (the bias stage's outputs were computed from other
    scores than those in place) leaves its flags and role-adjusted scores out and says why, so a page
    never mixes one run's scores with another's checks. A page of a practice no longer scored is removed.
    ``progress`` shows a bar on stderr while the pages are written (thousands on a national study).
    """
    from tqdm.auto import tqdm

    scores_dir = processed / "scores"
    if not (scores_dir / "profiles.parquet").is_file():
        if figures is not None:
            figures.cancel()
        return []
    profiles = read_main_delimitation(scores_dir / "profiles.parquet")
    overall = read_main_delimitation(scores_dir / "overall.parquet").set_index("practice_id")
    ranks = read_main_delimitation(scores_dir / "ranks.parquet").set_index("practice_id")
    screen = read_main_delimitation(scores_dir / "screen_flags.parquet").set_index("practice_id")
    ci = _interval_level(scores_dir)
    method = str(_scoring_parameters(scores_dir).get("interval_method", "bootstrap"))
    flags_file = processed / "bias" / "flags.parquet"
    bias_stale = not use_bias and flags_file.is_file()
    flags = pd.read_parquet(flags_file) if flags_file.is_file() and use_bias else None
    fair = _fair_tables(processed / "bias") if use_bias else None

    practice_ids = sorted(profiles["practice_id"].astype(str).unique())
    if figures is None or figures.practice_ids != practice_ids:
        if figures is not None:
            figures.cancel()
        figures = start_profile_figures(study, processed, language, jobs)
    svgs = figures.result() if figures is not None else {}

    candidates = study.candidates.set_index("practice_id")
    # Each practice's rows, split once: filtering the whole tables for each of 6,000 practices took
    # longer than writing the pages.
    profile_of, flags_of = _by_practice(profiles), _by_practice(flags)
    cells_of = _by_practice(fair[0]) if fair is not None else {}
    pages = []
    for pid in tqdm(
        practice_ids,
        desc=phrase(PHRASES, "progress", language),
        unit=phrase(PHRASES, "progress_unit", language),
        disable=not progress,
    ):
        body = _practice_body(
            study,
            pid,
            candidates.loc[pid],
            profile_of[pid],
            overall,
            ranks,
            screen,
            flags_of.get(pid, flags.iloc[:0]) if flags is not None else None,
            svgs[pid],
            language,
            ci,
            (cells_of.get(pid, fair[0].iloc[:0]), fair[1]) if fair is not None else None,
            method,
            bias_stale,
        )
        body += change_link(reports, pid, language)  # the rounds' change page (lovende compare), when written
        body += quotes_section(
            study, processed, pid, language
        )  # the coded segments behind the scores (show_quotes: true)
        name = str(candidates.at[pid, "name"])
        atomic_write_text(file_in(reports / PAGES_DIR, f"{pid}.html"), html_page(f"{pid}: {name}", body, language))
        pages.append(Page(f"{pid}: {name}", f"{PAGES_DIR}/{pid}.html"))
    for old in (reports / PAGES_DIR).glob("*.html"):
        if old.stem not in practice_ids:
            old.unlink()  # a practice of an earlier run that this run no longer scores
    return pages


def _by_practice(frame: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """``frame``'s rows by practice id (none for no frame)."""
    if frame is None:
        return {}
    return {str(pid): rows for pid, rows in frame.groupby(frame["practice_id"].astype(str), sort=False)}


def _fair_tables(bias_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The bias stage's role-adjusted cells and overall index (by practice), when it ran and could adjust."""
    cells_file, overall_file = bias_dir / "fair_profiles.parquet", bias_dir / "fair_overall.parquet"
    if not (cells_file.is_file() and overall_file.is_file()):
        return None
    cells, overall = pd.read_parquet(cells_file), pd.read_parquet(overall_file)
    if overall.empty or not bool(overall["adjusted"].all()):
        return None
    return cells, overall.set_index("practice_id")


def _practice_body(
    study: Study,
    pid: str,
    candidate: pd.Series,
    profile: pd.DataFrame,
    overall: pd.DataFrame,
    ranks: pd.DataFrame,
    screen: pd.DataFrame,
    flags: pd.DataFrame | None,
    svg: bytes,
    language: str,
    ci: float,
    fair: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    method: str = "model",
    bias_stale: bool = False,
) -> str:
    def t(key: str, **values: object) -> str:
        return html.escape(phrase(PHRASES, key, language, **values))

    facts = [
        (phrase(PHRASES, "provider", language), str(candidate["provider"])),
        (phrase(PHRASES, "municipality", language), str(candidate["municipality"])),
        (phrase(PHRASES, "target_group", language), str(candidate["target_group"])),
        (phrase(PHRASES, "purpose", language), str(candidate["purpose"]).replace(";", ", ")),
        (phrase(PHRASES, "delimitation", language), str(candidate.get("delimitation", "") or "–")),
    ]
    if study.delimitations is not None:
        for record in study.delimitations[study.delimitations["practice_id"] == pid].itertuples():
            facts.append(
                (
                    f"{phrase(PHRASES, 'alternative', language)} ({record.delimitation_id})",
                    f"{record.label}. {record.description}".strip(". "),
                )
            )
    interviews = study.interviews[study.interviews["practice_id"] == pid]
    roles = ", ".join(f"{role} ({n})" for role, n in interviews["informant_role"].value_counts().sort_index().items())
    facts.append((phrase(PHRASES, "informants", language), roles))
    if pid in overall.index:
        row = overall.loc[pid]
        facts.append(
            (
                phrase(PHRASES, "overall", language),
                f"{number(row['overall'], language)} [{number(row['ci_low'], language)}; {number(row['ci_high'], language)}]",
            )
        )
    if pid in ranks.index and not pd.isna(ranks.at[pid, "rank"]):
        r = ranks.loc[pid]
        facts.append(
            (
                phrase(PHRASES, "rank", language),
                phrase(
                    PHRASES,
                    "rank_value",
                    language,
                    rank=int(r["rank"]),
                    n=int(r["n_ranked"]),
                    low=int(r["rank_low"]),
                    high=int(r["rank_high"]),
                ),
            )
        )
        if "p_top_k" in r.index and not pd.isna(r["p_top_k"]):
            facts.append(
                (
                    phrase(PHRASES, "p_top", language, k=int(r["top_k"])),
                    phrase(
                        PHRASES,
                        "p_top_value",
                        language,
                        p=round(100 * float(r["p_top_k"])),
                        decile=int(r["top_decile"]),
                        p_decile=round(100 * float(r["p_top_decile"])),
                    ),
                )
            )

    fair_cells = pd.Series(dtype=float)
    if fair is not None:
        cells, fair_overall = fair
        fair_cells = cells[cells["practice_id"] == pid].set_index("element_id")["fair"]
        if pid in fair_overall.index:
            f = fair_overall.loc[pid]
            facts.append(
                (
                    phrase(PHRASES, "fair_overall", language),
                    f"{number(f['fair'], language)} [{number(f['ci_low'], language)}; {number(f['ci_high'], language)}], "
                    + phrase(PHRASES, "fair_rank", language, rank=number(f["rank_fair"], language, 0)),
                )
            )
    names = {e.id: f"{e.number}. {e.name(language)}" for e in study.instrument.elements}
    rows = []
    for record in profile.set_index("element_id").reindex([e.id for e in study.instrument.elements]).itertuples():
        sufficient = bool(record.sufficient) if not pd.isna(record.sufficient) else False
        score = number(record.score, language) if sufficient else f"<em>{t('insufficient')}</em>"
        interval = (
            f"{number(record.ci_low, language)}–{number(record.ci_high, language)}"
            if sufficient and not pd.isna(record.ci_low)
            else "–"
        )
        spread = (
            f"{number(record.informant_min, language)}–{number(record.informant_max, language)}"
            if not pd.isna(record.informant_min)
            else "–"
        )
        rows.append(
            f"<tr><td>{html.escape(names[record.Index])}</td><td class='number'>{score}</td><td class='number'>{interval}</td>"
            f"<td class='number'>{number(100 * record.coverage, language, 0) if not pd.isna(record.coverage) else '–'} %</td>"
            f"<td class='number'>{spread}</td>"
            + (
                f"<td class='number'>{number(fair_cells.get(record.Index, float('nan')), language)}</td>"
                if fair is not None
                else ""
            )
            + "</tr>"
        )
    notes = []
    if pid in screen.index and bool(screen.at[pid, "possible_sikker"]):
        notes.append(f'<p class="flag">{t("sikker")}</p>')
    if flags is None:
        notes.append(f'<p class="notice">{t("bias_stale" if bias_stale else "bias_not_run")}</p>')
    else:
        raised = flags[(flags["practice_id"] == pid) & flags["flag"].astype(bool)]
        notes.extend(
            f'<p class="flag"><strong>{html.escape(check_label(str(f.check), language))}</strong>: {html.escape(str(f.reason))}</p>'
            for f in raised.itertuples()
        )
        if raised.empty:
            notes.append(f"<p>{t('no_flags')}</p>")
    image = base64.b64encode(svg).decode("ascii")
    return f"""<nav><a href="../index.html">{t("back")}</a></nav>
<h1>{html.escape(pid)}: {html.escape(str(candidate["name"]))}</h1>
<p class="subtitle">{html.escape(study.config.title)}</p>
{study_notices(study, language)}
<table class="keyvalue">{key_value_rows(facts)}</table>
<h2>{t("flags")}</h2>
{"".join(notes)}
<h2>{t("profile")}</h2>
<img class="figure" src="data:image/svg+xml;base64,{image}" alt="{t("profile")} {html.escape(pid)}">
<table>
<tr><th>{t("element")}</th><th class="number">{t("score")}</th><th class="number">\
{t("interval")} ({round(100 * ci)} %, \
{t("method_" + method) if "method_" + method in PHRASES else html.escape(method)})</th><th class="number">\
{t("coverage")}</th><th class="number">{t("spread")}</th>\
{f'<th class="number">{t("fair")}</th>' if fair is not None else ""}</tr>
{"".join(rows)}
</table>"""
