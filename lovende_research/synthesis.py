"""The synthesis reviewers read first: what was mapped and how, the element pattern, the ranking, the bias
verdicts and the caveats, in Danish or English, from the tables the stage notebooks wrote.

Notebook ``04_report`` only calls :func:`load_results` and the sentence functions here; every number in
its prose comes from a stage's table, never typed in, so the synthesis cannot drift from the analysis.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pandas as pd

from lovende_research.caveats import study_caveats
from lovende_research.display import markdown_text
from lovende_research.errors import LovendeError
from lovende_research.i18n import check_language, number, phrase
from lovende_research.instrument import Instrument
from lovende_research.people_tables import role_count
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.study import Study

PHRASES = {
    "flow": (
        "Kortlægningen identificerede {identified} kandidatpraksisser. {duplicates}Efter dobbelt screening var "
        "{eligible} egnede og {excluded} udelukket; {selected} blev udvalgt til interview.",
        "The mapping identified {identified} candidate practices. {duplicates}After dual screening {eligible} "
        "were eligible and {excluded} excluded; {selected} were selected for interview.",
    ),
    "duplicates_removed": ("{n} blev fjernet som dubletter. ", "{n} were removed as duplicates. "),
    "duplicates_pending": (
        "{n} mulige dubletter afventer forskernes afgørelse og er beholdt. ",
        "{n} possible duplicates await the researchers' decision and were kept. ",
    ),
    "interviews": (
        "{practices} praksisser blev belyst gennem {interviews} interview med {roles}; hvert interview blev kodet af {coders} kodere.",
        "{practices} practices were described in {interviews} interviews with {roles}; each interview was coded by {coders} coders.",
    ),
    "pattern": (
        "På tværs af praksisserne står {strongest} stærkest, mens {weakest} står svagest.",
        "Across the practices, {strongest} are strongest, while {weakest} are weakest.",
    ),
    "ranking": (
        "{top} har det højeste samlede indeks ({score}, interval {low}–{high}). Rangintervallerne viser, hvor "
        "sikkert rækkefølgen kan aflæses: {distinct} af {pairs} par af praksisser kan skelnes fra hinanden.",
        "{top} has the highest overall index ({score}, interval {low}–{high}). The rank intervals show how "
        "firmly the order can be read: {distinct} of {pairs} pairs of practices can be told apart.",
    ),
    "top_certainty": (
        "Sandsynligheden for, at {top} hører til de {k} bedste, er {p}; {sure} af {n} praksisser ligger i top {k} "
        "med mindst {threshold} sandsynlighed.",
        "The probability that {top} is among the best {k} is {p}; {sure} of {n} practices are in the top {k} "
        "with at least {threshold} probability.",
    ),
    "sikker": (
        "Screeningsspørgsmålet om sikker praksis (er virkningen afprøvet i et videnskabeligt forsøg?) peger på "
        "{n} af {practices} praksisser: {names}. De bør have en ekspertvurdering af deres evidens; spørgsmålet "
        "indgår ikke i den lovende score, og rangeringen ovenfor siger intet om det.",
        "The sikker-praksis screen question (has the effect been tested in a scientific trial?) points to {n} "
        "of {practices} practices: {names}. They need an expert look at their evidence; the question is no "
        "part of the lovende score, and the ranking above says nothing about it.",
    ),
    "sikker_none": (
        "Screeningsspørgsmålet om sikker praksis peger ikke på nogen af de {practices} praksisser: intet interview "
        "svarede ja, og koderne var ikke uenige om det.",
        "The sikker-praksis screen question points to none of the {practices} practices: no interview answered "
        "yes, and the coders did not disagree on it.",
    ),
    "sikker_ja": ("ja i {n} interview", "yes in {n} interviews"),
    "sikker_disagree": ("uenige kodere i {n}", "coders disagree in {n}"),
    "col_practice": ("Praksis", "Practice"),
    "col_overall": ("Samlet indeks", "Overall index"),
    "col_rank": ("Rang (interval)", "Rank (interval)"),
    "col_p_top": ("P(top {k})", "P(top {k})"),
    "col_p_decile": ("P(top 10 %, {k} pladser)", "P(top 10 %, {k} places)"),
    "and": ("og", "and"),
    "caveat_informants": (
        "Med få informanter pr. praksis er intervallerne brede: en rangering er kun så sikker som sine intervaller.",
        "With few informants per practice the intervals are wide: a ranking is only as firm as its intervals.",
    ),
    "source": ("Kilde: {path} (skrevet af notebook {notebook})", "Source: {path} (written by notebook {notebook})"),
    "check_coders": ("Enighed mellem kodere", "Agreement between coders"),
    "check_icc": ("Enighed mellem informanter", "Agreement between informants"),
    "check_roles": ("Informantrollernes betydning", "Effect of the informants' roles"),
    "check_styles": ("Svarmønstre", "Response styles"),
    "check_stability": ("Rangeringens stabilitet", "Stability of the ranking"),
    "check_delimitation": ("Afgrænsningens betydning", "Effect of the delimitation"),
    "flag_summary": (
        "{flagged} af {practices} praksisser har mindst ét opmærksomhedspunkt; de står nedenfor og på praksissens egen side.",
        "{flagged} of {practices} practices have at least one flag; they are listed below and on each practice's own page.",
    ),
    "missing_stage": (
        "trinnet '{stage}' er ikke kørt for studiet (mangler {path}); kør 'lovende run' uden --only, eller det trin først",
        "the stage '{stage}' has not run for this study ({path} is missing); run 'lovende run' without --only, or that stage first",
    ),
}


class SynthesisError(LovendeError):
    """A stage whose tables the synthesis needs has not run."""


@dataclass(frozen=True)
class MappingResults:
    """What the stage notebooks wrote for one study, as read back by the synthesis."""

    flow: pd.DataFrame
    ranks: pd.DataFrame
    overall: pd.DataFrame
    element_pattern: pd.DataFrame
    verdicts: dict[str, str]
    flags: pd.DataFrame
    figures: dict[str, Path]
    #: The sikker-praksis screen per practice (``scoring.screen_flags``), kept apart from the scores.
    screen_flags: pd.DataFrame


def load_results(processed_study: Path, language: str = "da") -> MappingResults:
    """Read the screening, scoring and bias stages' outputs from ``data/processed/<study>/``."""
    check_language(language)
    needed = {
        "screening": processed_study / "screening" / "flow.parquet",
        "scoring": processed_study / "scores" / "ranks.parquet",
        "bias": processed_study / "bias" / "verdicts.json",
    }
    for stage, path in needed.items():
        if not path.is_file():
            raise SynthesisError(phrase(PHRASES, "missing_stage", language, stage=stage, path=path))
    scores = processed_study / "scores"
    return MappingResults(
        flow=pd.read_parquet(needed["screening"]),
        ranks=read_main_delimitation(scores / "ranks.parquet"),
        overall=read_main_delimitation(scores / "overall.parquet"),
        element_pattern=read_main_delimitation(scores / "element_pattern.parquet"),
        verdicts=json.loads(needed["bias"].read_text(encoding="utf-8")),
        flags=pd.read_parquet(processed_study / "bias" / "flags.parquet"),
        figures={name: processed_study / path for name, (path, _) in FIGURE_SOURCES.items()},
        screen_flags=read_main_delimitation(scores / "screen_flags.parquet"),
    )


