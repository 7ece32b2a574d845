"""An independent study generator, to measure the bias and uncertainty checks on data we did not shape.

:mod:`lovende_research.simulate` writes the bundled example from a latent-threshold model, and the role
model of :mod:`lovende_research.bias` was written by the same hands: a check tested only on that data can
pass because it shares the simulator's assumptions. This module shares no code with ``simulate.py`` and
draws from a different model, stated here; the validity benchmark (``make bench-validity``) reports the
false-positive rate, power and coverage of the checks on it, and the tests pin a few of its seeds.

The model
---------
Everything is on the 0–1 scale of an element score. For practice :math:`p`, element :math:`e`, item
:math:`i` of :math:`e`, informant :math:`j` of :math:`p` with role :math:`r(j)`, and coder :math:`c`:

.. math::

    \\mu_{pe} = m_p + a_e + u_{pe},\\quad m_p \\sim U(0.25, 0.75),\\ u_{pe} \\sim N(0, \\sigma_{pe}^2)

    x_{ji} = \\mu_{pe} + \\delta_{r(j)} + \\eta_j + d_i + \\varepsilon_{ji},\\quad
    \\eta_j \\sim N(0, \\sigma_\\eta^2),\\ d_i \\sim N(0, \\sigma_d^2),\\ \\varepsilon_{ji} \\sim N(0, \\sigma_\\varepsilon^2)

    A_{ji} - 1 \\sim \\mathrm{Binomial}(K - 1, \\operatorname{clip}(x_{ji}, 0, 1))

The informant's answer :math:`A_{ji}` is one of the scale's :math:`K` codes, and
:math:`E[(A - 1)/(K - 1) \\mid x] = \\operatorname{clip}(x, 0, 1)`: the answer's expected value on the
0–1 scale is the informant's clipped perception. :math:`a_e` are fixed element offsets (economy and
documented effect lowest, as VIVE found), :math:`\\delta_{leder}` is ``leader_leniency`` and 0 for every
other role. Extreme practices (``n_extreme``) have :math:`m_p` at 0.04 or 0.96 and no element offset:
their informants answer almost only the bottom or the top code, truthfully.

Each interview is coded by two coders drawn from a pool of ``n_coders``. Coder :math:`c` has a severity
:math:`s_c \\sim U(-\\kappa, \\kappa)` (``coder_severity``) and records the answer one code higher with
probability :math:`\\max(s_c, 0) + \\lambda/2`, one code lower with probability
:math:`\\max(-s_c, 0) + \\lambda/2` (``coder_noise`` :math:`\\lambda`), else as heard, kept on the scale.

Missing answers: an item is answered *ved ikke* with probability ``dont_know`` (``dont_know_focus`` on
*virkning* and *oekonomi*, where informants often do not know), doubled for partners; both coders record
it. A straight-liner (each informant with probability ``straightliner_rate``) gives one code (the top
with probability 0.6, else another, uniformly) to every item, without *ved ikke*; the coders record it
through their own severity and noise, so the two coders' codes are not identical copies.

Roles: every practice has one leader; the others are staff and partners in turn (``medarbejder``,
``samarbejdspartner``, ``medarbejder``, …). With ``unbalanced_roles`` a third of the practices get no
partner (staff only) and a third get one informant more, a second staff member.

What is true (the estimands)
----------------------------
``IndependentTruth.role_element`` holds, per practice × element × role, the expected element score of an
informant of that role, over informants, answers and the coder pool (the mean over coders of the exact
expectation: the coder's transition applied to the Binomial's probabilities, integrated over the normal
perception on a fine grid). Reconciled scores of two coders are their mean, whose expectation is the mean
of their expectations. ``practice_element`` is the estimand of a profile cell: the mean of
``role_element`` over the practice's own informants (straight-liners count by their role). The role
effect on the 0–1 scale (``role_effects``) is the mean over practices and elements of a role's expected
score minus the leader's: exactly 0 for every role when ``leader_leniency`` is 0, and a little less
than the planted offset otherwise (clipping at the scale's ends).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.errors import ArgumentError, Text
from lovende_research.instrument import Instrument, load_instrument

#: Element offsets :math:`a_e` on the 0–1 scale (the practice level :math:`m_p` is added).
ELEMENT_OFFSETS: dict[str, float] = {
    "teori": 0.08,
    "virkning": -0.15,
    "beskrivelse": 0.0,
    "maal": 0.04,
    "overfoerbarhed": -0.04,
    "oekonomi": -0.18,
    "refleksion": 0.12,
    "relationer": 0.1,
    "individuel": 0.05,
    "monitorering": -0.05,
    "opfoelgning": 0.03,
}
#: Elements whose items informants often cannot answer (*ved ikke*).
DONT_KNOW_ELEMENTS: tuple[str, ...] = ("virkning", "oekonomi")
LEADER = "leder"
OTHER_ROLES: tuple[str, ...] = ("medarbejder", "samarbejdspartner")
CODERS_PER_INTERVIEW = 2
_GRID = np.linspace(-6.0, 6.0, 241)  # standard-normal grid for the expectation over perceptions (error < 1e-4)


@dataclass(frozen=True)
class IndependentSpec:
    """The parameters of the model in the module docstring (all on the 0–1 scale)."""

    n_practices: int = 20
    informants_per_practice: int = 3
    unbalanced_roles: bool = False
    leader_leniency: float = 0.0
    informant_sd: float = 0.05
    practice_element_sd: float = 0.12
    item_sd: float = 0.04
    answer_sd: float = 0.1
    n_coders: int = 2
    coder_severity: float = 0.15
    coder_noise: float = 0.1
    dont_know: float = 0.03
    dont_know_focus: float = 0.25
    straightliner_rate: float = 0.0
    n_extreme: int = 0

    def __post_init__(self) -> None:
        # Fewer practices, informants or coders leave nothing to compare (two coders code each interview).
        for name, least in (("n_practices", 2), ("informants_per_practice", 1), ("n_coders", CODERS_PER_INTERVIEW)):
            if getattr(self, name) < least:
                raise ArgumentError(
                    f"IndependentSpec.{name}",
                    getattr(self, name),
                    Text(f"et heltal på mindst {least}", f"a whole number of at least {least}"),
                )
        if not 0 <= self.n_extreme <= self.n_practices:
            raise ArgumentError(
                "IndependentSpec.n_extreme",
                self.n_extreme,
                Text(
                    f"et heltal mellem 0 og n_practices ({self.n_practices})",
                    f"a whole number from 0 to n_practices ({self.n_practices})",
                ),
            )


@dataclass(frozen=True)
class IndependentTruth:
    """What :func:`write_independent_study` planted; see the module docstring for each estimand."""

    spec: IndependentSpec
    seed: int
    role_element: pd.DataFrame
    practice_element: pd.DataFrame
    role_effects: dict[str, float]
    straightliners: list[str]
    extreme_practices: list[str]
    variance: dict[str, float] = field(default_factory=dict)

    @property
    def role_offsets(self) -> dict[str, float]:
        """The planted offsets :math:`\\delta_r` (before clipping), by role."""
        return {LEADER: self.spec.leader_leniency, **{role: 0.0 for role in OTHER_ROLES}}


def write_independent_study(out_dir: Path, spec: IndependentSpec, seed: int) -> IndependentTruth:
    """Draw a study from the model and write it as a complete study folder; return what is true.

    ``out_dir`` must not exist yet or be empty. The folder holds ``study.yml``, ``candidates.csv``,
    ``screening.csv`` (every practice included), ``interviews.csv``, ``codings.csv`` and
    ``truth.json``; :meth:`lovende_research.study.Study.load` reads it like any study.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ArgumentError(
            "out_dir",
            str(out_dir),
            Text(
                "en mappe der ikke findes endnu, eller en tom mappe",
                "a folder that does not exist yet, or an empty folder",
            ),
        )
    instrument = load_instrument()
    rng = np.random.default_rng(seed)
    practices = [f"Q{k + 1:03d}" for k in range(spec.n_practices)]
    levels, mu = _practice_levels(spec, instrument, rng)
    informants = _informants(spec, practices, rng)
    items = instrument.items
    item_offset = rng.normal(0.0, spec.item_sd, len(items))
    informant_offset = rng.normal(0.0, spec.informant_sd, len(informants))
    straight = rng.random(len(informants)) < spec.straightliner_rate
    severity = rng.uniform(-spec.coder_severity, spec.coder_severity, spec.n_coders)
    answers = _answers(spec, instrument, informants, mu, item_offset, informant_offset, straight, rng)
    codings = _codings(spec, instrument, informants, answers, severity, rng)
    role_element = _role_truth(spec, instrument, practices, mu, item_offset, severity)
    truth = IndependentTruth(
        spec=spec,
        seed=seed,
        role_element=role_element,
        practice_element=_practice_truth(role_element, informants),
        role_effects=_role_effects(role_element),
        straightliners=sorted(informants.loc[straight, "informant_id"]),
        extreme_practices=[practices[k] for k in np.flatnonzero(levels["extreme"])],
        variance={
            "practice": float(np.var(levels["level"])),
            "practice_element": spec.practice_element_sd**2,
            "informant": spec.informant_sd**2,
            "item": spec.item_sd**2,
            "answer": spec.answer_sd**2,
        },
    )
    _write_folder(out_dir, seed, practices, informants, codings, truth)
    return truth


