"""``reports/<study>/udvikling.html``: the change between rounds, practice by practice, with its caveats.

Built as the practice pages are (:mod:`lovende_research.practice_pages`): plain HTML from the tables,
:func:`~lovende_research.report.html_page` for the house style and the script-free
Content-Security-Policy, every text from a study escaped, each figure an embedded SVG.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from urllib.parse import quote

import matplotlib.pyplot as plt
import pandas as pd

from lovende_research.i18n import number, phrase
from lovende_research.io import atomic_write_text
from lovende_research.plots import figure_bytes
from lovende_research.report import html_page, study_notices
from lovende_research.rounds.comparison import Comparison
from lovende_research.rounds.figures import change_profile_chart
from lovende_research.rounds.loading import Rounds

#: The page's file name inside ``reports/<study>/`` (the latest round's folder).
PAGE = "udvikling.html"

PHRASES: dict[str, tuple[str, str]] = {
    "title": ("Udvikling mellem runderne", "Development between rounds"),
    "back": ("← Oversigt", "← Overview"),
    "intro": (
        "Hver praksis er kortlagt i flere runder. For hvert element vises ændringen fra runde til runde med et {ci} %-interval, "
        "der tager højde for, hvilke informanter der blev spurgt i hver runde, og for at nogle blev spurgt igen. "
        "Et element er markeret forbedret eller forringet, når hele intervallet ligger over eller under 0.",
        "Each practice was mapped in several rounds. For each element the change from round to round is shown with a {ci} % "
        "interval that accounts for which informants were asked in each round, and for some being asked again. An element "
        "is marked improved or declined when its whole interval lies above or below 0.",
    ),
    "pair": ("{earlier} → {later}", "{earlier} → {later}"),
    "caveats": ("Forbehold", "Caveats"),
    "caveat_informants": (
        "Andre informanter: {share} af informanterne i {later} blev også spurgt i {earlier}. En ændring, hvor de fleste informanter er nye, "
        "siger lige så meget om, hvem der blev spurgt, som om praksissen; tabellerne viser antallet, der gik igen.",
        "Different informants: {share} of the informants in {later} were also asked in {earlier}. A change where most informants are new "
        "says as much about who was asked as about the practice; the tables show how many reappeared.",
    ),
    "caveat_delimitation": (
        "Anden afgrænsning: den skrevne afgrænsning er ændret for {practices}; scorerne kan da beskrive to forskellige praksisser.",
        "Different delimitation: the written delimitation changed for {practices}; the scores may then describe two different practices.",
    ),
    "caveat_same_delimitation": (
        "Afgrænsningen er den samme i begge runder for alle sammenlignede praksisser (kun den skrevne tekst kan sammenlignes).",
        "The delimitation is the same in both rounds for every compared practice (only the written text can be compared).",
    ),
    "caveat_many": (
        "Mange celler testes hver for sig: omkring {alpha} % af de uændrede elementer markeres ved en tilfældighed. "
        "Et mønster er mere værd end én markeret celle.",
        "Many cells are tested one by one: about {alpha} % of the unchanged elements are marked by chance. A pattern "
        "is worth more than one marked cell.",
    ),
    "caveat_drift": (
        "Koderdrift: {coders} koder anderledes i forhold til de andre kodere end i {earlier}; det flytter alle de "
        "ændringer, koderen har kodet, samme vej.",
        "Coder drift: {coders} code differently relative to the other coders than in {earlier}; that moves every "
        "change the coder coded the same way.",
    ),
    "only_in": ("Kun i én runde (ikke sammenlignet)", "In one round only (not compared)"),
    "only_in_round": ("Kun i {round}: {practices}", "Only in {round}: {practices}"),
    "overall": ("Samlet indeks og rang", "Overall index and rank"),
    "practice": ("Praksis", "Practice"),
    "index": ("Indeks {round}", "Index {round}"),
    "change": ("Ændring", "Change"),
    "interval": ("Interval", "Interval"),
    "rank": ("Rang {earlier} → {later}", "Rank {earlier} → {later}"),
    "places": ("Pladser op (interval)", "Places gained (interval)"),
    "drift": ("Koderdrift", "Coder drift"),
    "no_drift_coders": (
        "Ingen koder har kodet begge runder, så drift kan ikke vurderes.",
        "No coder coded both rounds, so drift cannot be judged.",
    ),
    "coder": ("Koder", "Coder"),
    "offset": ("Forskel til de andre kodere, {round}", "Offset from the other coders, {round}"),
    "drift_value": ("Drift", "Drift"),
    "drifted": ("Driftet", "Drifted"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "element": ("Element", "Element"),
    "score": ("Score {round}", "Score {round}"),
    "informants": ("Informanter (igen)", "Informants (again)"),
    "direction": ("Vurdering", "Reading"),
    "improved": ("forbedret", "improved"),
    "declined": ("forringet", "declined"),
    "unchanged": ("inden for intervallet", "within the interval"),
    "figure": ("Ændringsprofil", "Change profile"),
    "link": ("Udvikling siden sidste runde", "Development since the last round"),
    "tables": ("Tabellerne som CSV", "The tables as CSV"),
}


def _interval(low: float, high: float, language: str) -> str:
    return "–" if pd.isna(low) else f"[{number(low, language)};&nbsp;{number(high, language)}]"


def _caveats(comparison: Comparison, language: str, ci: float) -> list[str]:
    earlier, later = comparison.change.labels
    cells = comparison.change.elements
    per_practice = cells.groupby("practice_id")[["n_2", "n_reappearing"]].max()
    share = per_practice["n_reappearing"].sum() / max(per_practice["n_2"].sum(), 1)
    texts = [
        phrase(PHRASES, "caveat_informants", language, share=f"{round(100 * share)} %", earlier=earlier, later=later)
    ]
    if comparison.delimitation_changed:
        texts.append(
            phrase(PHRASES, "caveat_delimitation", language, practices=", ".join(comparison.delimitation_changed))
        )
    else:
        texts.append(phrase(PHRASES, "caveat_same_delimitation", language))
    drifted = comparison.drift.loc[comparison.drift["drifted"], "coder_id"].tolist() if len(comparison.drift) else []
    if drifted:
        texts.append(phrase(PHRASES, "caveat_drift", language, coders=", ".join(drifted), earlier=earlier))
    texts.append(phrase(PHRASES, "caveat_many", language, alpha=round(100 * (1 - ci))))
    return texts


def _overall_table(comparison: Comparison, language: str) -> str:
    def t(key: str, **values: object) -> str:
        return html.escape(phrase(PHRASES, key, language, **values))

    earlier, later = comparison.change.labels
    rows = []
    for r in comparison.change.overall.itertuples():
        rank = f"{r.rank_1} → {r.rank_2}" if pd.notna(r.rank_1) else "–"
        places = (
            f"{int(r.places_gained):+d} [{int(r.places_low):+d};&nbsp;{int(r.places_high):+d}]"
            if pd.notna(r.places_gained) and pd.notna(r.places_low)
            else "–"
        )
        rows.append(
            f"<tr><td><a href='#{html.escape(str(r.practice_id))}'>{html.escape(str(r.practice_id))}</a></td>"
            f"<td class='number'>{number(r.overall_1, language)}</td><td class='number'>{number(r.overall_2, language)}</td>"
            f"<td class='number'>{number(r.change, language, signed=True)}</td><td class='number'>{_interval(r.ci_low, r.ci_high, language)}</td>"
            f"<td>{t(str(r.direction)) if r.direction in ('improved', 'declined', 'unchanged') else '–'}</td>"
            f"<td class='number'>{html.escape(rank)}</td><td class='number'>{places}</td></tr>"
        )
    head = (
        f"<tr><th>{t('practice')}</th><th class='number'>{t('index', round=earlier)}</th><th class='number'>{t('index', round=later)}</th>"
        f"<th class='number'>{t('change')}</th><th class='number'>{t('interval')}</th><th>{t('direction')}</th>"
        f"<th class='number'>{t('rank', earlier=earlier, later=later)}</th><th class='number'>{t('places')}</th></tr>"
    )
    return f"<table class='overall'>{head}{''.join(rows)}</table>"


def _drift_table(comparison: Comparison, language: str) -> str:
    def t(key: str, **values: object) -> str:
        return html.escape(phrase(PHRASES, key, language, **values))

    if comparison.drift.empty:
        return f"<p>{t('no_drift_coders')}</p>"
    earlier, later = comparison.change.labels
    rows = "".join(
        f"<tr><td>{html.escape(str(d.coder_id))}</td><td class='number'>{number(d.offset_1, language, signed=True)}</td>"
        f"<td class='number'>{number(d.offset_2, language, signed=True)}</td>"
        f"<td class='number'>{number(d.drift, language, signed=True)}</td><td class='number'>{_interval(d.ci_low, d.ci_high, language)}</td>"
        f"<td>{t('yes') if d.drifted else t('no')}</td></tr>"
        for d in comparison.drift.itertuples()
    )
    head = (
        f"<tr><th>{t('coder')}</th><th class='number'>{t('offset', round=earlier)}</th><th class='number'>{t('offset', round=later)}</th>"
        f"<th class='number'>{t('drift_value')}</th><th class='number'>{t('interval')}</th><th>{t('drifted')}</th></tr>"
    )
    return f"<table class='drift'>{head}{rows}</table>"


def _practice_section(
    comparison: Comparison, rounds: Rounds, practice_id: str, language: str, ci: float, anchor: bool
) -> str:
    def t(key: str, **values: object) -> str:
        return html.escape(phrase(PHRASES, key, language, **values))

    earlier, later = comparison.change.labels
    cells = comparison.change.elements
    figure = change_profile_chart(cells, practice_id, rounds.instrument, comparison.change.labels, language, ci)
    svg = base64.b64encode(figure_bytes(figure, "svg")).decode("ascii")
    plt.close(figure)
    names = {e.id: f"{e.number}. {e.name(language)}" for e in rounds.instrument.elements}
    rows = "".join(
        f"<tr><td>{html.escape(names[c.element_id])}</td><td class='number'>{number(c.score_1, language)}</td>"
        f"<td class='number'>{number(c.score_2, language)}</td>"
        f"<td class='number'>{number(c.change, language, signed=True)}</td><td class='number'>{_interval(c.ci_low, c.ci_high, language)}</td>"
        f"<td class='{html.escape(str(c.direction))}'>{t(str(c.direction)) if c.direction in ('improved', 'declined', 'unchanged') else '–'}</td>"
        f"<td class='number'>{c.n_1} / {c.n_2} ({c.n_reappearing})</td></tr>"
        for c in cells[cells["practice_id"] == practice_id].itertuples()
    )
    name = rounds.studies[-1].candidates.set_index("practice_id")["name"].get(practice_id, "")
    head = (
        f"<tr><th>{t('element')}</th><th class='number'>{t('score', round=earlier)}</th><th class='number'>{t('score', round=later)}</th>"
        f"<th class='number'>{t('change')}</th><th class='number'>{t('interval')}</th><th>{t('direction')}</th>"
        f"<th class='number'>{t('informants')}</th></tr>"
    )
    heading = f'<h3 id="{html.escape(practice_id)}">' if anchor else "<h3>"
    return (
        f"{heading}{html.escape(practice_id)}: {html.escape(str(name))}</h3>"
        f"<img class='figure' src='data:image/svg+xml;base64,{svg}' alt='{t('figure')} {html.escape(practice_id)}'>"
        f"<table class='changes'>{head}{rows}</table>"
    )


def change_page_body(rounds: Rounds, comparisons: list[Comparison], language: str = "da", ci: float = 0.95) -> str:
    """The page's body: per pair of rounds the caveats, the overall table, coder drift and each practice."""

    def t(key: str, **values: object) -> str:
        return html.escape(phrase(PHRASES, key, language, **values))

    latest = rounds.studies[-1]
    parts = [
        f'<nav><a href="index.html">{t("back")}</a></nav>',
        f"<h1>{t('title')}</h1>",
        f"<p class='subtitle'>{html.escape(latest.config.title)} &middot; {' → '.join(html.escape(label) for label in rounds.labels)}</p>",
        study_notices(latest, language),
        f"<p>{t('intro', ci=round(100 * ci))}</p>",
    ]
    only = [(label, pids) for label, pids in rounds.only_in.items() if pids]
    if only:
        items = "".join(
            f"<li>{t('only_in_round', round=label, practices=', '.join(pids))}</li>" for label, pids in only
        )
        parts.append(f"<h2>{t('only_in')}</h2><ul class='only-in'>{items}</ul>")
    # The last pair first: the page is the latest round's, and the practice pages link to its sections.
    for number_, comparison in enumerate(reversed(comparisons)):
        earlier, later = comparison.change.labels
        caveats = "".join(f"<p class='notice'>{html.escape(text)}</p>" for text in _caveats(comparison, language, ci))
        folder = f"udvikling/{earlier}_{later}"
        links = ", ".join(
            f'<a href="{html.escape(quote(folder))}/{name}.csv">{name}.csv</a>'
            for name in ("elements", "overall", "coder_drift", "model", "element_spread")
        )
        parts += [
            f"<h2>{t('pair', earlier=earlier, later=later)}</h2>",
            f"<p>{t('tables')}: {links}</p>",
            f"<h3>{t('caveats')}</h3>",
            caveats,
            f"<h3>{t('overall')}</h3>",
            _overall_table(comparison, language),
            f"<h3>{t('drift')}</h3>",
            _drift_table(comparison, language),
        ]
        for practice_id in comparison.change.overall["practice_id"]:
            parts.append(_practice_section(comparison, rounds, str(practice_id), language, ci, anchor=number_ == 0))
    return "\n".join(parts)


def write_change_page(
    rounds: Rounds, comparisons: list[Comparison], reports_dir: Path, language: str = "da", ci: float = 0.95
) -> Path:
    """Write ``<reports_dir>/udvikling.html`` (atomically) and return its path."""
    body = change_page_body(rounds, comparisons, language, ci)
    return atomic_write_text(
        Path(reports_dir) / PAGE,
        html_page(f"{phrase(PHRASES, 'title', language)}: {rounds.studies[-1].config.title}", body, language),
    )


def change_link(reports_dir: Path, practice_id: str, language: str = "da") -> str:
    """For a practice page under ``praksis/``: a link to the practice's section of the change page, or
    ``""`` when no comparison has been written for this study."""
    if not (Path(reports_dir) / PAGE).is_file():
        return ""
    return f'<p class="rounds"><a href="../{PAGE}#{html.escape(practice_id)}">{html.escape(phrase(PHRASES, "link", language))}</a></p>'
