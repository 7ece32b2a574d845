"""The design planner: a generalizability-theory G study of a (pilot) study, and D studies of other designs.

How many informants per practice, and how many coders per interview, does a mapping need before an
element score, or the overall index, tells practices apart reliably? :func:`g_study` splits the
variance of the scores into practice, practice × element, informant within practice, informant ×
element, coder, coder residual and item; :func:`d_study` projects the G and Φ coefficients of an element
score and of the overall index for 1–6 informants and 1–3 coders; :func:`needed` gives the fewest
informants for 0.7 and 0.8; :func:`plan_study` does all of it on a study, with percentile intervals on
the projections from resampling practices. ``lovende plan STUDY_DIR`` prints it and writes CSV.

The design is nested (informants within practices) and unbalanced (practices with different numbers
and roles of informants, answers missing), which gtheory and EduG do not estimate; every component here
comes from :func:`~lovende_research.scoring.model.two_way_components` (Henderson's method III), exact for
unbalanced data.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

import numpy as np
import pandas as pd

from lovende_research.errors import Text
from lovende_research.i18n import check_language, number, phrase
from lovende_research.io import atomic_write_text, csv_safe_frame
from lovende_research.people_tables import cell_text, header
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.scoring.draws import _check_n_boot
from lovende_research.scoring.elements import element_scores
from lovende_research.scoring.model import MISSING_ROLE, two_way_components
from lovende_research.scoring.parameters import COVERAGE_THRESHOLD, ScoringError, _check_share
from lovende_research.scoring.reconcile import reconcile_coders

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    from lovende_research.study import Study

#: The variance components of :func:`g_study`, in the order they are reported.
COMPONENTS: tuple[str, ...] = (
    "practice",
    "practice_element",
    "informant",
    "informant_element",
    "coder",
    "residual",
    "item",
)

#: Reliability a design is planned for (0.7 for group comparisons, 0.8 for decisions about single practices).
TARGETS: tuple[float, ...] = (0.7, 0.8)

PHRASES: dict[str, tuple[str, str]] = {
    "title": ("Designplan for {study}: G- og Φ-koefficienter", "Design plan for {study}: G and Φ coefficients"),
    "used": (
        "anvendt design: {informants} informanter pr. praksis, {coders} kodere pr. interview",
        "design used: {informants} informants per practice, {coders} coders per interview",
    ),
    "needed": (
        "Færrest informanter pr. praksis for målet (– = nås ikke med 50)",
        "Fewest informants per practice for the target (– = not reached with 50)",
    ),
    "components": ("Varianskomponenter (skala 0–1)", "Variance components (0–1 scale)"),
    "written": ("CSV skrevet: {paths}", "CSV written: {paths}"),
}

#: The codes of the plan's tables (variance components, measures) as the plan's text names them.
VALUES: dict[str, tuple[str, str]] = {
    "practice": ("praksis", "practice"),
    "practice_element": ("praksis × element", "practice × element"),
    "informant": ("informant", "informant"),
    "informant_element": ("informant × element", "informant × element"),
    "coder": ("koder", "coder"),
    "residual": ("rest", "residual"),
    "item": ("spørgsmål", "item"),
    "element": ("element", "element"),
    "overall": ("samlet", "overall"),
}


def coder_element_scores(
    study: "Study", coverage_threshold: float = COVERAGE_THRESHOLD, delimitation: str = MAIN_DELIMITATION
) -> pd.DataFrame:
    """Every coder's own element scores: :func:`~lovende_research.scoring.element_scores` of one coder's codes at a time.

    Returns the columns of ``element_scores`` with interviews attached plus ``coder_id``, coder after
    coder in sorted order of their ids, with a plain 0..n-1 index; insufficient scores are left out.
    Consensus codes are not a coder and are left out too.
    """
    consensus = study.codings["is_consensus"].astype(bool)
    codings = study.codings[~consensus]
    frames = [
        element_scores(
            reconcile_coders(rows, study.instrument, "median", delimitation),
            study.instrument,
            study.interviews,
            coverage_threshold,
        ).assign(coder_id=coder)
        for coder, rows in codings.groupby("coder_id", sort=True)
    ]
    if not frames:
        # The value is the coders found (at most the consensus), the same in either language.
        raise ScoringError(
            "codings",
            sorted(study.codings.loc[consensus, "coder_id"].astype(str).unique()),
            Text("mindst én koders kodninger", "the codings of at least one coder"),
        )
    return pd.concat(frames).dropna(subset=["score"]).reset_index(drop=True)


def _codes(*columns: pd.Series) -> np.ndarray:
    """The combinations of ``columns`` numbered 0, 1, ... in order of first appearance."""
    return pd.MultiIndex.from_arrays(columns).factorize()[0]


def _harmonic(counts: np.ndarray) -> float:
    """The harmonic mean of counts (of codes without gaps, so none is 0)."""
    return float(len(counts) / np.sum(1 / counts))


@dataclass(frozen=True)
class GStudy:
    """Variance components of a study (:func:`g_study`) and the design that produced them.

    ``variance`` maps each of :data:`COMPONENTS` to its estimate on the score scale; ``n_informants``
    and ``n_coders`` are the design used (harmonic means per practice × element and per interview ×
    element); ``n_elements`` the elements an overall index averages.
    """

    variance: dict[str, float]
    n_informants: float
    n_coders: float
    n_elements: int

    def table(self) -> pd.DataFrame:
        """``component``, ``variance``, ``share`` (of the sum; NaN when there is no variance at all)."""
        values = np.array([self.variance[c] for c in COMPONENTS], dtype=float)
        with np.errstate(invalid="ignore"):
            share = values / np.nansum(values)
        return pd.DataFrame({"component": COMPONENTS, "variance": values, "share": share})


def g_study(coder_scores: pd.DataFrame, item_scores: pd.DataFrame | None = None) -> GStudy:
    """The G study: variance components of element scores in a nested, unbalanced mapping design.

    Parameters
    ----------
    coder_scores : DataFrame
        One coder's element score per row (:func:`coder_element_scores`): ``interview_id``,
        ``practice_id``, ``informant_id``, ``informant_role``, ``element_id``, ``coder_id``, ``score``.
    item_scores : DataFrame, optional
        Reconciled item scores (:func:`~lovende_research.scoring.reconcile_coders`): ``interview_id``,
        ``element_id``, ``item_id``, ``value``; without them the item component is NaN.

    Returns
    -------
    GStudy
        ``variance`` of ``practice`` :math:`\\sigma^2_p`, ``practice_element`` :math:`\\sigma^2_{pe}`,
        ``informant`` :math:`\\sigma^2_{i:p}`, ``informant_element`` :math:`\\sigma^2_{ie:p}`, ``coder``
        :math:`\\sigma^2_c`, ``residual`` :math:`\\sigma^2_{res}` (coder × interview × element) and
        ``item`` :math:`\\sigma^2_{j:e}`, with the design used.

    Notes
    -----
    The score of coder :math:`c` for element :math:`e` of informant :math:`i` of practice :math:`p` is
    :math:`y = \\mu_e + \\pi_p + \\pi\\epsilon_{pe} + \\iota_{i:p} + \\iota\\epsilon_{ie:p} + \\gamma_c +
    r_{cie:p}`, elements fixed, the rest random. Three method-III fits, each with fixed cells:
    coders within interview × element cells give :math:`\\sigma^2_c` and :math:`\\sigma^2_{res}`; the
    coders' mean scores, informants within practice × element cells (roles fixed, :func:`fit_score_model`),
    give :math:`\\sigma^2_{i:p}` and :math:`\\sigma^2_\\varepsilon = \\sigma^2_{ie:p} + \\sigma^2_{res}/n_c`;
    practices' mean scores, practices within element cells, give :math:`\\sigma^2_p + \\sigma^2_{i:p}/n_i`
    and :math:`\\sigma^2_{pe} + \\sigma^2_\\varepsilon/n_i`, from which the informants' share is taken
    off (:math:`n_i`, :math:`n_c` harmonic means). Items within interview × element cells give the item
    component, reported but not projected: every practice answers the same instrument. A negative
    estimate is set to 0 (Brennan 2001, §3.4), and so is one the design cannot estimate (a single
    practice, a single informant per practice, a single coder). With a single informant's interview in
    one element (as in an :math:`i:p` design) the informant's offset and its element interaction are one
    term, reported as ``informant``.

    References
    ----------
    Brennan, R. L. (2001). *Generalizability Theory*, ch. 3–4 and 7. Springer.
    Shavelson, R. J. & Webb, N. M. (1991). *Generalizability Theory: A Primer*. Sage.
    Henderson, C. R. (1953). Estimation of variance and covariance components. *Biometrics* 9, 226–252.

    Examples
    --------
    Brennan's (2001) synthetic data set no. 2, an :math:`i:p` design (10 persons, 8 items nested in each),
    read as 10 practices with 8 informants each:

    >>> data = [[2, 6, 7, 5, 2, 5, 5, 5], [4, 5, 6, 7, 6, 7, 5, 7], [5, 5, 4, 6, 5, 4, 5, 5], [5, 9, 8, 6, 5, 7, 7, 6],
    ...         [4, 3, 5, 6, 4, 5, 6, 4], [4, 4, 4, 7, 6, 4, 7, 8], [2, 6, 6, 5, 2, 7, 7, 5], [3, 4, 4, 5, 6, 6, 6, 4],
    ...         [0, 5, 4, 5, 5, 5, 5, 3], [6, 8, 7, 6, 6, 8, 8, 6]]
    >>> scores = pd.DataFrame([(f"p{p}", f"p{p}i{i}", v) for p, row in enumerate(data) for i, v in enumerate(row)],
    ...     columns=["practice_id", "informant_id", "score"]).assign(
    ...     interview_id=lambda d: d["informant_id"], informant_role="leder", element_id="e", coder_id="A")
    >>> g = g_study(scores)
    >>> round(g.variance["practice"], 4), round(g.variance["informant"], 4)
    (0.6108, 2.025)
    """
    cs = coder_scores.dropna(subset=["score"])
    if cs.empty:
        raise ScoringError(
            "coder_scores",
            len(coder_scores),
            Text("mindst én elementscore (rækker med en score)", "at least one element score (rows with a score)"),
        )
    item_var = np.nan
    if item_scores is not None:
        items = item_scores.dropna(subset=["value"])
        item_var = two_way_components(
            items["value"].to_numpy(dtype=float),
            _codes(items["interview_id"], items["element_id"]),
            _codes(items["item_id"]),
        ).informant_var
    return _g_study(_CodedScores.of(cs), float(item_var))


@dataclass(frozen=True)
class _CodedScores:
    """Coder element scores as integer codes, rows grouped by practice: what :func:`_g_study` fits and
    :meth:`resample` draws from, without a string in sight.

    ``practice`` is the position of the practice's id in sorted order; ``cell`` (interview × element)
    and ``informant`` are numbered 0, 1, ... practice after practice, so the codes of one practice are
    a contiguous run (``per_practice`` counts them, and the rows); ``role`` is the position of its
    name in the sorted ``roles``.
    """

    score: np.ndarray
    practice: np.ndarray
    cell: np.ndarray
    informant: np.ndarray
    role: np.ndarray
    element: np.ndarray
    coder: np.ndarray
    roles: np.ndarray
    per_practice: dict[str, np.ndarray]

    @classmethod
    def of(cls, cs: pd.DataFrame) -> "_CodedScores":
        """Factorise ``cs`` (rows with a score) once; rows keep their order within a practice."""
        practice = pd.factorize(cs["practice_id"].astype(str), sort=True)[0]
        order = np.argsort(practice, kind="stable")
        cs, practice = cs.iloc[order], practice[order]
        # Factorised in order of appearance, and the rows are in practice order: each practice's run.
        cell = _codes(cs["practice_id"], cs["interview_id"], cs["element_id"])
        informant = _codes(cs["practice_id"], cs["informant_id"])
        # A blank role (allowed in interviews.csv) is a role of its own, as in fit_score_model.
        role, roles = pd.factorize(cs["informant_role"].astype("string").fillna(MISSING_ROLE).astype(str), sort=True)
        # Every practice has rows, cells and informants, so each count runs over all practices.
        counts = {
            "rows": np.bincount(practice),
            "cell": np.bincount(practice[np.unique(cell, return_index=True)[1]]),
            "informant": np.bincount(practice[np.unique(informant, return_index=True)[1]]),
        }
        return cls(
            cs["score"].to_numpy(dtype=float),
            practice,
            cell,
            informant,
            role,
            _codes(cs["element_id"]),
            _codes(cs["coder_id"]),
            np.asarray(roles, dtype=object),
            counts,
        )

    def resample(self, chosen: np.ndarray) -> "_CodedScores":
        """The rows of the ``chosen`` practices (positions, with repeats), each draw position a practice of
        its own, in the order drawn; the codes are renumbered so that they stay 0, 1, ... without gaps."""

        def starts(counts: np.ndarray) -> np.ndarray:
            return np.cumsum(counts) - counts

        lengths = self.per_practice["rows"][chosen]
        position = np.repeat(np.arange(len(chosen)), lengths)
        rows = np.arange(int(lengths.sum())) + np.repeat(
            starts(self.per_practice["rows"])[chosen] - starts(lengths), lengths
        )

        def renumbered(codes: np.ndarray, name: str) -> np.ndarray:
            counts = self.per_practice[name]
            return codes[rows] + (starts(counts[chosen]) - starts(counts)[chosen])[position]

        return _CodedScores(
            self.score[rows],
            position,
            renumbered(self.cell, "cell"),
            renumbered(self.informant, "informant"),
            self.role[rows],
            self.element[rows],
            self.coder[rows],
            self.roles,
            {},
        )


def _compact(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``codes`` renumbered 0, 1, ... over the values present (order kept), and which values were present."""
    present = np.bincount(codes) > 0
    return (np.cumsum(present) - 1)[codes], present