def _practice_levels(
    spec: IndependentSpec, instrument: Instrument, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    """:math:`m_p` and :math:`\\mu_{pe}` (practices × elements); extreme practices alternate top, bottom."""
    level = rng.uniform(0.25, 0.75, spec.n_practices)
    extreme = np.zeros(spec.n_practices, dtype=bool)
    extreme[rng.choice(spec.n_practices, spec.n_extreme, replace=False)] = True
    level[extreme] = np.where(np.arange(extreme.sum()) % 2 == 0, 0.96, 0.04)
    offsets = np.array([ELEMENT_OFFSETS.get(e.id, 0.0) for e in instrument.elements])
    interaction = rng.normal(0.0, spec.practice_element_sd, (spec.n_practices, len(offsets)))
    mu = level[:, None] + np.where(extreme[:, None], 0.0, offsets[None, :] + interaction)
    return pd.DataFrame({"level": level, "extreme": extreme}), mu


def _informants(spec: IndependentSpec, practices: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """One row per informant: practice index, id, role; the design of the module docstring."""
    rows = []
    for p, practice in enumerate(practices):
        others = [OTHER_ROLES[k % 2] for k in range(spec.informants_per_practice - 1)]
        if spec.unbalanced_roles:
            kind = rng.integers(3)
            if kind == 0:
                others = [OTHER_ROLES[0]] * len(others)
            elif kind == 1:
                others = others + [OTHER_ROLES[0]]
        for k, role in enumerate([LEADER] + others):
            rows.append((p, practice, f"{practice}-i{k + 1}", role))
    return pd.DataFrame(rows, columns=["p", "practice_id", "informant_id", "informant_role"])


def _answers(
    spec: IndependentSpec,
    instrument: Instrument,
    informants: pd.DataFrame,
    mu: np.ndarray,
    item_offset: np.ndarray,
    informant_offset: np.ndarray,
    straight: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Answers, informants × items: a scale code, or 0 for *ved ikke*."""
    codes = np.asarray(instrument.scale_codes)
    element_of = np.array([instrument.element_position[item.element_id] for item in instrument.items])
    leniency = np.where(informants["informant_role"].to_numpy() == LEADER, spec.leader_leniency, 0.0)
    x = (
        mu[informants["p"].to_numpy()][:, element_of]
        + leniency[:, None]
        + informant_offset[:, None]
        + item_offset[None, :]
        + rng.normal(0.0, spec.answer_sd, (len(informants), len(element_of)))
    )
    answers = codes[0] + rng.binomial(len(codes) - 1, np.clip(x, 0.0, 1.0))
    focus = np.isin([item.element_id for item in instrument.items], DONT_KNOW_ELEMENTS)
    p_dont_know = np.where(focus, spec.dont_know_focus, spec.dont_know)[None, :]
    p_dont_know = (
        p_dont_know * np.where(informants["informant_role"].to_numpy() == "samarbejdspartner", 2.0, 1.0)[:, None]
    )
    answers = np.where(rng.random(answers.shape) < np.minimum(p_dont_know, 0.9), 0, answers)
    for row in np.flatnonzero(straight):
        code = codes[-1] if rng.random() < 0.6 else rng.choice(codes[:-1])
        answers[row, :] = code
    return answers


def _shift_probabilities(severity: float, noise: float) -> tuple[float, float]:
    """The probabilities that a coder of this severity records one code lower and one code higher."""
    return max(-severity, 0.0) + noise / 2, max(severity, 0.0) + noise / 2


def _codings(
    spec: IndependentSpec,
    instrument: Instrument,
    informants: pd.DataFrame,
    answers: np.ndarray,
    severity: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The long codings table: two coders per interview, each recording every answer through their shift."""
    low, high = instrument.scale_codes[0], instrument.scale_codes[-1]
    item_ids = [item.id for item in instrument.items]
    coder_ids = [f"C{k + 1}" for k in range(spec.n_coders)]
    frames = []
    for row in range(len(informants)):
        interview = f"IV{row + 1:04d}"
        for coder in rng.choice(spec.n_coders, CODERS_PER_INTERVIEW, replace=False):
            down, up = _shift_probabilities(float(severity[coder]), spec.coder_noise)
            draw = rng.random(len(item_ids))
            shift = np.where(draw < down, -1, np.where(draw < down + up, 1, 0))
            heard = answers[row]
            recorded = np.where(heard == 0, 0, np.clip(heard + shift, low, high))
            response = ["ved_ikke" if code == 0 else str(int(code)) for code in recorded]
            screen = "ja" if rng.random() < 0.05 else "nej"
            frames.append(
                pd.DataFrame(
                    {
                        "interview_id": interview,
                        "coder_id": coder_ids[coder],
                        "item_id": item_ids + [instrument.screen_item.id],
                        "response": response + [screen],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _expected_value(mean: np.ndarray, sd: float, n_steps: int, down: float, up: float) -> np.ndarray:
    """E[(recorded − low)/(K − 1)] for perceptions N(mean, sd²), clipped, Binomial answers, one coder's shift."""
    if sd > 0:
        x = mean[..., None] + sd * _GRID
        weight = stats.norm.pdf(_GRID)
        weight = weight / weight.sum()
    else:
        x, weight = mean[..., None], np.ones(1)
    prob = np.clip(x, 0.0, 1.0)
    value = np.zeros(prob.shape)
    for k in range(n_steps + 1):  # the Binomial's probability of each answer times what the coder records of it
        recorded = (down * max(k - 1, 0) + up * min(k + 1, n_steps) + (1 - down - up) * k) / n_steps
        value += math.comb(n_steps, k) * prob**k * (1 - prob) ** (n_steps - k) * recorded
    return (value * weight).sum(axis=-1)


def _role_truth(
    spec: IndependentSpec,
    instrument: Instrument,
    practices: list[str],
    mu: np.ndarray,
    item_offset: np.ndarray,
    severity: np.ndarray,
) -> pd.DataFrame:
    """Expected element score per practice × element × role, averaged over the coder pool (docstring)."""
    n_steps = len(instrument.scale_codes) - 1
    sd = float(np.hypot(spec.informant_sd, spec.answer_sd))
    element_of = np.array([instrument.element_position[item.element_id] for item in instrument.items])
    weights = np.array([item.weight for item in instrument.items], dtype=float)
    rows = []
    for role in (LEADER, *OTHER_ROLES):
        offset = spec.leader_leniency if role == LEADER else 0.0
        mean = mu[:, element_of] + offset + item_offset[None, :]  # practices × items
        per_coder = [
            _expected_value(mean, sd, n_steps, *_shift_probabilities(float(s), spec.coder_noise)) for s in severity
        ]
        item_value = np.mean(per_coder, axis=0)
        for e, element in enumerate(instrument.elements):
            mask = element_of == e
            score = (item_value[:, mask] * weights[mask]).sum(axis=1) / weights[mask].sum()
            rows += [(practices[p], element.id, role, float(score[p])) for p in range(len(practices))]
    return pd.DataFrame(rows, columns=["practice_id", "element_id", "informant_role", "true_score"])


def _practice_truth(role_element: pd.DataFrame, informants: pd.DataFrame) -> pd.DataFrame:
    """The profile cell's estimand: the mean of the role truths over the practice's own informants."""
    merged = informants[["practice_id", "informant_role"]].merge(role_element, on=["practice_id", "informant_role"])
    out = merged.groupby(["practice_id", "element_id"], sort=True)["true_score"].mean().reset_index()
    return out


def _role_effects(role_element: pd.DataFrame) -> dict[str, float]:
    """Each role's mean expected score minus the leader's, over practices and elements."""
    wide = role_element.pivot_table(index=["practice_id", "element_id"], columns="informant_role", values="true_score")
    return {role: float((wide[role] - wide[LEADER]).mean()) for role in OTHER_ROLES}


def _write_folder(
    out_dir: Path,
    seed: int,
    practices: list[str],
    informants: pd.DataFrame,
    codings: pd.DataFrame,
    truth: IndependentTruth,
) -> None:
    """The study folder (plain CSV and YAML, as a researcher would type them) and ``truth.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "study.yml").write_text(
        "title: 'Uafhængigt genereret valideringsstudie'\n"
        "language: da\ninstrument: bundled\n"
        f"seed: {seed}\nsynthetic: true\n"
        "notes: 'Syntetiske data fra lovende_research.validity; ingen rigtige praksisser eller personer.'\n",
        encoding="utf-8",
    )
    pd.DataFrame(
        {
            "practice_id": practices,
            "name": [f"Indsats {p}" for p in practices],
            "provider": [f"Tilbud {p}" for p in practices],
            "provider_type": "kommune",
            "municipality": "Validitetskommune",
            "target_group": "børn og unge",
            "purpose": "behandlende",
        }
    ).to_csv(out_dir / "candidates.csv", index=False)
    pd.DataFrame(
        [(p, s, "i_drift", "include") for p in practices for s in ("S1", "S2")],
        columns=["practice_id", "screener_id", "criterion", "decision"],
    ).to_csv(out_dir / "screening.csv", index=False)
    interviews = informants[["practice_id", "informant_id", "informant_role"]].copy()
    interviews.insert(0, "interview_id", [f"IV{k + 1:04d}" for k in range(len(interviews))])
    interviews.to_csv(out_dir / "interviews.csv", index=False)
    codings.to_csv(out_dir / "codings.csv", index=False)
    (out_dir / "truth.json").write_text(
        json.dumps(
            {
                "generator": "lovende_research.validity",
                "seed": seed,
                "spec": asdict(truth.spec),
                "role_effects": truth.role_effects,
                "role_offsets": truth.role_offsets,
                "straightliners": truth.straightliners,
                "extreme_practices": truth.extreme_practices,
                "variance": truth.variance,
            },
            indent=2,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
