"""The coded segments behind a practice's scores, as a section of its page (``show_quotes: true``).

``lovende import-qdpx`` keeps every coded segment of a project as a quote in
``<processed>/<study>/qda/quotes.parquet`` (:data:`~lovende_research.qda.project.QUOTE_COLUMNS`: text,
source, position, coder, item, level); a study whose codings table is a project (``codings.qdpx``) has
its quotes read from that file (:func:`study_quotes`). A practice page then shows, per element, up to
:data:`QUOTES_PER_ELEMENT` of the segments from the practice's interviews under the main delimitation,
so a reader of a score of 0.11 on *Teori og viden* sees what the informants said.

Quotes are what people said in interviews, so they pass the same guards as notes: the texts ``redact:``
lists are masked, and a quote in which :func:`~lovende_research.personal_data.name_warnings` finds what
looks like a person's name is left out (the section says how many). Text is HTML-escaped.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from lovende_research.i18n import phrase
from lovende_research.instrument import Instrument
from lovende_research.personal_data import name_warnings
from lovende_research.qda.commands import QDA_DIR, QUOTES_FILE
from lovende_research.qda.project import PROJECT_SUFFIXES, read_project
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.study_config import mask
from lovende_research.tables import RawTable

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    from lovende_research.study import Study

QUOTES_PER_ELEMENT = 3

PHRASES = {
    "heading": ("Citater bag scorerne", "Quotes behind the scores"),
    "intro": (
        "Kodede tekststykker fra praksissens interview (højst {n} pr. element), som koderne har givet et svar på spørgsmålet.",
        "Coded segments from the practice's interviews (at most {n} per element), on which the coders based an answer to the item.",
    ),
    "where": (
        "{source}, tegn {start}–{end}; koder {coders}; {item}: {level}",
        "{source}, characters {start}–{end}; coder {coders}; {item}: {level}",
    ),
    "none": ("Ingen kodede tekststykker for denne praksis.", "No coded segments for this practice."),
    "left_out": (
        "{n} citat(er) er udeladt, fordi de ser ud til at rumme et navn på en person.",
        "{n} quote(s) left out because they seem to hold a person's name.",
    ),
}


@lru_cache(maxsize=4)
def _read(path: str, modified: int, instrument: Instrument | None = None) -> pd.DataFrame:
    """The quotes of a file, read once per page run (one page per practice, thousands at national scale):
    a project read against ``instrument`` when one is given, else the Parquet file ``import-qdpx`` wrote."""
    return read_project(Path(path), instrument).quotes if instrument is not None else pd.read_parquet(path)


def study_quotes(study: "Study", processed: Path) -> pd.DataFrame | None:
    """The quotes from where the study's codings come from: its ``codings.qdpx``/``.qde`` when that is its
    codings table, else ``<processed>/qda/quotes.parquet`` from ``lovende import-qdpx``; None without either."""
    codings = study.files.get("codings")
    if codings is not None and codings.suffix.lower() in PROJECT_SUFFIXES:
        return _read(str(codings), codings.stat().st_mtime_ns, study.instrument)
    file = processed / QDA_DIR / QUOTES_FILE
    return _read(str(file), file.stat().st_mtime_ns) if file.is_file() else None


def _guarded(quotes: pd.DataFrame, redact: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """``quotes`` with ``redact`` masked and without those the name guard warns about; and how many it dropped."""
    quotes = quotes.assign(text=quotes["text"].astype(str).map(lambda t: mask(t, redact)))
    probe = RawTable(
        "codings", Path(QUOTES_FILE), pd.DataFrame({"note": quotes["text"].to_numpy()}, index=quotes.index)
    )
    named = {problem.row for problem in name_warnings(probe, ("note",))}
    return quotes.drop(index=[row for row in quotes.index if row in named]), len(named)


def quotes_section(study: "Study", processed: Path, practice_id: str, language: str = "da") -> str:
    """The page section for ``practice_id``; empty unless the study says ``show_quotes: true`` and has quotes."""
    quotes = study_quotes(study, processed) if study.config.show_quotes else None
    if quotes is None:
        return ""
    interviews = set(study.interviews.loc[study.interviews["practice_id"] == practice_id, "interview_id"].astype(str))
    mine = quotes[
        quotes["interview_id"].astype(str).isin(interviews)
        & (quotes["delimitation_id"].astype(str) == MAIN_DELIMITATION)
    ].reset_index(drop=True)

    def t(key: str, **values: object) -> str:
        return html.escape(phrase(PHRASES, key, language, **values))

    parts = [f"<h2>{t('heading')}</h2>", f"<p>{t('intro', n=QUOTES_PER_ELEMENT)}</p>"]
    mine, left_out = _guarded(mine, study.config.redact)
    if mine.empty:
        parts.append(f"<p>{t('none')}</p>")
    labels = {str(p.code): p.label(language) for p in study.instrument.scale} | {
        m.id: m.label(language) for m in study.instrument.missing_codes
    }
    for element in study.instrument.elements:
        segments = mine[mine["element_id"] == element.id].sort_values(["interview_id", "start", "coder_id"])
        if segments.empty:
            continue
        coders = (
            segments.groupby(["source", "start", "end", "item_id", "response"], sort=False)["coder_id"]
            .agg(", ".join)
            .rename("coders")
        )
        shown = segments.drop_duplicates(["source", "start", "end", "item_id", "response"]).join(
            coders, on=["source", "start", "end", "item_id", "response"]
        )
        items = "".join(
            f"<li><blockquote>{html.escape(str(q.text))}</blockquote><p class='subtitle'>"
            + t(
                "where",
                source=q.source,
                start=q.start,
                end=q.end,
                coders=q.coders,
                item=q.item_id,
                level=labels.get(str(q.response), str(q.response)),
            )
            + "</p></li>"
            for q in shown.head(QUOTES_PER_ELEMENT).itertuples()
        )
        parts.append(
            f"<h3>{html.escape(f'{element.number}. {element.name(language)}')}</h3><ul class='quotes'>{items}</ul>"
        )
    if left_out:
        parts.append(f"<p class='notice'>{t('left_out', n=left_out)}</p>")
    return "\n".join(parts)
