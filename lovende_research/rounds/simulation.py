"""Two or more rounds of a mapping with planted change, to measure :func:`round_change` on known truth.

Like :mod:`lovende_research.validity` (whose element offsets and roles it takes), this shares no code
with :mod:`lovende_research.simulate` and draws from a model stated here, not the one the change
estimator assumes: answers are Binomial on a clipped perception, coders shift codes, informants leave
and are replaced between rounds.

The model
---------
On the 0–1 scale, for practice :math:`p`, element :math:`e`, item :math:`i` of :math:`e`, round
:math:`r = 1, 2, \\dots` and informant :math:`j` of :math:`p`:

.. math::

    \\mu_{rpe} = m_p + a_e + w_{pe} + (r - 1)\\,\\Delta_{pe},\\quad m_p \\sim U(0.3, 0.7),\\ w_{pe} \\sim N(0, \\sigma_w^2)

    x_{rji} = \\mu_{rpe} + \\eta_j + v_{je} + d_i + \\varepsilon_{rji},\\qquad
    A_{rji} - 1 \\sim \\mathrm{Binomial}(K - 1, \\operatorname{clip}(x_{rji}, 0, 1))

with :math:`\\eta_j \\sim N(0, \\sigma_\\eta^2)` and :math:`v_{je} \\sim N(0, \\sigma_v^2)` the
informant's own offset and view of the element, the *same* in every round the informant is asked
(this is what makes a reappearing informant's answers correlated), :math:`d_i \\sim N(0, \\sigma_d^2)`
fixed item offsets and :math:`\\varepsilon_{rji} \\sim N(0, \\sigma_\\varepsilon^2)` new in every round.
:math:`a_e` are :data:`lovende_research.validity.ELEMENT_OFFSETS`.

Planted change: in every practice ``changed_elements`` elements, drawn at random, get
:math:`\\Delta_{pe} = \\pm` ``change`` per round (sign at random, turned round where it would carry
:math:`\\mu` outside [0.05, 0.95]); every other :math:`\\Delta_{pe} = 0`. With ``change = 0`` nothing
changes. Turnover: before each later round each informant leaves with probability ``turnover`` and is
replaced by a new informant of the same role (a new id, new :math:`\\eta, v`).

Coders: each interview is coded by two of ``n_coders`` coders; coder :math:`c` with severity
:math:`s_c \\sim U(-\\kappa, \\kappa)` records an answer one code higher with probability
:math:`\\max(s_c, 0) + \\lambda/2`, one lower with :math:`\\max(-s_c, 0) + \\lambda/2` (kept on the
scale). In every later round coder ``C1``'s severity grows by ``coder_drift`` (0: no drift).
*Ved ikke* with probability ``dont_know`` per answer, recorded by both coders.

What is true: ``truth.json`` holds every :math:`\\Delta_{pe}`, each round's informants and who
reappeared. A cell with :math:`\\Delta_{pe} \\ne 0` is a planted change (the expected element score
moves in its direction, by a little less than :math:`|\\Delta|` where clipping bites); a cell with
:math:`\\Delta_{pe} = 0` and no coder drift has exactly no change in its expected score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lovende_research.errors import Text, joined
from lovende_research.instrument import Instrument, load_instrument
from lovende_research.io import atomic_write_text, refuse_raw, write_json
from lovende_research.rounds.loading import RoundsError
from lovende_research.validity import ELEMENT_OFFSETS, LEADER, OTHER_ROLES

#: The folder of round ``k`` inside the output folder.
ROUND_FOLDER = "runde-{k}"


@dataclass(frozen=True)
class RoundsSpec:
    """The parameters of the model in the module docstring (sizes on the 0–1 scale)."""

    n_rounds: int = 2
    n_practices: int = 14
    informants_per_practice: int = 3
    change: float = 0.3
    changed_elements: int = 3
    turnover: float = 0.34
    practice_element_sd: float = 0.1
    informant_sd: float = 0.05
    view_sd: float = 0.05
    item_sd: float = 0.04
    answer_sd: float = 0.1
    n_coders: int = 3
    coder_severity: float = 0.1
    coder_noise: float = 0.1
    coder_drift: float = 0.0
    dont_know: float = 0.03

    def __post_init__(self) -> None:
        problems: list[Text] = []
        if self.n_rounds < 2 or self.n_practices < 2 or self.informants_per_practice < 1 or self.n_coders < 2:
            problems.append(
                Text(
                    "mindst 2 runder, 2 praksisser, 1 informant pr. praksis og 2 kodere",
                    "at least 2 rounds, 2 practices, 1 informant per practice and 2 coders",
                )
            )
        if not 0 <= self.changed_elements <= len(ELEMENT_OFFSETS):
            problems.append(
                Text(
                    f"changed_elements skal ligge mellem 0 og {len(ELEMENT_OFFSETS)}",
                    f"changed_elements must lie between 0 and {len(ELEMENT_OFFSETS)}",
                )
            )
        if not 0 <= self.turnover <= 1 or not 0 <= self.dont_know < 1:
            problems.append(
                Text(
                    "turnover og dont_know skal ligge mellem 0 og 1", "turnover and dont_know must lie between 0 and 1"
                )
            )
        if not 0 <= abs(self.change) <= 0.45:
            problems.append(
                Text(
                    "change skal ligge mellem -0,45 og 0,45 (på 0–1-skalaen)",
                    "change must lie between -0.45 and 0.45 (on the 0–1 scale)",
                )
            )
        if problems:
            raise RoundsError(joined(Text("ugyldig rundesimulering: ", "invalid rounds simulation: "), problems))


def write_rounds(out_dir: Path, spec: RoundsSpec, seed: int) -> list[Path]:
    """Write ``out_dir/runde-1``, ``runde-2``, … (each a complete study) and ``out_dir/truth.json``.

    Each later round's ``study.yml`` names the earlier rounds (``rounds:``), so ``lovende compare``
    needs only the last. The same spec and seed give the same files. Returns the rounds' folders.

    Examples
    --------
    >>> import json, tempfile
    >>> folders = write_rounds(Path(tempfile.mkdtemp()) / "r", RoundsSpec(n_practices=3, change=0.2), seed=1)
    >>> [f.name for f in folders], sorted(json.loads((folders[0].parent / "truth.json").read_text())["spec"])[:2]
    (['runde-1', 'runde-2'], ['answer_sd', 'change'])
    """
    out_dir = Path(out_dir)
    refuse_raw(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise RoundsError(
            Text(
                f"{out_dir}: mappen er ikke tom; forventet: en ny eller tom mappe",
                f"{out_dir}: the folder is not empty; expected: a new or empty folder",
            )
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise RoundsError(
            Text(
                f"seed skal være et ikke-negativt heltal, fandt {seed!r}",
                f"seed must be a non-negative whole number, found {seed!r}",
            )
        )
    instrument = load_instrument()
    rng = np.random.default_rng(seed)
    practices = [f"Q{k + 1:03d}" for k in range(spec.n_practices)]
    mu, delta = _levels(spec, instrument, rng)
    item_offset = rng.normal(0.0, spec.item_sd, len(instrument.items))
    severity = rng.uniform(-spec.coder_severity, spec.coder_severity, spec.n_coders)
    people = _first_informants(spec, practices, instrument, rng)
    folders, rosters = [], []
    for r in range(spec.n_rounds):
        if r > 0:
            people = _turnover(spec, people, instrument, rng)
        rosters.append(people)
        drifted = severity + np.where(np.arange(spec.n_coders) == 0, r * spec.coder_drift, 0.0)
        answers = _answers(spec, instrument, people, mu + r * delta, item_offset, rng)
        codings = _codings(spec, instrument, people, answers, drifted, r, rng)
        folder = out_dir / ROUND_FOLDER.format(k=r + 1)
        _write_round(folder, r, seed, practices, people, codings)
        folders.append(folder)
    elements = [e.id for e in instrument.elements]
    changes = [
        {"practice_id": practices[p], "element_id": elements[e], "change": float(delta[p, e])}
        for p in range(len(practices))
        for e in range(len(elements))
    ]
    write_json(
        out_dir / "truth.json",
        {
            "generator": "lovende_research.rounds.simulation",
            "seed": int(seed),
            "spec": asdict(spec),
            "changes": changes,
            "informants": [sorted(r["informant_id"]) for r in rosters],
        },
    )
    return folders


def _levels(spec: RoundsSpec, instrument: Instrument, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """:math:`\\mu_{1pe}` and the planted :math:`\\Delta_{pe}` (practices × elements)."""
    offsets = np.array([ELEMENT_OFFSETS.get(e.id, 0.0) for e in instrument.elements])
    level = rng.uniform(0.3, 0.7, spec.n_practices)
    mu = level[:, None] + offsets[None, :] + rng.normal(0.0, spec.practice_element_sd, (spec.n_practices, len(offsets)))
    delta = np.zeros_like(mu)
    for p in range(spec.n_practices):
        chosen = rng.choice(len(offsets), spec.changed_elements, replace=False)
        sign = rng.choice([-1.0, 1.0], len(chosen))
        end = mu[p, chosen] + (spec.n_rounds - 1) * sign * spec.change
        sign = np.where((end < 0.05) | (end > 0.95), -sign, sign)
        delta[p, chosen] = sign * spec.change
    return mu, delta


def _person(
    practice: str, number: int, role: str, n_elements: int, spec: RoundsSpec, rng: np.random.Generator
) -> dict[str, object]:
    return {
        "practice_id": practice,
        "informant_id": f"{practice}-i{number}",
        "informant_role": role,
        "eta": rng.normal(0.0, spec.informant_sd),
        "view": rng.normal(0.0, spec.view_sd, n_elements),
    }


def _first_informants(
    spec: RoundsSpec, practices: list[str], instrument: Instrument, rng: np.random.Generator
) -> pd.DataFrame:
    """Round 1: one leader per practice, then staff and partners in turn (as in ``validity``)."""
    roles = [LEADER] + [OTHER_ROLES[k % 2] for k in range(spec.informants_per_practice - 1)]
    rows = [
        _person(p, k + 1, role, len(instrument.elements), spec, rng) for p in practices for k, role in enumerate(roles)
    ]
    return pd.DataFrame(rows)


def _turnover(spec: RoundsSpec, people: pd.DataFrame, instrument: Instrument, rng: np.random.Generator) -> pd.DataFrame:
    """Each informant stays with probability 1 − turnover; a leaver's place goes to a new informant."""
    rows = []
    for practice, group in people.groupby("practice_id", sort=True):
        number = max(int(str(i).rsplit("-i", 1)[1]) for i in group["informant_id"])
        for person in group.to_dict("records"):
            if rng.random() < spec.turnover:
                number += 1
                person = _person(
                    str(practice), number, str(person["informant_role"]), len(instrument.elements), spec, rng
                )
            rows.append(person)
    return pd.DataFrame(rows)


