"""Stage 1 of a mapping: the candidate catalogue, dual screening, the flow of practices, the interview sample.

The stage follows what systematic-review screening tools do (dual screening, a conflict list for the
consensus meeting, PRISMA-style flow counts) and adds a reproducible purposive selection for interview.
Every function takes and returns plain data frames from :class:`lovende_research.study.Study`; the
notebook ``01_screening`` strings them together and writes the results.

Duplicates (listed for a human, never silently dropped)
    :func:`find_duplicates` flags pairs of candidates with the same provider and a near-identical name
    (case and white space folded, æøå kept as letters of their own). Researchers decide in an optional
    file ``duplicates.csv`` (or ``.xlsx``) in the study folder, one row per confirmed duplicate, loaded
    and checked with the rest of the study as ``Study.duplicates`` (see docs/study-format.md):

    ========== ======== ==============================================================
    column     required meaning
    ========== ======== ==============================================================
    practice_id   yes   the duplicate, removed from screening
    duplicate_of  yes   the practice it duplicates, kept
    note          no    free text
    ========== ======== ==============================================================

    When the file exists it is the whole decision: flagged pairs it does not list are judged distinct
    practices. When it is absent, no practice is removed: flagged pairs are reported and counted as
    *possible duplicates, kept pending decision*, in the tables, the flow diagram and the prose.

Screening decisions
    Each practice × criterion is judged by the screeners independently (``screening`` table). The final
    decision is the ``reconciled_decision`` when one is given (it wins), else the screeners' shared
    decision. Screeners who disagree without a reconciled decision are a *conflict*: they are listed by
    :func:`screening_conflicts` for the consensus meeting and block :func:`practice_eligibility` with an
    :class:`UnresolvedConflictsError` naming the practices. A practice is eligible when every criterion
    is finally ``include``; an excluded practice is counted once, under the reason given for the first
    criterion (in the order criteria first appear in the table) that excluded it, or under that
    criterion's id when no screener wrote a reason.

Selection
    :func:`select_stratified` draws ``n_select`` eligible practices, stratified on chosen candidate
    columns, with a seed; :func:`select_from_list` takes the researchers' own list (``selected.csv`` in
    the study folder, column ``practice_id``) and checks every id is eligible.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from difflib import SequenceMatcher
from typing import Any

import numpy as np
import pandas as pd

from lovende_research.agreement import cohens_kappa
from lovende_research.errors import InputError, LovendeError, Problem, Text, joined
from lovende_research.i18n import check_language, phrase
from lovende_research.schemas import PURPOSES

#: The criterion id used for the agreement on each screener's overall verdict on a practice.
OVERALL = "overall"
#: Selection rules the notebook accepts.
SELECTION_RULES: tuple[str, ...] = ("stratified", "list")
#: Near-identical names: :class:`difflib.SequenceMatcher` ratio of the folded names at least this.
NAME_SIMILARITY = 0.9
#: The catalogue dimensions counted by :func:`catalogue_counts` (purpose is split into its purposes).
CATALOGUE_DIMENSIONS: tuple[str, ...] = ("municipality", "provider_type", "target_group", "purpose")
#: The stratum label when no strata are chosen.
ALL_STRATUM = "alle"

PHRASES = {
    "stratified": (
        "{n} af de {n_eligible} egnede praksisser blev udvalgt til interview ved stratificeret tilfældig "
        "udvælgelse efter {strata} med seed {seed}. ",
        "{n} of the {n_eligible} eligible practices were selected for interview by stratified random sampling "
        "on {strata} with seed {seed}. ",
    ),
    "unstratified": (
        "{n} af de {n_eligible} egnede praksisser blev udvalgt til interview ved simpel tilfældig udvælgelse "
        "med seed {seed}. ",
        "{n} of the {n_eligible} eligible practices were selected for interview by simple random sampling "
        "with seed {seed}. ",
    ),
    "allocation_min_one": (
        "Hvert af de {k} ikke-tomme strata fik mindst én praksis; resten blev fordelt i forhold til stratets "
        "størrelse (største rest). ",
        "Each of the {k} non-empty strata got at least one practice; the rest were allocated in proportion to "
        "stratum size (largest remainder). ",
    ),
    "allocation_too_few": (
        "Der var flere strata ({k}) end praksisser at udvælge, så de {n} største strata fik én praksis hver "
        "(lige store strata i tilfældig orden efter seed). ",
        "There were more strata ({k}) than practices to select, so the {n} largest strata got one practice "
        "each (ties in random order by the seed). ",
    ),
    "reproducible": (
        "Inden for hvert stratum blev praksisserne trukket tilfældigt; samme seed giver samme udvalg.",
        "Within each stratum practices were drawn at random; the same seed gives the same sample.",
    ),
    "list": (
        "De {n} praksisser til interview blev valgt af forskerne selv (selected.csv) blandt {n_eligible} "
        "egnede; programmet har kontrolleret, at hver af dem er egnet efter screeningen.",
        "The {n} practices for interview were chosen by the researchers (selected.csv) among {n_eligible} "
        "eligible ones; the program checked that each of them is eligible after screening.",
    ),
    "dup_pending": (
        "{pairs} par af kandidater har samme udbyder og næsten samme navn. Ingen dubletbeslutning "
        "(duplicates.csv) foreligger, så alle er beholdt og screenet, indtil forskerne har taget stilling.",
        "{pairs} pairs of candidates share a provider and a near-identical name. No duplicate decision "
        "(duplicates.csv) exists, so all were kept and screened pending the researchers' decision.",
    ),
    "dup_decided": (
        "{pairs} par af kandidater blev markeret som mulige dubletter; efter forskernes beslutning "
        "(duplicates.csv) blev {removed} fjernet som dubletter.",
        "{pairs} pairs of candidates were flagged as possible duplicates; by the researchers' decision "
        "(duplicates.csv) {removed} were removed as duplicates.",
    ),
    "dup_none": ("Ingen mulige dubletter blev fundet.", "No possible duplicates were found."),
    "flow": (
        "{identified} praksisser blev identificeret, {screened} screenet, {excluded} ekskluderet og "
        "{eligible} fundet egnede.",
        "{identified} practices were identified, {screened} screened, {excluded} excluded and {eligible} "
        "found eligible.",
    ),
    # used by notebooks/01_screening
    "synthetic_note": (" — *syntetiske data*", " — *synthetic data*"),
    "conflicts_summary": (
        "{n} uenigheder mellem screenerne, heraf {resolved} afgjort med en konsensusbeslutning.",
        "{n} conflicts between the screeners, {resolved} resolved by a reconciled decision.",
    ),
}


class ScreeningError(LovendeError):
    """A screening that cannot go on as asked; the message (a :class:`~lovende_research.errors.Text`, in
    Danish and English) says what to fix."""


class UnresolvedConflictsError(ScreeningError):
    """Screeners disagree and no reconciled decision is given; ``conflicts`` lists (practice_id, criterion)."""

    def __init__(self, conflicts: Sequence[tuple[str, str]]):
        self.conflicts = list(conflicts)
        practices = sorted({p for p, _ in self.conflicts})
        lines = [f"  - {p}: {', '.join(c for q, c in self.conflicts if q == p)}" for p in practices]
        listed = "\n".join(lines)
        super().__init__(
            Text(
                f"{len(practices)} praksis(ser) mangler en konsensusbeslutning, fordi screenerne er uenige; "
                f"udfyld reconciled_decision i screening-tabellen for disse praksisser og kriterier:\n{listed}",
                f"{len(practices)} practice(s) lack a reconciled decision because the screeners disagree; "
                f"fill in reconciled_decision in the screening table for these practices and criteria:\n{listed}",
            )
        )


class SelectionError(ScreeningError):
    """The sample cannot be drawn or checked as asked; ``practice_ids`` names the practices concerned."""

    def __init__(self, message: str, practice_ids: Sequence[str] = ()):
        self.practice_ids = list(practice_ids)
        super().__init__(message)


# ---------------------------------------------------------------- catalogue and duplicates


def fold_name(text: str) -> str:
    """A name folded for comparison: Unicode NFC, case folded, runs of white space made one space.

    æ, ø and å stay letters of their own (no ``aa``/``ae`` transliteration): 'Børnehus' and
    'Bornehus' are different words in Danish.

    Examples
    --------
    >>> fold_name("  Familie  RÅDGIVNING ") == fold_name("familie rådgivning")
    True
    >>> fold_name("Børn") == fold_name("Born")
    False
    """
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def catalogue_counts(candidates: pd.DataFrame) -> pd.DataFrame:
    """How many candidates there are per municipality/organisation, provider type, target group and purpose.

    A practice with several purposes counts once under each, so purpose counts can sum to more than
    the number of practices.

    Returns
    -------
    DataFrame
        ``dimension`` (a column of :data:`CATALOGUE_DIMENSIONS`), ``value``, ``n`` (number of practices);
        sorted by dimension, then most frequent first. Purposes are listed in their canonical order
        with zero counts included, so a purpose nobody reported shows as 0.

    Examples
    --------
    >>> cands = pd.DataFrame({"practice_id": ["1", "2"], "municipality": ["Aarhus", "Aarhus"],
    ...     "provider_type": ["kommune"] * 2, "target_group": ["børn", "unge"],
    ...     "purpose": ["forebyggende;rådgivende", "forebyggende"]})
    >>> counts = catalogue_counts(cands)
    >>> counts[counts["dimension"] == "purpose"][["value", "n"]].values.tolist()
    [['forebyggende', 2], ['opsporende', 0], ['rådgivende', 1], ['behandlende', 0]]
    """
    parts = []
    for dimension in CATALOGUE_DIMENSIONS:
        if dimension == "purpose":
            exploded = candidates["purpose"].astype(str).str.split(";").explode()
            counts = exploded[exploded != ""].value_counts().reindex(PURPOSES, fill_value=0)
            frame = pd.DataFrame({"value": list(PURPOSES), "n": counts.to_numpy()})
        else:
            counts = candidates[dimension].astype(str).value_counts()
            frame = pd.DataFrame({"value": counts.index.astype(str), "n": counts.to_numpy()})
            frame = frame.sort_values(["n", "value"], ascending=[False, True], kind="stable")
        frame.insert(0, "dimension", dimension)
        parts.append(frame)
    result = pd.concat(parts, ignore_index=True)
    result["n"] = result["n"].astype("int64")
    return result


def find_duplicates(candidates: pd.DataFrame, *, threshold: float = NAME_SIMILARITY) -> pd.DataFrame:
    """Pairs of candidates that may be the same practice: same provider, near-identical name.

    Parameters
    ----------
    candidates : DataFrame
        ``Study.candidates``: needs ``practice_id``, ``name``, ``provider``.
    threshold : float, default 0.9
        Smallest similarity of the folded names that flags a pair.

    Returns
    -------
    DataFrame
        One row per flagged pair, ``practice_id_a`` < ``practice_id_b``: ``practice_id_a``,
        ``practice_id_b``, ``provider``, ``name_a``, ``name_b``, ``similarity`` (1.0 when the folded names
        are identical).

    Notes
    -----
    Names and providers are folded with :func:`fold_name`. Similarity is
    :meth:`difflib.SequenceMatcher.ratio`, :math:`2M/T` with :math:`M` matched characters and :math:`T`
    the total length of both names (Ratcliff & Obershelp's gestalt matching). Only candidates of the
    same provider are compared, so the cost stays small for catalogues of a few hundred practices.

    References
    ----------
    Ratcliff, J. W., & Metzener, D. E. (1988). Pattern matching: the gestalt approach. *Dr. Dobb's
    Journal*, 13(7), 46.

    Examples
    --------
    >>> cands = pd.DataFrame({"practice_id": ["P1", "P2", "P3"], "provider": ["Hus A", "hus a ", "Hus A"],
    ...     "name": ["Familiegruppen", "familiegruppen", "Netværksmøder"]})
    >>> find_duplicates(cands)[["practice_id_a", "practice_id_b", "similarity"]].values.tolist()
    [['P1', 'P2', 1.0]]
    """
    columns = ["practice_id_a", "practice_id_b", "provider", "name_a", "name_b", "similarity"]
    frame = candidates[["practice_id", "name", "provider"]].astype(str).sort_values("practice_id", kind="stable")
    frame = frame.assign(key=frame["provider"].map(fold_name), folded=frame["name"].map(fold_name))
    rows = []
    for _, group in frame.groupby("key", sort=True):
        records = list(group.itertuples(index=False))
        for i, first in enumerate(records):
            for second in records[i + 1 :]:
                similarity = (
                    1.0 if first.folded == second.folded else SequenceMatcher(None, first.folded, second.folded).ratio()
                )
                if similarity >= threshold:
                    rows.append(
                        (
                            first.practice_id,
                            second.practice_id,
                            first.provider,
                            first.name,
                            second.name,
                            round(similarity, 4),
                        )
                    )
    result = pd.DataFrame(rows, columns=columns)
    return result.sort_values(["practice_id_a", "practice_id_b"], kind="stable").reset_index(drop=True)


def duplicate_review(candidates: pd.DataFrame, flagged: pd.DataFrame, decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Flagged pairs and confirmed duplicates in one table, each with its status, for the report.

    Returns
    -------
    DataFrame
        The columns of :func:`find_duplicates` plus ``status`` (``confirmed``: in the decision file;
        ``distinct``: flagged, but a decision file exists and does not list it; ``pending``: flagged and
        no decision file) and ``removed_id`` (the practice removed, ``<NA>`` unless confirmed). A confirmed
        pair the detector did not flag is included, with its similarity computed the same way.
    """
    review = flagged.copy()
    review["status"] = "pending" if decisions is None else "distinct"
    review["removed_id"] = pd.Series([pd.NA] * len(review), dtype="string")
    if decisions is not None:
        names = candidates.set_index(candidates["practice_id"].astype(str))
        for record in decisions.itertuples(index=False):
            a, b = sorted((record.practice_id, record.duplicate_of))
            match = (review["practice_id_a"] == a) & (review["practice_id_b"] == b)
            if not match.any():
                name_a, name_b = str(names.at[a, "name"]), str(names.at[b, "name"])
                similarity = round(SequenceMatcher(None, fold_name(name_a), fold_name(name_b)).ratio(), 4)
                extra = pd.DataFrame(
                    [
                        {
                            "practice_id_a": a,
                            "practice_id_b": b,
                            "provider": str(names.at[a, "provider"]),
                            "name_a": name_a,
                            "name_b": name_b,
                            "similarity": similarity,
                        }
                    ]
                )
                review = pd.concat([review, extra], ignore_index=True)
                match = (review["practice_id_a"] == a) & (review["practice_id_b"] == b)
            review.loc[match, "status"] = "confirmed"
            review.loc[match, "removed_id"] = record.practice_id
    review["removed_id"] = review["removed_id"].astype("string")
    return review.sort_values(["practice_id_a", "practice_id_b"], kind="stable").reset_index(drop=True)


def removed_duplicates(review: pd.DataFrame) -> list[str]:
    """The practice ids removed as confirmed duplicates, sorted."""
    return sorted(set(review.loc[review["status"] == "confirmed", "removed_id"].dropna().astype(str)))


# ---------------------------------------------------------------- screening: agreement and conflicts


def screened_rows(screening: pd.DataFrame, removed: Collection[str] = ()) -> pd.DataFrame:
    """The screening rows of practices still in the catalogue after confirmed duplicates are removed."""
    return screening[~screening["practice_id"].astype(str).isin(set(removed))].reset_index(drop=True)


def check_all_screened(candidates: pd.DataFrame, screening: pd.DataFrame, removed: Collection[str] = ()) -> None:
    """Raise :class:`ScreeningError` naming every candidate (not a removed duplicate) that nobody screened."""
    kept = set(candidates["practice_id"].astype(str)) - set(removed)
    unscreened = sorted(kept - set(screening["practice_id"].astype(str)))
    if unscreened:
        ids = ", ".join(unscreened)
        raise ScreeningError(
            Text(
                f"{len(unscreened)} praksis(ser) i candidates er ikke screenet: {ids}; "
                "tilføj deres screening eller markér dem som dubletter i duplicates.csv",
                f"{len(unscreened)} practice(s) in candidates are not screened: {ids}; "
                "add their screening or mark them as duplicates in duplicates.csv",
            )
        )


def _criteria(screening: pd.DataFrame) -> list[str]:
    """Criterion ids in the order they first appear in the table (the order researchers wrote them)."""
    return list(dict.fromkeys(screening["criterion"].astype(str)))


def _slots(screening: pd.DataFrame) -> pd.DataFrame:
    """Screening rows with ``slot`` = 1, 2, … : the screener's rank by id within a practice × criterion."""
    frame = screening.sort_values(["practice_id", "criterion", "screener_id"], kind="stable").copy()
    frame["slot"] = frame.groupby(["practice_id", "criterion"]).cumcount() + 1
    return frame


def screening_agreement(screening: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Agreement between the two screeners per criterion and overall: percent agreement and Cohen's kappa.

    Parameters
    ----------
    screening : DataFrame
        ``Study.screening`` (after :func:`screened_rows`): ``practice_id``, ``screener_id``,
        ``criterion``, ``decision`` (``include``/``exclude``).
    confidence : float, default 0.95
        Coverage of kappa's confidence interval.

    Returns
    -------
    DataFrame
        One row per criterion (in table order) and a last row ``criterion == "overall"``, with
        ``criterion`` and the columns of :func:`lovende_research.agreement.cohens_kappa`:
        ``statistic``, ``n_subjects`` (practices judged by two screeners), ``n_raters``,
        ``percent_agreement``, ``estimate`` (kappa), ``se``, ``ci_low``, ``ci_high``, ``confidence``,
        ``p_o``, ``p_e`` (chance agreement), ``se_h0``, ``z``, ``p_value``, ``weights``; plus
        ``n_conflicts`` (practices the screeners disagree on).

    Notes
    -----
    Agreement is on the screeners' own ``decision``; reconciled decisions do not enter it. The
    *overall* row compares each screener's verdict on a practice: include when that screener included
    it on every criterion they judged, else exclude.

    Cohen's kappa needs two raters. Within each practice × criterion the screeners are ordered by id
    and the first two are "screener 1" and "screener 2"; when the same two people screened everything,
    as in a dual screening, this is Cohen's kappa between them. A practice × criterion judged by one
    screener only has no pair and is left out (``n_subjects`` says how many were used).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
    Measurement*, 20(1), 37–46.

    Examples
    --------
    >>> rows = [("P1", "A", "k1", "include"), ("P1", "B", "k1", "include"),
    ...         ("P2", "A", "k1", "exclude"), ("P2", "B", "k1", "include"),
    ...         ("P3", "A", "k1", "exclude"), ("P3", "B", "k1", "exclude")]
    >>> screening = pd.DataFrame(rows, columns=["practice_id", "screener_id", "criterion", "decision"])
    >>> table = screening_agreement(screening)
    >>> [round(float(x), 3) for x in table.loc[0, ["percent_agreement", "estimate"]]]
    [0.667, 0.4]
    """
    slotted = _slots(screening)
    paired = slotted[slotted["slot"] <= 2]
    rows = []
    for criterion in _criteria(screening):
        subset = paired[paired["criterion"] == criterion]
        rows.append(_agreement_row(criterion, subset[["practice_id", "slot", "decision"]], confidence))
    verdicts = (
        screening.assign(_include=screening["decision"] == "include")
        .groupby(["practice_id", "screener_id"], sort=True)["_include"]
        .all()
        .map({True: "include", False: "exclude"})
        .reset_index(name="decision")
    )
    verdicts["slot"] = verdicts.groupby("practice_id").cumcount() + 1
    rows.append(
        _agreement_row(OVERALL, verdicts.loc[verdicts["slot"] <= 2, ["practice_id", "slot", "decision"]], confidence)
    )
    return pd.concat(rows, ignore_index=True)


def _agreement_row(criterion: str, pairs: pd.DataFrame, confidence: float) -> pd.DataFrame:
    row = cohens_kappa(
        pairs,
        subject="practice_id",
        rater="slot",
        rating="decision",
        categories=["include", "exclude"],
        confidence=confidence,
    )
    wide = pairs.pivot(index="practice_id", columns="slot", values="decision").dropna()
    row.insert(0, "criterion", criterion)
    row["n_conflicts"] = int((wide.nunique(axis=1) > 1).sum()) if wide.shape[1] == 2 else 0
    return row


def _reconciled(screening: pd.DataFrame) -> pd.Series:
    """The reconciled decision per practice × criterion (``<NA>`` when none); contradictions are an error."""
    given = screening.dropna(subset=["reconciled_decision"])
    distinct = given.groupby(["practice_id", "criterion"])["reconciled_decision"].nunique()
    contradictory = distinct[distinct > 1]
    if not contradictory.empty:
        problems = [
            Problem(
                "screening",
                Text(
                    "forskellige reconciled_decision for samme praksis og kriterium",
                    "different reconciled_decision for the same practice and criterion",
                ),
                expected=Text(
                    "én konsensusbeslutning pr. praksis × kriterium", "one reconciled decision per practice × criterion"
                ),
                column="reconciled_decision",
                value=f"{p} / {c}",
            )
            for p, c in contradictory.index
        ]
        raise InputError(problems)
    return given.groupby(["practice_id", "criterion"])["reconciled_decision"].first()


def screening_conflicts(screening: pd.DataFrame, candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every practice × criterion the screeners disagree on, laid out for the consensus meeting.

    Returns
    -------
    DataFrame
        One row per conflict, sorted by practice and criterion: ``practice_id``, ``name`` (when
        ``candidates`` is given), ``criterion``, then for each screener position ``k`` = 1, 2, … (screeners
        ordered by id) ``screener_k``, ``decision_k``, ``reason_k``, ``note_k``; then
        ``reconciled_decision`` (``<NA>`` when none yet) and ``resolved`` (bool).

    Examples
    --------
    >>> rows = [("P1", "A", "k1", "include", ""), ("P1", "B", "k1", "exclude", "uklar målgruppe"),
    ...         ("P2", "A", "k1", "include", ""), ("P2", "B", "k1", "include", "")]
    >>> screening = pd.DataFrame(rows, columns=["practice_id", "screener_id", "criterion", "decision", "note"])
    >>> screening_conflicts(screening)[["practice_id", "decision_1", "decision_2", "note_2", "resolved"]].values.tolist()
    [['P1', 'include', 'exclude', 'uklar målgruppe', False]]
    """
    frame = _with_optional(screening)
    slotted = _slots(frame)
    disagree = slotted.groupby(["practice_id", "criterion"])["decision"].transform("nunique") > 1
    conflicts = slotted[disagree]
    keys = ["practice_id", "criterion"]
    if conflicts.empty:
        width = 2
        columns = keys + [
            f"{field}_{k}" for k in range(1, width + 1) for field in ("screener", "decision", "reason", "note")
        ]
        result = pd.DataFrame(columns=columns, dtype="string")
    else:
        wide = conflicts.pivot(index=keys, columns="slot", values=["screener_id", "decision", "reason", "note"])
        slots = sorted(conflicts["slot"].unique())
        names = {"screener_id": "screener", "decision": "decision", "reason": "reason", "note": "note"}
        ordered = [(field, k) for k in slots for field in names]
        result = wide[ordered]
        result.columns = [f"{names[field]}_{k}" for field, k in ordered]
        result = result.reset_index().astype("string")
    reconciled = _reconciled(frame)
    result["reconciled_decision"] = pd.array(
        [reconciled.get((p, c), pd.NA) for p, c in zip(result["practice_id"], result["criterion"], strict=True)],
        dtype="string",
    )
    result["resolved"] = result["reconciled_decision"].notna().astype(bool)
    if candidates is not None:
        names_by_id = candidates.set_index(candidates["practice_id"].astype(str))["name"].astype(str)
        result.insert(1, "name", result["practice_id"].map(names_by_id).astype("string"))
    return result.sort_values(keys, kind="stable").reset_index(drop=True)


def _with_optional(screening: pd.DataFrame) -> pd.DataFrame:
    """``Study.screening`` always has the optional columns; hand-made frames in examples may not."""
    frame = screening.copy()
    for column in ("reason", "note"):
        if column not in frame.columns:
            frame[column] = ""
    if "reconciled_decision" not in frame.columns:
        frame["reconciled_decision"] = pd.array([pd.NA] * len(frame), dtype="string")
    return frame


def final_decisions(screening: pd.DataFrame) -> pd.DataFrame:
    """The decision that counts for each practice × criterion, and where it came from.

    Returns
    -------
    DataFrame
        One row per practice × criterion, practices sorted by id and, within a practice, criteria in
        the order they first appear in ``screening`` (so :func:`practice_eligibility` can read that
        order off this table): ``practice_id``, ``criterion``, ``decision`` (``include``,
        ``exclude``, or ``<NA>`` for an unresolved conflict), ``basis`` (``reconciled``, ``agreement``,
        ``single`` for one screener only, or ``conflict``), ``reason`` (for an exclusion: the first reason a
        screener who excluded wrote, screeners ordered by id; else the criterion id; ``<NA>`` when included).
    """
    frame = _with_optional(screening)
    reconciled = _reconciled(frame)
    slotted = _slots(frame)
    columns = ["practice_id", "criterion", "decision", "basis", "reason"]
    # Whole columns at once, not a Python loop over groups: a national catalogue has tens of thousands of
    # practice × criterion groups, and the loop took most of the screening stage's time.
    grouped = slotted.groupby(["practice_id", "criterion"], sort=True)
    size = grouped.size()
    if size.empty:
        return pd.DataFrame([], columns=columns).astype({c: "string" for c in columns})
    keys = size.index
    n_distinct = grouped["decision"].nunique().reindex(keys).to_numpy()
    only = grouped["decision"].first().reindex(keys).astype(object).to_numpy()
    agreed = np.array([reconciled.get(key, pd.NA) for key in keys], dtype=object)
    has_agreed = ~pd.isna(agreed)
    one = n_distinct == 1
    basis = np.select(
        [has_agreed, one & (size.to_numpy() > 1), one], ["reconciled", "agreement", "single"], "conflict"
    ).astype(object)
    decision = np.where(has_agreed, agreed, np.where(one, only, pd.NA))
    excluded = slotted[(slotted["decision"] == "exclude").fillna(False).astype(bool)]
    text = excluded["reason"].astype(str)
    written = excluded[np.array([bool(r.strip()) for r in text], dtype=bool)]
    first_written = (
        written.groupby(["practice_id", "criterion"], sort=False)["reason"].first().astype(str).map(str.strip)
    )
    criteria = keys.get_level_values("criterion").to_numpy(dtype=object)
    reason_written = first_written.reindex(keys).astype(object).to_numpy()
    reason_written = np.where(pd.isna(reason_written), criteria, reason_written)
    is_exclusion = (basis != "conflict") & np.array(
        [d == "exclude" if not pd.isna(d) else False for d in decision], dtype=bool
    )
    reason = np.where(is_exclusion, reason_written, pd.NA)
    result = pd.DataFrame(
        {
            "practice_id": keys.get_level_values("practice_id").to_numpy(dtype=object),
            "criterion": criteria,
            "decision": decision,
            "basis": basis,
            "reason": reason,
        }
    )
    # groupby sorted the criteria alphabetically; the exclusion rule needs the researchers' order.
    rank = {criterion: i for i, criterion in enumerate(_criteria(frame))}
    result = result.assign(_rank=result["criterion"].map(rank)).sort_values(["practice_id", "_rank"], kind="stable")
    result = result.drop(columns="_rank").reset_index(drop=True)
    return result.astype({c: "string" for c in result.columns})


def require_resolved(decisions: pd.DataFrame) -> None:
    """Raise :class:`UnresolvedConflictsError` naming every practice × criterion still in conflict."""
    open_ = decisions[decisions["basis"] == "conflict"]
    if not open_.empty:
        raise UnresolvedConflictsError(
            list(zip(open_["practice_id"].astype(str), open_["criterion"].astype(str), strict=True))
        )


def practice_eligibility(decisions: pd.DataFrame) -> pd.DataFrame:
    """Eligible or excluded, per practice, from :func:`final_decisions`; unresolved conflicts block it.

    Returns
    -------
    DataFrame
        One row per practice: ``practice_id``, ``eligible`` (bool: every criterion finally ``include``),
        ``exclusion_criterion`` and ``exclusion_reason`` (the first excluding criterion in table order
        and its reason; ``<NA>`` when eligible).

    Raises
    ------
    UnresolvedConflictsError
        When any practice × criterion is a conflict without a reconciled decision.
    """
    require_resolved(decisions)
    # Table order as final_decisions keeps it: criteria within each practice in first-appearance order.
    order = {c: i for i, c in enumerate(dict.fromkeys(decisions["criterion"]))}
    columns = ["practice_id", "eligible", "exclusion_criterion", "exclusion_reason"]
    dtypes = {"practice_id": "string", "eligible": bool, "exclusion_criterion": "string", "exclusion_reason": "string"}
    practices = decisions.groupby("practice_id", sort=True).size().index
    if practices.empty:
        return pd.DataFrame([], columns=columns).astype(dtypes)
    # Each practice's first excluding criterion in table order, for all practices at once.
    excluded = decisions[(decisions["decision"] == "exclude").fillna(False).astype(bool)]
    excluded = excluded.iloc[np.argsort(excluded["criterion"].map(order).to_numpy(), kind="stable")]
    first = excluded.drop_duplicates("practice_id", keep="first").set_index("practice_id")
    criterion = first["criterion"].reindex(practices).astype(object).to_numpy()
    result = pd.DataFrame(
        {
            "practice_id": practices.to_numpy(dtype=object),
            "eligible": pd.isna(criterion),
            "exclusion_criterion": criterion,
            "exclusion_reason": first["reason"].reindex(practices).astype(object).to_numpy(),
        }
    )
    return result.astype(dtypes)


# ---------------------------------------------------------------- flow


def flow_counts(
    candidates: pd.DataFrame, review: pd.DataFrame, eligibility: pd.DataFrame, selected: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The counts of a PRISMA-style flow, computed from the tables (never typed in).

    Parameters
    ----------
    candidates : DataFrame
        ``Study.candidates``.
    review : DataFrame
        :func:`duplicate_review`.
    eligibility : DataFrame
        :func:`practice_eligibility` for the screened practices.
    selected : DataFrame, optional
        The selection (:func:`select_stratified` or :func:`select_from_list`), one row per practice.

    Returns
    -------
    DataFrame
        ``step``, ``reason``, ``n`` with steps in flow order: ``identified`` (candidates),
        ``possible_duplicates`` (flagged pairs still pending a decision; kept, not subtracted),
        ``duplicates_removed`` (confirmed duplicates), ``screened``, ``excluded`` (total, ``reason``
        ``<NA>``), one ``excluded`` row per reason (most frequent first), ``eligible``, and ``selected``
        when given. ``identified − duplicates_removed = screened`` and ``screened − excluded = eligible``
        hold by construction and are checked.

    Examples
    --------
    >>> cands = pd.DataFrame({"practice_id": ["P1", "P2", "P3"]})
    >>> review = pd.DataFrame({"status": pd.Series([], dtype=str), "removed_id": pd.Series([], dtype=str)})
    >>> eligibility = pd.DataFrame({"practice_id": ["P1", "P2", "P3"], "eligible": [True, False, True],
    ...     "exclusion_reason": [None, "ingen målgruppe", None]})
    >>> flow_counts(cands, review, eligibility).query("reason.isna()")[["step", "n"]].values.tolist()
    [['identified', 3], ['possible_duplicates', 0], ['duplicates_removed', 0], ['screened', 3], ['excluded', 1], ['eligible', 2]]
    """
    identified = int(candidates["practice_id"].nunique())
    removed = len(removed_duplicates(review))
    pending = int((review["status"] == "pending").sum())
    screened = int(eligibility["practice_id"].nunique())
    if identified - removed != screened:
        raise ScreeningError(
            Text(
                f"flowet går ikke op: {identified} identificeret − {removed} dubletter ≠ {screened} screenet; "
                "screen alle kandidater, der ikke er dubletter (se check_all_screened)",
                f"the flow does not add up: {identified} identified − {removed} duplicates ≠ {screened} screened; "
                "screen every candidate that is not a duplicate (see check_all_screened)",
            )
        )
    excluded = eligibility[~eligibility["eligible"].astype(bool)]
    reasons = excluded["exclusion_reason"].astype(str).value_counts()
    reasons = reasons.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    rows: list[tuple[str, object, int]] = [
        ("identified", pd.NA, identified),
        ("possible_duplicates", pd.NA, pending),
        ("duplicates_removed", pd.NA, removed),
        ("screened", pd.NA, screened),
        ("excluded", pd.NA, len(excluded)),
        *[("excluded", reason, int(n)) for reason, n in reasons.items()],
        ("eligible", pd.NA, screened - len(excluded)),
    ]
    if selected is not None:
        rows.append(("selected", pd.NA, int(selected["practice_id"].nunique())))
    result = pd.DataFrame(rows, columns=["step", "reason", "n"])
    return result.astype({"step": "string", "reason": "string", "n": "int64"})


def flow_value(flow: pd.DataFrame, step: str) -> int:
    """The total count of one step of :func:`flow_counts` (the row without a reason)."""
    row = flow[(flow["step"] == step) & flow["reason"].isna()]
    if row.empty:
        raise ScreeningError(Text(f"flowet har intet trin '{step}'", f"the flow has no step '{step}'"))
    return int(row["n"].iloc[0])


# ---------------------------------------------------------------- selection


def eligible_candidates(candidates: pd.DataFrame, eligibility: pd.DataFrame) -> pd.DataFrame:
    """The candidate rows of the eligible practices, sorted by practice id."""
    ids = set(eligibility.loc[eligibility["eligible"].astype(bool), "practice_id"].astype(str))
    frame = candidates[candidates["practice_id"].astype(str).isin(ids)]
    return frame.sort_values("practice_id", kind="stable").reset_index(drop=True)


def stratum_labels(frame: pd.DataFrame, strata: Sequence[str]) -> pd.Series:
    """One label per row joining its values on ``strata`` with `` | `` (empty cells read ``(tom)``).

    ``purpose`` is taken as the practice's whole set of purposes (e.g. ``forebyggende;rådgivende``), so a
    practice sits in exactly one stratum. With no strata every row is in the stratum :data:`ALL_STRATUM`.
    """
    unknown = [s for s in strata if s not in frame.columns]
    if unknown:
        named, columns = ", ".join(unknown), ", ".join(map(str, frame.columns))
        raise SelectionError(
            Text(
                f"ukendte strata-kolonner: {named}; vælg blandt candidates' kolonner: {columns}",
                f"unknown strata columns: {named}; choose among the columns of candidates: {columns}",
            )
        )
    if not strata:
        return pd.Series(ALL_STRATUM, index=frame.index, dtype="string")
    text = frame[list(strata)].astype(str).apply(lambda s: s.str.strip().replace("", "(tom)"))
    return text.agg(" | ".join, axis=1).astype("string")


def allocate(sizes: pd.Series, n_select: int, seed: int) -> pd.Series:
    """How many to draw from each stratum: proportional to size, at least one per stratum when possible.

    Parameters
    ----------
    sizes : Series
        Stratum label → number of eligible practices (all > 0).
    n_select : int
        Total to draw; 1 ≤ ``n_select`` ≤ ``sizes.sum()``.
    seed : int
        Breaks ties between equally deserving strata (``numpy.random.default_rng(seed)``).

    Returns
    -------
    Series
        Stratum label → allocation, same index order as ``sizes``; sums to ``n_select``, never more than
        a stratum's size.

    Notes
    -----
    With :math:`N_h` practices in stratum :math:`h`, :math:`N = \\sum N_h` and :math:`k` strata, the
    proportional quota is :math:`q_h = n N_h / N`.

    - If :math:`n \\ge k`: start from :math:`a_h = \\min(N_h, \\max(1, \\lfloor q_h \\rfloor))`; while
      :math:`\\sum a_h < n`, add one to the stratum with room and the largest :math:`q_h - a_h`
      (largest remainder, Hamilton's method); while :math:`\\sum a_h > n`, take one from the stratum
      with :math:`a_h > 1` and the smallest :math:`q_h - a_h`.
    - If :math:`n < k`: the :math:`n` largest strata get one each.

    Ties are broken by a random order of the strata drawn from ``seed``.

    References
    ----------
    Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.), §5.5 proportional allocation. Wiley.

    Examples
    --------
    >>> alloc = allocate(pd.Series({"a": 6, "b": 3, "c": 1}), 5, seed=1)
    >>> alloc.to_dict()
    {'a': 3, 'b': 1, 'c': 1}
    """
    sizes = sizes.astype("int64")
    total = int(sizes.sum())
    if n_select < 1:
        raise SelectionError(
            Text(f"n_select skal være mindst 1 (fandt {n_select})", f"n_select must be at least 1 (found {n_select})")
        )
    if n_select > total:
        raise SelectionError(
            Text(
                f"n_select = {n_select} er flere end de {total} egnede praksisser",
                f"n_select = {n_select} is more than the {total} eligible practices",
            )
        )
    rng = np.random.default_rng(seed)
    priority = pd.Series(rng.permutation(len(sizes)), index=sizes.index)
    quota = n_select * sizes / total
    if n_select < len(sizes):
        order = pd.DataFrame({"size": sizes, "priority": priority}).sort_values(
            ["size", "priority"], ascending=[False, True]
        )
        allocation = pd.Series(0, index=sizes.index, dtype="int64")
        allocation[order.index[:n_select]] = 1
        return allocation
    allocation = np.minimum(sizes, np.maximum(1, np.floor(quota).astype("int64")))
    while allocation.sum() < n_select:
        room = allocation < sizes
        gap = (quota - allocation)[room]
        best = pd.DataFrame({"gap": gap, "priority": priority[room]}).sort_values(
            ["gap", "priority"], ascending=[False, True]
        )
        allocation[best.index[0]] += 1
    while allocation.sum() > n_select:
        spare = allocation > 1
        gap = (quota - allocation)[spare]
        worst = pd.DataFrame({"gap": gap, "priority": priority[spare]}).sort_values(
            ["gap", "priority"], ascending=[True, True]
        )
        allocation[worst.index[0]] -= 1
    return allocation.astype("int64")


def select_stratified(eligible: pd.DataFrame, *, strata: Sequence[str], n_select: int, seed: int) -> pd.DataFrame:
    """Draw ``n_select`` eligible practices, stratified on ``strata``, reproducibly from ``seed``.

    Parameters
    ----------
    eligible : DataFrame
        Candidate rows of the eligible practices (:func:`eligible_candidates`).
    strata : sequence of str
        Candidate columns to stratify on (e.g. ``["target_group"]``); empty for a simple random sample.
    n_select : int
        How many practices to select.
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed, data and parameters give the same sample,
        whatever the row order of the input.

    Returns
    -------
    DataFrame
        The selected practices, sorted by stratum and id: ``practice_id``, ``name``, ``provider``,
        ``municipality``, the strata columns, ``stratum``, ``stratum_size`` (eligible practices in the
        stratum), ``stratum_allocation`` (how many were drawn from it), ``selection_rule``
        (``"stratified"``) and ``seed``.

    Notes
    -----
    Allocation is :func:`allocate`. Within each stratum (strata in sorted order) the allocation is drawn
    without replacement from the practice ids in sorted order by ``Generator.choice``.

    Examples
    --------
    >>> eligible = pd.DataFrame({"practice_id": [f"P{i}" for i in range(6)], "name": "x", "provider": "y",
    ...     "municipality": "z", "target_group": ["børn"] * 4 + ["unge"] * 2})
    >>> first = select_stratified(eligible, strata=["target_group"], n_select=3, seed=7)
    >>> first.equals(select_stratified(eligible.iloc[::-1], strata=["target_group"], n_select=3, seed=7))
    True
    >>> first.groupby("stratum")["practice_id"].count().to_dict()
    {'børn': 2, 'unge': 1}
    """
    frame = eligible.assign(stratum=stratum_labels(eligible, strata)).sort_values("practice_id", kind="stable")
    if frame.empty:
        raise SelectionError(
            Text("der er ingen egnede praksisser at udvælge blandt", "there are no eligible practices to select from")
        )
    sizes = frame.groupby("stratum", sort=True).size()
    allocation = allocate(sizes, n_select, seed)
    rng = np.random.default_rng([seed, 1])  # a second stream, independent of the tie-breaking in allocate
    chosen: list[str] = []
    for stratum, count in allocation.items():
        members = frame.loc[frame["stratum"] == stratum, "practice_id"].astype(str).to_numpy()
        if count:
            chosen.extend(rng.choice(members, size=int(count), replace=False).tolist())
    selected = frame[frame["practice_id"].astype(str).isin(chosen)]
    return _selection_frame(selected, strata, sizes, "stratified", seed)


def _selection_frame(
    selected: pd.DataFrame, strata: Sequence[str], sizes: pd.Series, rule: str, seed: int | None
) -> pd.DataFrame:
    columns = list(dict.fromkeys(["practice_id", "name", "provider", "municipality", *strata, "stratum"]))
    result = selected[[c for c in columns if c in selected.columns]].copy()
    result["stratum_size"] = result["stratum"].map(sizes).astype("int64")
    result["stratum_allocation"] = result.groupby("stratum")["practice_id"].transform("count").astype("int64")
    result["selection_rule"] = rule
    result["seed"] = pd.array([seed] * len(result), dtype="Int64")
    return result.sort_values(["stratum", "practice_id"], kind="stable").reset_index(drop=True)


def select_from_list(
    eligible: pd.DataFrame,
    practice_ids: Sequence[str],
    *,
    strata: Sequence[str] = (),
    screened_ids: Collection[str] | None = None,
) -> pd.DataFrame:
    """The researchers' chosen practices, after checking that every one is eligible.

    Parameters
    ----------
    eligible : DataFrame
        Candidate rows of the eligible practices.
    practice_ids : sequence of str
        The chosen ids (``Study.selected["practice_id"]``, from ``selected.csv``).
    strata : sequence of str
        Columns to report strata on (nothing is drawn).
    screened_ids : collection of str, optional
        Ids that were screened; lets the message tell *excluded* from *unknown* ids.

    Returns
    -------
    DataFrame
        Same columns as :func:`select_stratified`, with ``selection_rule == "list"`` and ``seed`` ``<NA>``.

    Raises
    ------
    SelectionError
        Naming every id that is listed twice, or is not eligible (excluded at screening, a removed
        duplicate, or not in the catalogue at all).
    """
    ids = [str(i).strip() for i in practice_ids]
    if not ids:
        raise SelectionError(
            Text(
                "selected.csv er tom; angiv mindst ét practice_id",
                "selected.csv is empty; give at least one practice_id",
            )
        )
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        listed = ", ".join(twice)
        raise SelectionError(
            Text(
                f"selected.csv nævner samme praksis flere gange: {listed}",
                f"selected.csv names the same practice more than once: {listed}",
            ),
            twice,
        )
    eligible_ids = set(eligible["practice_id"].astype(str))
    bad = [i for i in ids if i not in eligible_ids]
    if bad:
        screened = set(screened_ids or ())
        excluded = [i for i in bad if i in screened]
        other = [i for i in bad if i not in screened]
        parts: list[Text] = []
        if excluded:
            shown = ", ".join(excluded)
            parts.append(Text(f"ekskluderet ved screeningen: {shown}", f"excluded at screening: {shown}"))
        if other:
            shown = ", ".join(other)
            parts.append(
                Text(
                    f"ikke screenet eller ukendt (dublet, eller ikke i candidates): {shown}",
                    f"not screened or unknown (a duplicate, or not in candidates): {shown}",
                )
            )
        raise SelectionError(
            joined(
                Text(
                    f"selected.csv nævner {len(bad)} praksis(ser), der ikke er egnede — ",
                    f"selected.csv names {len(bad)} practice(s) that are not eligible — ",
                ),
                parts,
            ),
            bad,
        )
    frame = eligible.assign(stratum=stratum_labels(eligible, strata))
    sizes = frame.groupby("stratum", sort=True).size()
    return _selection_frame(frame[frame["practice_id"].astype(str).isin(ids)], strata, sizes, "list", None)


# ---------------------------------------------------------------- prose and manifest


def describe_selection(
    selection: pd.DataFrame, *, eligible: pd.DataFrame, strata: Sequence[str], language: str = "da"
) -> str:
    """How the sample was drawn, in a few sentences for the report (Danish, or English).

    ``eligible`` is the frame the sample was drawn from; the number of eligible practices and of
    non-empty strata are counted from it, never typed in.

    Examples
    --------
    >>> eligible = pd.DataFrame({"practice_id": ["P1", "P2", "P3"], "target_group": ["børn", "unge", "unge"]})
    >>> selection = pd.DataFrame({"practice_id": ["P1", "P2"], "selection_rule": "stratified", "seed": [7, 7]})
    >>> describe_selection(selection, eligible=eligible, strata=["target_group"], language="en").split(". ")[0]
    '2 of the 3 eligible practices were selected for interview by stratified random sampling on target_group with seed 7'
    """
    n = len(selection)
    n_eligible = len(eligible)
    rule = str(selection["selection_rule"].iloc[0]) if n else "stratified"
    if rule == "list":
        return phrase(PHRASES, "list", language, n=n, n_eligible=n_eligible)
    seed = int(selection["seed"].iloc[0])
    text = phrase(
        PHRASES,
        "stratified" if strata else "unstratified",
        language,
        n=n,
        n_eligible=n_eligible,
        strata=", ".join(strata),
        seed=seed,
    )
    if strata:
        k = int(stratum_labels(eligible, strata).nunique())
        text += phrase(PHRASES, "allocation_min_one" if n >= k else "allocation_too_few", language, k=k, n=n)
    return text + phrase(PHRASES, "reproducible", language)


def describe_flow(flow: pd.DataFrame, review: pd.DataFrame, *, language: str = "da") -> str:
    """The flow and the duplicate handling in two sentences, numbers from the tables."""
    pairs = len(review)
    if pairs == 0:
        duplicates = phrase(PHRASES, "dup_none", language)
    elif (review["status"] == "pending").any():
        duplicates = phrase(PHRASES, "dup_pending", language, pairs=pairs)
    else:
        duplicates = phrase(
            PHRASES, "dup_decided", language, pairs=pairs, removed=flow_value(flow, "duplicates_removed")
        )
    counts = {step: flow_value(flow, step) for step in ("identified", "screened", "excluded", "eligible")}
    return phrase(PHRASES, "flow", language, **counts) + " " + duplicates


def check_parameters(*, language: str, selection_rule: str, n_select: int, strata: Sequence[str], seed: int) -> None:
    """Refuse notebook parameters that cannot work, before any file is read or written."""
    check_language(language)
    if selection_rule not in SELECTION_RULES:
        raise ScreeningError(
            Text(
                f"ukendt selection_rule {selection_rule!r}; forventet: {' eller '.join(SELECTION_RULES)}",
                f"unknown selection_rule {selection_rule!r}; expected: {' or '.join(SELECTION_RULES)}",
            )
        )
    if isinstance(n_select, bool) or not isinstance(n_select, (int, np.integer)) or n_select < 1:
        raise ScreeningError(
            Text(
                f"n_select skal være et positivt heltal (fandt {n_select!r})",
                f"n_select must be a positive whole number (found {n_select!r})",
            )
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ScreeningError(
            Text(
                f"seed skal være et ikke-negativt heltal (fandt {seed!r})",
                f"seed must be a non-negative whole number (found {seed!r})",
            )
        )
    if isinstance(strata, str) or not all(isinstance(s, str) for s in strata):
        raise ScreeningError(
            Text(
                f"strata skal være en liste af kolonnenavne, fx ['target_group'] (fandt {strata!r})",
                f"strata must be a list of column names, e.g. ['target_group'] (found {strata!r})",
            )
        )


def screening_manifest(
    *,
    study_name: str,
    synthetic: bool,
    parameters: dict[str, Any],
    flow: pd.DataFrame,
    review: pd.DataFrame,
    decision_file: bool,
    agreement: pd.DataFrame,
    selection: pd.DataFrame,
    description: str,
    outputs: Sequence[str],
    checksums: dict[str, str],
) -> dict[str, object]:
    """What the screening stage did, for later stages and the methods appendix (written as ``manifest.json``).

    Keys: ``stage``, ``study``, ``synthetic``, ``parameters``, ``counts`` (flow step → n),
    ``excluded_by_reason``, ``duplicates`` (pairs reviewed, pairs pending, removed ids, whether a
    ``duplicates.csv`` decision file was used), ``agreement`` (criterion → percent agreement, kappa, CI), ``selection`` (rule, seed,
    strata, ids, description), ``outputs`` (file names in the folder) and ``input_checksums``.
    """
    totals = flow[flow["reason"].isna()]
    reasons = flow[flow["reason"].notna()]

    def number(value: float) -> float | None:
        return None if pd.isna(value) else round(float(value), 6)

    return {
        "stage": "screening",
        "study": study_name,
        "synthetic": bool(synthetic),
        "parameters": parameters,
        "counts": {str(s): int(n) for s, n in zip(totals["step"], totals["n"], strict=True)},
        "excluded_by_reason": {str(r): int(n) for r, n in zip(reasons["reason"], reasons["n"], strict=True)},
        "duplicates": {
            "pairs": len(review),
            "pending_pairs": int((review["status"] == "pending").sum()),
            "removed": removed_duplicates(review),
            "decision_file": decision_file,
        },
        "agreement": {
            str(row["criterion"]): {
                "n": int(row["n_subjects"]),
                "percent_agreement": number(row["percent_agreement"]),
                "kappa": number(row["estimate"]),
                "ci_low": number(row["ci_low"]),
                "ci_high": number(row["ci_high"]),
                "conflicts": int(row["n_conflicts"]),
            }
            for _, row in agreement.iterrows()
        },
        "selection": {
            "rule": str(selection["selection_rule"].iloc[0]) if len(selection) else None,
            "seed": parameters.get("seed"),
            "strata": list(parameters.get("strata") or []),
            "practice_ids": sorted(selection["practice_id"].astype(str)),
            "description": description,
        },
        "outputs": sorted(outputs),
        "input_checksums": checksums,
    }
