"""Would the ranking change without one informant, or without one coder?"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.bias.common import TOP_N, BiasError
from lovende_research.errors import Text
from lovende_research.instrument import Instrument
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.scoring import element_scores, overall_index, practice_profiles, reconcile_coders
from lovende_research.scoring.parameters import COVERAGE_THRESHOLD


def _ranked(element_scores: pd.DataFrame, aggregation: str, min_element_share: float) -> pd.DataFrame:
    """practice_id, overall, rank (1 = highest; ties share the lowest rank; NaN when insufficient)."""
    overall = overall_index(practice_profiles(element_scores, aggregation), min_element_share)
    overall["rank"] = overall["overall"].rank(ascending=False, method="min")
    return overall[["practice_id", "overall", "rank"]]


STABILITY_COLUMNS: tuple[str, ...] = (
    "scenario",
    "left_out",
    "left_out_practice",
    "practice_id",
    "overall_full",
    "overall_reduced",
    "rank_full",
    "rank_reduced",
    "shift",
)
SUMMARY_COLUMNS: tuple[str, ...] = (
    "scenario",
    "left_out",
    "left_out_practice",
    "n_practices",
    "kendall_tau",
    "max_shift",
    "top_changed",
)
#: Which rows :func:`rank_stability` returns: ``all`` (every scenario × every practice) or ``own`` (for a
#: left-out informant only their own practice's row, the only index that changes; every row for a coder).
STABILITY_ROWS: tuple[str, ...] = ("all", "own")
#: :func:`run_bias_checks` with ``stability_rows="auto"`` keeps every row up to this many informant rows
#: (informants × practices) and the ``own`` rows beyond: the whole table grows with the square of the study
#: (18,000 informants × 6,000 practices = 108 million rows nationally) while everything read from it —
#: the flags, the stability figure, the tutorial's exercise — uses the ``own`` rows only.
STABILITY_ALL_MAX_ROWS = 250_000


def _leave_one_informant_out(scores: pd.DataFrame, aggregation: str, min_element_share: float) -> pd.DataFrame:
    """The overall index of each practice without each one of its informants, all scenarios in one pass.

    Returns ``left_out``, ``practice_id``, ``overall`` for every informant × practice the informant has
    scores in (a practice whose only informant is left out has no row: it drops out of the ranking).

    Why this is exact: every left-out scenario's rows (the informant's practice-mates, in their original
    order) are copied once, with the scenario as ``delimitation_id``, and scored by the same
    ``practice_profiles`` → ``overall_index`` calls. Group means see the same values in the same order as
    a re-scoring of ``scores`` without the informant would, so the indices are identical to the last bit,
    and ties between practices stay ties. The copy has Σ n_p(n_p − 1) informant rows, linear in the study.
    """
    data = scores[scores["informant_id"].notna()].reset_index(drop=True)
    data = data.assign(_row=np.arange(len(data)))
    pairs = data[["practice_id", "informant_id"]].drop_duplicates().rename(columns={"informant_id": "left_out"})
    expanded = data.merge(pairs, on="practice_id", how="inner")
    expanded = expanded[expanded["informant_id"] != expanded["left_out"]]
    expanded = expanded.sort_values(["left_out", "_row"], kind="stable")
    expanded = expanded.assign(delimitation_id=expanded["left_out"]).drop(columns=["_row", "left_out"])
    reduced = overall_index(practice_profiles(expanded, aggregation), min_element_share)
    return reduced.rename(columns={"delimitation_id": "left_out"})[["left_out", "practice_id", "overall"]]


def _kendall_tau_b(
    tot: np.ndarray, xtie: np.ndarray, ytie: np.ndarray, ntie: np.ndarray, dis: np.ndarray
) -> np.ndarray:
    """Kendall's tau-b from pair counts, the arithmetic of :func:`scipy.stats.kendalltau` (NaN when a ranking is all ties)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = (tot - xtie - ytie + ntie - 2 * dis) / np.sqrt(tot - xtie) / np.sqrt(tot - ytie)
    tau = np.minimum(1.0, np.maximum(-1.0, tau))
    return np.where((xtie == tot) | (ytie == tot), np.nan, tau)