def _answers(
    spec: RoundsSpec,
    instrument: Instrument,
    people: pd.DataFrame,
    mu: np.ndarray,
    item_offset: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Answers, informants × items: a scale code, or 0 for *ved ikke*."""
    codes = np.asarray(instrument.scale_codes)
    element_of = np.array([instrument.element_position[item.element_id] for item in instrument.items])
    p = pd.Index(sorted(people["practice_id"].unique())).get_indexer(people["practice_id"])
    view = np.stack(people["view"].to_numpy())[:, element_of]
    x = (
        mu[p][:, element_of]
        + people["eta"].to_numpy(dtype=float)[:, None]
        + view
        + item_offset[None, :]
        + rng.normal(0.0, spec.answer_sd, view.shape)
    )
    answers = codes[0] + rng.binomial(len(codes) - 1, np.clip(x, 0.0, 1.0))
    return np.where(rng.random(answers.shape) < spec.dont_know, 0, answers)


def _codings(
    spec: RoundsSpec,
    instrument: Instrument,
    people: pd.DataFrame,
    answers: np.ndarray,
    severity: np.ndarray,
    r: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Long codings: two coders per interview, each recording every answer through their shift."""
    low, high = instrument.scale_codes[0], instrument.scale_codes[-1]
    item_ids = [item.id for item in instrument.items]
    frames = []
    for row in range(len(people)):
        for coder in rng.choice(spec.n_coders, 2, replace=False):
            down = max(-severity[coder], 0.0) + spec.coder_noise / 2
            up = max(severity[coder], 0.0) + spec.coder_noise / 2
            draw = rng.random(len(item_ids))
            shift = np.where(draw < down, -1, np.where(draw < down + up, 1, 0))
            recorded = np.where(answers[row] == 0, 0, np.clip(answers[row] + shift, low, high))
            frames.append(
                pd.DataFrame(
                    {
                        "interview_id": f"R{r + 1}-IV{row + 1:04d}",
                        "coder_id": f"C{coder + 1}",
                        "item_id": item_ids + [instrument.screen_item.id],
                        "response": ["ved_ikke" if code == 0 else str(int(code)) for code in recorded] + ["nej"],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _write_round(
    folder: Path, r: int, seed: int, practices: list[str], people: pd.DataFrame, codings: pd.DataFrame
) -> None:
    """One round as a study folder, plain CSV and YAML as researchers type them."""
    earlier = "".join(f"\n  - ../{ROUND_FOLDER.format(k=k + 1)}" for k in range(r))
    atomic_write_text(
        folder / "study.yml",
        (
            f"title: 'Syntetisk gentaget kortlægning, runde {r + 1}'\nlanguage: da\ninstrument: bundled\nseed: {seed}\nsynthetic: true\n"
            "notes: 'Syntetiske data fra lovende_research.rounds.simulation; ingen rigtige praksisser eller personer.'\n"
            + (f"rounds:{earlier}\n" if r else "")
        ),
    )
    candidates = pd.DataFrame(
        {
            "practice_id": practices,
            "name": [f"Indsats {p}" for p in practices],
            "provider": [f"Tilbud {p}" for p in practices],
            "provider_type": "kommune",
            "municipality": "Rundekommune",
            "target_group": "børn og unge",
            "purpose": "behandlende",
        }
    )
    screening = pd.DataFrame(
        [(p, s, "i_drift", "include") for p in practices for s in ("S1", "S2")],
        columns=["practice_id", "screener_id", "criterion", "decision"],
    )
    interviews = people[["practice_id", "informant_id", "informant_role"]].copy()
    interviews.insert(0, "interview_id", [f"R{r + 1}-IV{k + 1:04d}" for k in range(len(interviews))])
    for name, frame in (
        ("candidates", candidates),
        ("screening", screening),
        ("interviews", interviews),
        ("codings", codings),
    ):
        atomic_write_text(folder / f"{name}.csv", frame.to_csv(index=False))