def read_main_delimitation(path: Path) -> pd.DataFrame:
    """A stage table's rows for the practices as first delimited (``main``), which reports show."""
    frame = pd.read_parquet(path)
    return (
        frame[frame["delimitation_id"] == MAIN_DELIMITATION].reset_index(drop=True)
        if "delimitation_id" in frame.columns
        else frame
    )


def _listing(items: list[str], language: str) -> str:
    """'a, b og c' / 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {phrase(PHRASES, 'and', language)} {items[-1]}"


def _flow_total(flow: pd.DataFrame, step: str) -> int:
    rows = flow[(flow["step"] == step) & flow["reason"].isna()]
    return int(rows["n"].iloc[0]) if not rows.empty else 0


def flow_sentence(flow: pd.DataFrame, language: str = "da") -> str:
    """What was mapped: identified → duplicates → eligible/excluded → selected, numbers from the flow table.

    >>> flow = pd.DataFrame({"step": ["identified", "possible_duplicates", "duplicates_removed", "screened",
    ...     "excluded", "eligible", "selected"], "reason": [None] * 7, "n": [84, 3, 0, 84, 31, 53, 14]})
    >>> print(flow_sentence(flow, "en"))  # doctest: +NORMALIZE_WHITESPACE
    The mapping identified 84 candidate practices. 3 possible duplicates await the researchers' decision and
    were kept. After dual screening 53 were eligible and 31 excluded; 14 were selected for interview.
    """
    removed, pending = _flow_total(flow, "duplicates_removed"), _flow_total(flow, "possible_duplicates")
    duplicates = phrase(PHRASES, "duplicates_removed", language, n=removed) if removed else ""
    duplicates += phrase(PHRASES, "duplicates_pending", language, n=pending) if pending else ""
    return phrase(
        PHRASES,
        "flow",
        language,
        identified=_flow_total(flow, "identified"),
        duplicates=duplicates,
        eligible=_flow_total(flow, "eligible"),
        excluded=_flow_total(flow, "excluded"),
        selected=_flow_total(flow, "selected"),
    )


def interview_sentence(study: Study, language: str = "da") -> str:
    """Who was interviewed and coded, counted from the study's own tables."""
    roles = study.interviews["informant_role"].value_counts().sort_index()
    codings = study.codings[~study.codings["is_consensus"]]
    coders_per_interview = codings.groupby("interview_id")["coder_id"].nunique()
    coders = int(coders_per_interview.median()) if not coders_per_interview.empty else 0
    return phrase(
        PHRASES,
        "interviews",
        language,
        practices=study.interviews["practice_id"].nunique(),
        interviews=len(study.interviews),
        roles=_listing([role_count(str(role), int(n), language) for role, n in roles.items()], language),
        coders=coders,
    )