def _one_moved_summary(
    values: np.ndarray, rank_full: np.ndarray, q: np.ndarray, b: np.ndarray, top_n: int
) -> dict[str, np.ndarray]:
    """Per scenario in which only practice ``q`` moved (index ``values[q]`` → ``b``): the reduced rank of
    ``q`` and :func:`stability_summary`'s statistics, without re-ranking the other practices.

    Every other practice ``j`` keeps its index :math:`v_j`, so its rank changes by
    :math:`[b > v_j] - [a > v_j] \\in \\{-1, 0, 1\\}` (with :math:`a = v_q`), and ``q`` lands at
    :math:`1 + \\#\\{j \\ne q: v_j > b\\}` (a ``searchsorted`` in the sorted indices). Kendall's tau-b needs
    the pair counts only: pairs of unmoved practices are concordant unless tied (tied in both rankings);
    a pair with ``q`` is discordant when :math:`v_j` lies strictly between :math:`a` and :math:`b`, tied in the
    full ranking when :math:`v_j = a`, in the reduced one when :math:`v_j = b`. O(log P) per scenario.
    """
    finite = np.isfinite(values)
    sv = np.sort(values[finite])
    n_all = len(sv)
    a = values[q]
    a_ok, b_ok = np.isfinite(a), np.isfinite(b)
    a_num = np.where(a_ok, a, 0.0)

    def lt(x: np.ndarray) -> np.ndarray:  # others (q excluded) with a value < x
        return np.searchsorted(sv, x, "left") - (a_ok & (a_num < x))

    def le(x: np.ndarray) -> np.ndarray:  # others with a value <= x
        return np.searchsorted(sv, x, "right") - (a_ok & (a_num <= x))

    def eq_all(x: np.ndarray) -> np.ndarray:
        return np.searchsorted(sv, x, "right") - np.searchsorted(sv, x, "left")

    b_num = np.where(b_ok, b, 0.0)
    n_others = n_all - a_ok.astype(np.int64)
    # rank of q without the informant: 1 + others above b
    rank_q = np.where(b_ok, 1.0 + (n_others - le(b_num)), np.nan)
    shift_q = rank_q - rank_full[q]
    # unmoved practices whose rank changes by one
    lo, hi = np.minimum(a_num, b_num), np.maximum(a_num, b_num)
    moved_others = np.select([a_ok & b_ok, b_ok, a_ok], [lt(hi) - lt(lo), lt(b_num), lt(a_num)], default=0)
    shifts = np.where(moved_others > 0, 1.0, np.where(n_others > 0, 0.0, np.nan))
    max_shift = np.fmax(np.abs(shift_q), shifts)
    # Kendall's tau-b over the practices ranked in both
    _, counts = np.unique(sv, return_counts=True)
    j_all = int((counts * (counts - 1) // 2).sum())
    t_a = np.where(a_ok, eq_all(a_num), 1)
    j_others = j_all - (t_a - 1)
    both = a_ok & b_ok
    size = n_others + both.astype(np.int64)
    tot = size * (size - 1) // 2
    e_a = np.where(both, t_a - 1, 0)
    e_b = np.where(both, eq_all(b_num) - (a_num == b_num), 0)
    same = both & (a_num == b_num)
    xtie, ytie = j_others + e_a, j_others + e_b
    ntie = j_others + np.where(same, e_a, 0)
    dis = np.where(both & ~same, lt(hi) - le(lo), 0)
    tau = np.where(size >= 2, _kendall_tau_b(tot, xtie, ytie, ntie, dis), np.nan)
    # the top n: q may enter or leave it; an unmoved practice only at its edge (rank top_n or top_n + 1)
    ranks = rank_full[finite]
    edge_out, edge_in = (ranks > top_n - 1) & (ranks <= top_n), (ranks > top_n) & (ranks <= top_n + 1)
    q_full = np.where(np.isfinite(rank_full[q]), rank_full[q], np.inf)
    changed = (q_full <= top_n) != (np.where(b_ok, rank_q, np.inf) <= top_n)
    for edge, q_on_edge, direction in (
        (edge_out, (q_full > top_n - 1) & (q_full <= top_n), 1),
        (edge_in, (q_full > top_n) & (q_full <= top_n + 1), -1),
    ):
        if edge.any():
            v = values[finite][edge][0]  # an edge is one tie group: one index
            delta = (b_ok & (b_num > v)).astype(int) - (a_ok & (a_num > v)).astype(int)
            changed |= ((int(edge.sum()) - q_on_edge.astype(int)) > 0) & (delta == direction)
    return {
        "rank_reduced": rank_q,
        "n_practices": size,
        "kendall_tau": tau,
        "max_shift": max_shift,
        "top_changed": changed,
    }


def _summary_row(
    scenario: str, left_out: str, left_out_practice: str, group: pd.DataFrame, top_n: int
) -> dict[str, object]:
    """One row of :func:`stability_summary` from one scenario's rows (every practice)."""
    both = group.dropna(subset=["overall_full", "overall_reduced"])
    tau = float(stats.kendalltau(both["overall_full"], both["overall_reduced"]).statistic) if len(both) >= 2 else np.nan
    top_full = set(group.loc[group["rank_full"] <= top_n, "practice_id"])
    top_reduced = set(group.loc[group["rank_reduced"] <= top_n, "practice_id"])
    return {
        "scenario": scenario,
        "left_out": left_out,
        "left_out_practice": left_out_practice,
        "n_practices": len(both),
        "kendall_tau": tau,
        "max_shift": float(group["shift"].abs().max()) if group["shift"].notna().any() else np.nan,
        "top_changed": top_full != top_reduced,
    }


def _stability(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    rule: str,
    aggregation: str,
    coverage_threshold: float,
    delimitation: str,
    top_n: int,
    rows: str,
    scores: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`rank_stability`'s table and :func:`stability_summary` of the whole table, in time linear in the study.

    Informant scenarios: one scoring of the study, one pass for every leave-one-out index
    (:func:`_leave_one_informant_out`) and closed forms for ranks and summaries (:func:`_one_moved_summary`).
    Coder scenarios: the study re-scored once per coder (``reconcile_coders`` on the other coders' codes);
    leaving a coder out changes the reconciled code of every interview that coder coded (all of them, when
    two coders code everything), so there is nothing smaller to adjust, and the cost is one scoring per
    coder — linear in the study for a fixed team of coders.
    """
    if rows not in STABILITY_ROWS:
        raise BiasError("rows", rows, Text(" eller ".join(STABILITY_ROWS), " or ".join(STABILITY_ROWS)))
    if scores is None:  # run_bias_checks passes the element scores it already has (same chain, same arguments)
        scores = element_scores(
            reconcile_coders(codings, instrument, rule, delimitation), instrument, interviews, coverage_threshold
        )
    full = _ranked(scores, aggregation, coverage_threshold).rename(
        columns={"overall": "overall_full", "rank": "rank_full"}
    )
    full = full.reset_index(drop=True)
    practices = full["practice_id"].tolist()
    position = {p: k for k, p in enumerate(practices)}
    values = full["overall_full"].to_numpy(dtype=float)
    rank_full = full["rank_full"].to_numpy(dtype=float)
    owners = interviews.drop_duplicates("informant_id").set_index("informant_id")["practice_id"].to_dict()
    informants = sorted(set(scores["informant_id"]))
    reduced = _leave_one_informant_out(scores, aggregation, coverage_threshold)
    # the practices each informant's scores belong to (normally one); their reduced index, NaN when the practice drops out
    touched = scores[["informant_id", "practice_id"]].dropna().drop_duplicates()
    touched = touched.merge(
        reduced, left_on=["informant_id", "practice_id"], right_on=["left_out", "practice_id"], how="left"
    )
    n_touched = touched.groupby("informant_id", sort=False).size().to_dict()
    single = [i for i in informants if n_touched.get(i, 0) == 1]
    one = touched[touched["informant_id"].isin(set(single))].set_index("informant_id").loc[single]
    q = one["practice_id"].map(position).to_numpy(dtype=np.int64)
    b = one["overall"].to_numpy(dtype=float)
    moved = _one_moved_summary(values, rank_full, q, b, top_n)

    # informants whose scores span several practices (not in a valid study) are re-ranked the long way
    slow: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for informant in informants:
        if n_touched.get(informant, 0) == 1:
            continue
        mine = touched[touched["informant_id"] == informant]
        overall_reduced = values.copy()
        for practice, value in zip(mine["practice_id"], mine["overall"], strict=True):
            overall_reduced[position[practice]] = value
        rank_reduced = pd.Series(overall_reduced).rank(ascending=False, method="min").to_numpy(dtype=float)
        slow[informant] = (overall_reduced, rank_reduced)
    order = {i: k for k, i in enumerate(informants)}
    n, m = len(practices), len(single)
    if rows == "all":  # every practice in every scenario: rank_full - [a > v] + [b > v], and q's own row
        scenario_of, practice_of = np.repeat(np.arange(m), n), np.tile(np.arange(n), m)
        a = values[q]
        with np.errstate(invalid="ignore"):
            rank_matrix = rank_full[None, :] - (a[:, None] > values[None, :]) + (b[:, None] > values[None, :])
        overall_matrix = np.broadcast_to(values, (m, n)).copy()
        rank_matrix[np.arange(m), q] = moved["rank_reduced"]
        overall_matrix[np.arange(m), q] = b
        overall_reduced, rank_reduced = overall_matrix.ravel(), rank_matrix.ravel()
    else:
        scenario_of, practice_of = np.arange(m), q
        overall_reduced, rank_reduced = b, moved["rank_reduced"]
    left_out = np.asarray(single, dtype=object)[scenario_of]
    fast = (
        full.iloc[practice_of]
        .reset_index(drop=True)
        .assign(
            overall_reduced=overall_reduced,
            rank_reduced=rank_reduced,
            scenario="informant",
            left_out=left_out,
            left_out_practice=[owners.get(i, "") for i in left_out],
            _k=[order[i] for i in left_out],
        )
    )
    frames: list[pd.DataFrame] = [fast]
    summaries = pd.DataFrame(
        {
            "scenario": "informant",
            "left_out": single,
            "left_out_practice": [owners.get(i, "") for i in single],
            "n_practices": moved["n_practices"].astype(np.int64),
            "kendall_tau": moved["kendall_tau"],
            "max_shift": moved["max_shift"].astype(float),
            "top_changed": moved["top_changed"].astype(bool),
            "_k": [order[i] for i in single],
        }
    )
    slow_summaries: list[dict[str, object]] = []
    for informant, (overall_slow, rank_slow) in slow.items():
        practice = owners.get(informant, "")
        block = full.assign(
            overall_reduced=overall_slow,
            rank_reduced=rank_slow,
            scenario="informant",
            left_out=informant,
            left_out_practice=practice,
            _k=order[informant],
        )
        block["shift"] = block["rank_reduced"] - block["rank_full"]
        slow_summaries.append({**_summary_row("informant", informant, practice, block, top_n), "_k": order[informant]})
        if rows == "own":
            block = block[
                block["practice_id"].isin(set(touched.loc[touched["informant_id"] == informant, "practice_id"]))
            ]
        frames.append(block.drop(columns=["shift"]))
    if slow_summaries:
        summaries = pd.concat([summaries, pd.DataFrame(slow_summaries)], ignore_index=True)
    summaries = summaries.sort_values("_k", kind="stable").drop(columns=["_k"])
    informant_rows = pd.concat(frames, ignore_index=True).sort_values("_k", kind="stable").drop(columns=["_k"])
    frames = [informant_rows] if len(informant_rows) else []
    coders = codings.loc[~codings["is_consensus"].astype(bool), "coder_id"]
    coder_summaries: list[dict[str, object]] = []
    if coders.nunique() > 1:
        for coder in sorted(set(coders)):
            kept = codings[codings["coder_id"] != coder]
            reduced_scores = element_scores(
                reconcile_coders(kept, instrument, rule, delimitation), instrument, interviews, coverage_threshold
            )
            coder_ranked = _ranked(reduced_scores, aggregation, coverage_threshold)
            block = full.merge(coder_ranked, on="practice_id", how="left").rename(
                columns={"overall": "overall_reduced", "rank": "rank_reduced"}
            )
            block = block.assign(scenario="coder", left_out=coder, left_out_practice="")
            block["shift"] = block["rank_reduced"] - block["rank_full"]
            coder_summaries.append(_summary_row("coder", coder, "", block, top_n))
            frames.append(block)
    # an empty coder frame (one coder) would turn the informant summaries' counts and flags into objects
    parts = [pd.DataFrame(coder_summaries, columns=list(SUMMARY_COLUMNS))] if coder_summaries else []
    summary = pd.concat([*parts, summaries[list(SUMMARY_COLUMNS)]], ignore_index=True)
    if not frames:
        return pd.DataFrame(columns=list(STABILITY_COLUMNS)), summary
    out = pd.concat(frames, ignore_index=True)
    out["shift"] = out["rank_reduced"] - out["rank_full"]
    return out[list(STABILITY_COLUMNS)], summary


def rank_stability(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    rule: str = "median",
    aggregation: str = "mean",
    coverage_threshold: float = COVERAGE_THRESHOLD,
    delimitation: str = MAIN_DELIMITATION,
    rows: str = "all",
) -> pd.DataFrame:
    """The ranking re-scored with one informant, or one coder, left out: every practice's rank shift.

    Parameters
    ----------
    codings : DataFrame
        ``Study.codings``.
    interviews : DataFrame
        ``Study.interviews``.
    instrument : Instrument
        The study's instrument.
    rule, aggregation, coverage_threshold, delimitation
        As in :func:`lovende_research.scoring.score_study`; the same chain scores every scenario.
    rows : {'all', 'own'}
        ``all`` (default): every scenario × every practice. ``own``: for a left-out informant only the
        row of their own practice (the only index that changes; the others' ranks move by at most one
        place and are summarised by :func:`run_bias_checks`); every practice for a left-out coder. The
        ``all`` table has informants × practices rows, which grows with the square of the study.

    Returns
    -------
    DataFrame
        One row per scenario × practice: ``scenario`` (``informant`` or ``coder``), ``left_out`` (the
        informant or coder id), ``left_out_practice`` (the informant's practice; empty for a coder),
        ``practice_id``, ``overall_full``, ``overall_reduced`` (overall index with and without),
        ``rank_full``, ``rank_reduced`` (1 = highest), ``shift`` (``rank_reduced - rank_full``; positive
        = the practice fell).

    Notes
    -----
    Leaving an informant out removes their element scores and re-aggregates with
    :func:`~lovende_research.scoring.practice_profiles` and
    :func:`~lovende_research.scoring.overall_index`; only their practice's index changes, but every
    practice's rank may. Leaving a coder out re-runs :func:`~lovende_research.scoring.reconcile_coders`
    on the other coders' codes (consensus codes still win), so every practice can move. Consensus codes
    are never left out: they are the team's, not one coder's.

    The study is scored once; every informant's practice is re-aggregated without them in one pass, and
    the other practices' ranks follow from the moved index: with full index :math:`a` and reduced index
    :math:`b` of the moved practice, a practice with index :math:`v` moves by :math:`[b > v] - [a > v]`
    places. The result is the same as re-scoring the study once per informant, to the last bit, in time
    linear in the study (plus the size of the table asked for).

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> items = [i.id for i in inst.items]
    >>> interviews = pd.DataFrame({"interview_id": ["a", "b", "c", "d"], "practice_id": ["P1", "P1", "P2", "P2"],
    ...     "informant_id": ["L1", "M1", "L2", "M2"], "informant_role": ["leder", "medarbejder"] * 2})
    >>> value = {"a": 4, "b": 1, "c": 3, "d": 3}
    >>> codings = pd.DataFrame([(i, "K1", it, "main", value[i], pd.NA, False) for i in value for it in items],
    ...     columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value", "missing_code", "is_consensus"])
    >>> codings["value"] = codings["value"].astype("Int64")
    >>> out = rank_stability(codings, interviews, inst)
    >>> row = out[(out["left_out"] == "M1") & (out["practice_id"] == "P1")].iloc[0]
    >>> int(row["rank_full"]), int(row["rank_reduced"])
    (2, 1)
    >>> len(out), len(rank_stability(codings, interviews, inst, rows="own"))
    (8, 4)
    """
    return _stability(codings, interviews, instrument, rule, aggregation, coverage_threshold, delimitation, 5, rows)[0]


def stability_summary(stability: pd.DataFrame, top_n: int = TOP_N) -> pd.DataFrame:
    """Per scenario: Kendall's tau between the full and reduced rankings, the largest shift, top-n changes.

    Parameters
    ----------
    stability : DataFrame
        From :func:`rank_stability` with ``rows="all"`` (every practice in every scenario; on ``own``
        rows the statistics cover only the rows given). :func:`run_bias_checks` computes the same
        summary for the whole table without building it.
    top_n : int
        The size of "the top of the ranking".

    Returns
    -------
    DataFrame
        One row per scenario × left-out unit: ``scenario``, ``left_out``, ``left_out_practice``,
        ``n_practices`` (ranked in both), ``kendall_tau`` (tau-b), ``max_shift`` (largest absolute rank
        shift), ``top_changed`` (the set of top-``top_n`` practices differs).

    Notes
    -----
    Kendall's :math:`\\tau_b = (C - D)/\\sqrt{(C + D + T_x)(C + D + T_y)}` over pairs of practices,
    with :math:`C`, :math:`D` concordant and discordant pairs and :math:`T` ties in one ranking only
    (:func:`scipy.stats.kendalltau`); 1 means the order is unchanged.

    References
    ----------
    Kendall, M. G. (1945). The treatment of ties in ranking problems. *Biometrika*, 33(3), 239–251.

    Examples
    --------
    >>> st = pd.DataFrame({"scenario": "informant", "left_out": "x", "left_out_practice": "P1",
    ...     "practice_id": ["P1", "P2", "P3"], "overall_full": [0.9, 0.5, 0.1], "overall_reduced": [0.4, 0.5, 0.1],
    ...     "rank_full": [1.0, 2.0, 3.0], "rank_reduced": [2.0, 1.0, 3.0], "shift": [1.0, -1.0, 0.0]})
    >>> row = stability_summary(st, top_n=1).iloc[0]
    >>> round(float(row["kendall_tau"]), 3), int(row["max_shift"]), bool(row["top_changed"])
    (0.333, 1, True)
    """
    rows = [
        _summary_row(scenario, left_out, group["left_out_practice"].iloc[0], group, top_n)
        for (scenario, left_out), group in stability.groupby(["scenario", "left_out"], sort=True)
    ]
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