def _means(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The mean of ``values`` per code (codes 0, 1, ... without gaps)."""
    return np.bincount(codes, weights=values) / np.bincount(codes)


def _g_study(coded: _CodedScores, item_var: float = np.nan) -> GStudy:
    """:func:`g_study` on integer codes: the three method-III fits of its Notes, each mean a bincount.

    The same fits as :func:`~lovende_research.scoring.model.fit_score_model` and
    :func:`~lovende_research.scoring.profiles.practice_profiles` would make of the coders' mean scores,
    without building their tables: the design planner repeats this on every resample of a national study.
    """
    y, cell, element = coded.score, coded.cell, _compact(coded.element)[0]
    n_elements = int(element.max()) + 1
    # Coders within interview × element cells.
    coders = two_way_components(y, cell, _compact(coded.coder)[0])
    coder_var = coders.informant_var if np.isfinite(coders.informant_var) else 0.0
    residual_var = coders.residual_var if np.isfinite(coders.residual_var) and coders.informant_df > 0 else 0.0
    n_coders = _harmonic(np.bincount(cell).astype(float))
    # The coders' mean per interview × element, then an informant's interviews averaged per element:
    # informants within practice × element cells, roles fixed.
    per_cell = np.unique(cell, return_index=True)[1]
    informant, element = coded.informant[per_cell], element[per_cell]
    informant_element = _compact(informant * n_elements + element)[0]
    per_ie = np.unique(informant_element, return_index=True)[1]
    scores = _means(_means(y, cell), informant_element)
    practice, element = coded.practice[per_cell][per_ie], element[per_ie]
    practice_element = _compact(practice * n_elements + element)[0]
    role, present = _compact(coded.role[per_cell][per_ie])
    model = two_way_components(scores, practice_element, informant[per_ie], role, list(coded.roles[present]))
    informant_var = model.informant_var if np.isfinite(model.informant_var) else 0.0
    within = model.residual_var if np.isfinite(model.residual_var) else 0.0
    # Practices within element cells, on the practices' profile scores (their informants' mean).
    per_pe = np.unique(practice_element, return_index=True)[1]
    n_informants = _harmonic(np.bincount(practice_element).astype(float))
    practices = two_way_components(_means(scores, practice_element), element[per_pe], _compact(practice[per_pe])[0])
    practice_total = practices.informant_var if np.isfinite(practices.informant_var) else 0.0
    element_total = practices.residual_var if np.isfinite(practices.residual_var) else 0.0
    variance = {
        "practice": max(practice_total - informant_var / n_informants, 0.0),
        "practice_element": max(element_total - within / n_informants, 0.0),
        "informant": informant_var,
        "informant_element": max(within - residual_var / n_coders, 0.0),
        "coder": coder_var,
        "residual": residual_var,
        "item": item_var,
    }
    return GStudy(variance, n_informants, n_coders, n_elements)


def coefficients(
    variance: Mapping[str, float], n_informants: float, n_coders: float, n_elements: int = 1
) -> dict[str, float]:
    """G (:math:`E\\rho^2`) and Φ of a practice's mean over ``n_elements`` fixed elements, ``n_informants``
    informants and ``n_coders`` coders crossed with them.

    Notes
    -----
    With :math:`n_e` elements (1 for an element score, all for the overall index):

    .. math::
        \\tau = \\sigma^2_p + \\frac{\\sigma^2_{pe}}{n_e},\\quad
        \\delta = \\frac{\\sigma^2_{i:p}}{n_i} + \\frac{\\sigma^2_{ie:p}}{n_i n_e} + \\frac{\\sigma^2_{res}}{n_i n_c n_e},\\quad
        \\Delta = \\delta + \\frac{\\sigma^2_c}{n_c},\\qquad
        G = \\frac{\\tau}{\\tau + \\delta},\\quad \\Phi = \\frac{\\tau}{\\tau + \\Delta}

    (Brennan 2001, eqs. 4.11–4.13, with elements fixed as in a multivariate composite, ch. 9).

    >>> c = coefficients({"practice": 0.6108, "practice_element": 0, "informant": 2.025, "informant_element": 0,
    ...                   "coder": 0, "residual": 0}, n_informants=8, n_coders=1)
    >>> round(c["G"], 2), round(c["Phi"], 2)
    (0.71, 0.71)
    """
    # In numpy floats, so that a study without variance gives NaN (0 / 0), not a ZeroDivisionError.
    tau = np.float64(variance["practice"]) + variance["practice_element"] / n_elements
    delta = (
        np.float64(variance["informant"]) / n_informants
        + variance["informant_element"] / (n_informants * n_elements)
        + variance["residual"] / (n_informants * n_coders * n_elements)
    )
    absolute = delta + variance["coder"] / n_coders
    with np.errstate(invalid="ignore"):
        return {"G": float(tau / (tau + delta)), "Phi": float(tau / (tau + absolute))}


def d_study(g: GStudy, informants: Iterable[int] = range(1, 7), coders: Iterable[int] = range(1, 4)) -> pd.DataFrame:
    """G and Φ of an element score and of the overall index for every design of ``informants`` × ``coders``.

    Returns
    -------
    DataFrame
        ``measure`` (``element`` or ``overall``), ``n_informants``, ``n_coders``, ``G``, ``Phi``.
    """
    rows = []
    for measure, n_elements in (("element", 1), ("overall", g.n_elements)):
        for n_c in coders:
            for n_i in informants:
                rows.append(
                    {
                        "measure": measure,
                        "n_informants": n_i,
                        "n_coders": n_c,
                        **coefficients(g.variance, n_i, n_c, n_elements),
                    }
                )
    return pd.DataFrame(rows)


def needed(
    g: GStudy, targets: Iterable[float] = TARGETS, coders: Iterable[int] = range(1, 4), most: int = 50
) -> pd.DataFrame:
    """The fewest informants per practice that reach each target, per number of coders and measure.

    Returns ``measure``, ``coefficient`` (``G`` or ``Phi``), ``target``, ``n_coders``, ``n_informants``
    (<NA> when ``most`` informants do not reach it: more coders, or a sharper instrument, are needed).
    """
    rows = []
    for measure, n_elements in (("element", 1), ("overall", g.n_elements)):
        for n_c in coders:
            projected = [coefficients(g.variance, n_i, n_c, n_elements) for n_i in range(1, most + 1)]
            for coefficient in ("G", "Phi"):
                for target in targets:
                    first = next((n_i for n_i, c in enumerate(projected, start=1) if c[coefficient] >= target), None)
                    rows.append(
                        {
                            "measure": measure,
                            "coefficient": coefficient,
                            "target": target,
                            "n_coders": n_c,
                            "n_informants": first,
                        }
                    )
    out = pd.DataFrame(rows)
    out["n_informants"] = out["n_informants"].astype("Int64")
    return out


@dataclass(frozen=True)
class DesignPlan:
    """What :func:`plan_study` found: the components, the projected coefficients and the designs needed."""

    study: str
    g: GStudy
    components: pd.DataFrame
    projections: pd.DataFrame
    needed: pd.DataFrame

    def write(self, out_dir: Path) -> list[Path]:
        """``design_components.csv``, ``design_projections.csv`` and ``design_needed.csv`` in ``out_dir`` (atomically,
        no cell a spreadsheet would read as a formula)."""
        tables = {
            "design_components": self.components,
            "design_projections": self.projections,
            "design_needed": self.needed,
        }
        return [
            atomic_write_text(Path(out_dir) / f"{name}.csv", csv_safe_frame(frame).to_csv(index=False))
            for name, frame in tables.items()
        ]

    def text(self, language: str = "da") -> str:
        """The plan as plain text for a terminal: components, projections (G and Φ with intervals), needs."""
        check_language(language)

        def interval(column: str) -> list[str]:
            frame = self.projections
            return [
                f"{number(g, language)} [{number(lo, language)}; {number(hi, language)}]"
                for g, lo, hi in zip(frame[column], frame[f"{column}_low"], frame[f"{column}_high"], strict=True)
            ]

        used = phrase(
            PHRASES,
            "used",
            language,
            informants=number(self.g.n_informants, language, 1),
            coders=number(self.g.n_coders, language, 1),
        )

        def value(code: str) -> str:
            return phrase(VALUES, code, language)

        def headed(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.rename(columns=lambda column: header(str(column), language))

        components = self.components.assign(component=self.components["component"].map(value))
        projections = self.projections.assign(
            measure=self.projections["measure"].map(value),
            G=interval("G"),
            Phi=interval("Phi"),
            design_used=[cell_text(bool(used), language) for used in self.projections["design_used"]],
        )[["measure", "n_coders", "n_informants", "G", "Phi", "design_used"]]
        needed = self.needed.assign(measure=self.needed["measure"].map(value))
        wide = needed.pivot_table(
            index=["measure", "coefficient", "n_coders"],
            columns="target",
            values="n_informants",
            aggfunc="first",
            dropna=False,
        )  # dropna=False: a design that reaches no target keeps its row of "–"
        wide.index = wide.index.set_names([header(str(name), language) for name in wide.index.names])
        # the targets are the column labels: 0.7 -> 0,7 in Danish
        wide.columns = [number(float(c), language, 1) for c in wide.columns]
        # a target not reached is NaN, which makes the column float: counts stay whole numbers ("5", not "5.0")
        wide = wide.map(lambda n: "–" if pd.isna(n) else cell_text(n, language))
        return "\n\n".join(
            [
                phrase(PHRASES, "title", language, study=self.study) + "\n" + used,
                phrase(PHRASES, "components", language)
                + "\n"
                + headed(components).to_string(index=False, float_format=lambda v: number(v, language, 5)),
                headed(projections).to_string(index=False),
                phrase(PHRASES, "needed", language) + "\n" + wide.to_string(),
            ]
        )


def plan_study(
    study: "Study",
    coverage_threshold: float = COVERAGE_THRESHOLD,
    n_boot: int = 200,
    seed: int | None = None,
    ci: float = 0.95,
    delimitation: str = MAIN_DELIMITATION,
    informants: Iterable[int] = range(1, 7),
    coders: Iterable[int] = range(1, 4),
) -> DesignPlan:
    """The design planner on a study: :func:`g_study`, :func:`d_study` with intervals, :func:`needed`.

    Parameters
    ----------
    study : Study
        A loaded study, typically a pilot (a few practices is enough to start).
    coverage_threshold : float
        As in :func:`~lovende_research.scoring.score_study`.
    n_boot : int
        Resamples of the practices for the intervals.
    seed : int, optional
        Seed of the resampling; the study's own seed by default.
    ci : float
        Coverage of the intervals.
    delimitation : str
        The delimitation planned for.
    informants, coders : iterable of int
        The designs projected.

    Returns
    -------
    DesignPlan
        ``components`` (:meth:`GStudy.table`), ``projections`` (:func:`d_study` plus ``G_low``,
        ``G_high``, ``Phi_low``, ``Phi_high``, ``design_used``: the row nearest the study's own design),
        ``needed`` (:func:`needed`, on the point estimates).

    Notes
    -----
    The intervals resample practices with replacement, each with all its informants, interviews and
    codes, and repeat the G study on every resample (the *boot-p* bootstrap, Brennan 2001, §6.4; it is
    the practices the mapping samples). The percentile interval of the resampled coefficients is given;
    with few practices it is wide, which is what a pilot should learn. The ids are factorised once and
    each resample renumbers integer codes (a national study's 200 resamples take about a minute, not
    the quarter of an hour that rebuilding string ids and tables per draw took); the item component,
    which the projections do not use, is estimated on the study only.
    """
    _check_share("ci", ci)
    _check_n_boot(n_boot)
    seed = study.config.seed if seed is None else seed
    informants, coders = list(informants), list(coders)
    scores = coder_element_scores(study, coverage_threshold, delimitation)
    g = g_study(scores, reconcile_coders(study.codings, study.instrument, "median", delimitation))
    projections = d_study(g, informants, coders)
    # The item component is not projected (every practice answers the same instrument), so the
    # resamples repeat the G study on the coders' scores alone, factorised once.
    coded = _CodedScores.of(scores.dropna(subset=["score"]))
    n_practices = len(coded.per_practice["rows"])
    rng = np.random.default_rng(seed)
    draws = np.full((n_boot, len(projections), 2), np.nan)
    for b in range(n_boot):
        chosen = rng.choice(n_practices, size=n_practices, replace=True)
        draws[b] = d_study(_g_study(coded.resample(chosen)), informants, coders)[["G", "Phi"]].to_numpy(dtype=float)
    with warnings.catch_warnings():  # a design whose G is NaN in every draw (no variance at all) has no interval
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        low, high = np.nanquantile(draws, (1 - ci) / 2, axis=0), np.nanquantile(draws, (1 + ci) / 2, axis=0)
    projections = projections.assign(G_low=low[:, 0], G_high=high[:, 0], Phi_low=low[:, 1], Phi_high=high[:, 1])
    nearest_i = min(informants, key=lambda n: abs(n - g.n_informants))
    nearest_c = min(coders, key=lambda n: abs(n - g.n_coders))
    projections["design_used"] = (projections["n_informants"] == nearest_i) & (projections["n_coders"] == nearest_c)
    columns = [
        "measure",
        "n_informants",
        "n_coders",
        "G",
        "G_low",
        "G_high",
        "Phi",
        "Phi_low",
        "Phi_high",
        "design_used",
    ]
    return DesignPlan(study.name, g, g.table(), projections[columns], needed(g, coders=coders))