def pattern_sentence(pattern: pd.DataFrame, instrument: Instrument, language: str = "da") -> str:
    """The strongest and weakest elements across practices (as VIVE reported them), strongest first."""
    names = {e.id: e.name(language) for e in instrument.elements}
    ordered = pattern.sort_values("rank")
    strongest = [names[e] for e in ordered.loc[ordered["position"] == "strongest", "element_id"]]
    weakest = [names[e] for e in ordered.loc[ordered["position"] == "weakest", "element_id"]][::-1]
    return phrase(
        PHRASES, "pattern", language, strongest=_listing(strongest, language), weakest=_listing(weakest, language)
    )


def distinguishable_pairs(ranks: pd.DataFrame) -> tuple[int, int]:
    """(pairs of practices whose rank intervals do not overlap, all pairs).

    >>> ranks = pd.DataFrame({"rank_low": [1, 1, 3], "rank_high": [2, 2, 3]})
    >>> distinguishable_pairs(ranks)
    (2, 3)
    """
    ranked = ranks.dropna(subset=["rank_low", "rank_high"])
    intervals = list(zip(ranked["rank_low"].astype(int), ranked["rank_high"].astype(int), strict=True))
    distinct = sum(
        1 for (a_low, a_high), (b_low, b_high) in combinations(intervals, 2) if a_high < b_low or b_high < a_low
    )
    return distinct, len(intervals) * (len(intervals) - 1) // 2


def ranking_sentence(ranks: pd.DataFrame, overall: pd.DataFrame, language: str = "da") -> str:
    """The top practice with its interval, and how many pairs of practices the intervals tell apart."""
    top = ranks.dropna(subset=["rank"]).sort_values("rank").iloc[0]
    row = overall.set_index("practice_id").loc[top["practice_id"]]
    distinct, pairs = distinguishable_pairs(ranks)
    return phrase(
        PHRASES,
        "ranking",
        language,
        top=top["practice_id"],
        score=number(row["overall"], language),
        low=number(row["ci_low"], language),
        high=number(row["ci_high"], language),
        distinct=distinct,
        pairs=pairs,
    )


#: P(top k) from which a top place counts as sure in the synthesis' sentence.
SURE_TOP = 0.9


def top_certainty_sentence(ranks: pd.DataFrame, language: str = "da") -> str:
    """How sure the top place is: the top practice's P(top k), and how many practices are in the top k
    with at least :data:`SURE_TOP` probability (columns of :func:`~lovende_research.scoring.rank_intervals`).

    >>> ranks = pd.DataFrame({"practice_id": ["A", "B", "C"], "rank": [1, 2, 3], "top_k": [2, 2, 2],
    ...     "p_top_k": [0.97, 0.62, 0.41]})
    >>> print(top_certainty_sentence(ranks, "en"))
    The probability that A is among the best 2 is 97 %; 1 of 3 practices are in the top 2 with at least 90 % probability.
    """
    ranked = ranks.dropna(subset=["rank"]).sort_values("rank")
    top = ranked.iloc[0]
    return phrase(
        PHRASES,
        "top_certainty",
        language,
        top=top["practice_id"],
        k=int(top["top_k"]),
        p=_percent(float(top["p_top_k"])),
        sure=int((ranked["p_top_k"] >= SURE_TOP).sum()),
        n=len(ranked),
        threshold=_percent(SURE_TOP),
    )


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def ranking_table(ranks: pd.DataFrame, overall: pd.DataFrame, language: str = "da") -> str:
    """The ranking as a Markdown table: index with interval, rank with interval, P(top k), P(top 10 %).

    >>> ranks = pd.DataFrame({"practice_id": ["A", "B"], "overall": [0.7, 0.6], "rank": [1, 2], "rank_low": [1, 1], "rank_high": [2, 2],
    ...     "top_k": [5, 5], "p_top_k": [1.0, 1.0], "top_decile": [1, 1], "p_top_decile": [0.8, 0.2]})
    >>> overall = pd.DataFrame({"practice_id": ["A", "B"], "overall": [0.7, 0.6], "ci_low": [0.6, 0.5], "ci_high": [0.8, 0.7]})
    >>> print(ranking_table(ranks, overall, "en").splitlines()[2])
    | A | 0.70 (0.60–0.80) | 1 (1–2) | 100 % | 80 % |
    """
    ranked = (
        ranks.dropna(subset=["rank"])
        .sort_values("rank")
        .drop(columns="overall", errors="ignore")
        .merge(overall[["practice_id", "overall", "ci_low", "ci_high"]], on="practice_id", how="left")
    )
    k = int(ranked["top_k"].max()) if len(ranked) else 5
    decile = int(ranked["top_decile"].max()) if len(ranked) else 1
    header = [
        phrase(PHRASES, "col_practice", language),
        phrase(PHRASES, "col_overall", language),
        phrase(PHRASES, "col_rank", language),
        phrase(PHRASES, "col_p_top", language, k=k),
        phrase(PHRASES, "col_p_decile", language, k=decile),
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in ranked.itertuples():
        lines.append(
            f"| {row.practice_id} | {number(row.overall, language)} ({number(row.ci_low, language)}–{number(row.ci_high, language)}) "
            f"| {int(row.rank)} ({int(row.rank_low)}–{int(row.rank_high)}) | {_percent(row.p_top_k)} | {_percent(row.p_top_decile)} |"
        )
    return "\n".join(lines)


def sikker_sentence(screen_flags: pd.DataFrame, language: str = "da") -> str:
    """The practices the sikker-praksis screen points to, by id with why, apart from the lovende score.

    A practice is named when ``possible_sikker`` (an interview answered ja, or the coders disagreed
    without a consensus code; :func:`lovende_research.scoring.screen_flags`).

    >>> flags = pd.DataFrame({"practice_id": ["P1", "P2", "P3"], "n_ja": [1, 0, 0], "n_disagree": [0, 2, 0],
    ...     "possible_sikker": [True, True, False]})
    >>> print(sikker_sentence(flags, "en"))  # doctest: +ELLIPSIS
    The sikker-praksis screen question ... points to 2 of 3 practices: P1 (yes in 1 interviews) and P2 (coders disagree in 2). ...
    """
    named = screen_flags[screen_flags["possible_sikker"].astype(bool)].sort_values("practice_id", kind="stable")
    practices = screen_flags["practice_id"].nunique()
    if named.empty:
        return phrase(PHRASES, "sikker_none", language, practices=practices)
    names = []
    for row in named.itertuples():
        why = [
            phrase(PHRASES, key, language, n=int(n))
            for key, n in (("sikker_ja", row.n_ja), ("sikker_disagree", row.n_disagree))
            if n
        ]
        names.append(f"{markdown_text(row.practice_id)} ({', '.join(why)})")
    return phrase(PHRASES, "sikker", language, n=len(named), practices=practices, names=_listing(names, language))


def caveats(study: Study, language: str = "da") -> list[str]:
    """The caveats a reviewer must read with the results: every page's, plus the width of the intervals."""
    return [*study_caveats(study, language), phrase(PHRASES, "caveat_informants", language)]


#: Where each figure of the synthesis was made, so a reader can open the notebook behind it.
FIGURE_SOURCES: dict[str, tuple[str, str]] = {
    "flow": ("screening/flow.svg", "01_screening"),
    "heatmap": ("scores/figures/heatmap.svg", "02_interview_coding"),
    "ranks": ("scores/figures/ranks.svg", "02_interview_coding"),
    "element_pattern": ("scores/figures/element_pattern.svg", "02_interview_coding"),
}


def figure_caption(name: str, language: str = "da") -> str:
    """'Source: <file> (written by notebook <stage>)': every figure in the synthesis traces to its stage."""
    path, notebook = FIGURE_SOURCES[name]
    return phrase(PHRASES, "source", language, path=path, notebook=notebook)


def verdict_sections(verdicts: dict[str, str], language: str = "da") -> list[tuple[str, str]]:
    """The bias stage's verdicts as (heading, verdict) pairs, in the order the checks are run."""
    order = ("coders", "icc", "roles", "styles", "stability", "delimitation")
    known = [key for key in order if key in verdicts] + sorted(k for k in verdicts if k not in order)
    return [
        (phrase(PHRASES, f"check_{key}", language) if f"check_{key}" in PHRASES else key, verdicts[key])
        for key in known
    ]


#: Reader-facing names of the bias stage's per-practice checks (:data:`lovende_research.bias.CHECKS`).
CHECK_LABELS: dict[str, tuple[str, str]] = {
    "straightlining": ("ens svar (straight-lining)", "straight-lining"),
    "ceiling": ("svar i øverste kategori", "ceiling responding"),
    "screen_unsupported": ("effektforsøg uden belæg", "trial claimed without evidence"),
    "informant_stability": ("rangering hviler på én informant", "rank rests on one informant"),
    "coder_stability": ("rangering hviler på én koder", "rank rests on one coder"),
    "delimitation": ("afgrænsningen flytter scoren", "delimitation moves the score"),
    "role_mix": ("placering afhænger af, hvem der blev spurgt", "place depends on who was asked"),
}


def check_label(check: str, language: str = "da") -> str:
    """The reader's name of a bias check (the check's id when it has none)."""
    return phrase(CHECK_LABELS, check, language) if check in CHECK_LABELS else check


def flagged_practices(flags: pd.DataFrame, language: str = "da") -> tuple[str, str]:
    """A sentence counting flagged practices, and the raised flags as a Markdown list per practice."""
    raised = flags[flags["flag"].astype(bool)].sort_values(["practice_id", "check"], kind="stable")
    sentence = phrase(
        PHRASES,
        "flag_summary",
        language,
        flagged=raised["practice_id"].nunique(),
        practices=flags["practice_id"].nunique(),
    )
    lines = [
        f"- **{practice}**: "
        + "; ".join(f"*{check_label(row.check, language)}*: {row.reason}" for row in group.itertuples())
        for practice, group in raised.groupby("practice_id", sort=True)
    ]
    return sentence, "\n".join(lines)
