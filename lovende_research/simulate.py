"""Synthetic mapping studies with planted truth: for the bundled example, for teaching, and for tests.

:func:`simulate_study` writes a complete study folder (``docs/study-format.md``) whose every table was
drawn from a model we know, and writes what it planted to ``truth.json``. A stage that works must find
the planted properties again (the elements that are strong, the leaders' leniency, the straight-liners,
the duplicates, the delimitation effect); a stage that does not, fails its test. The data are
*synthetic*: ``study.yml`` says so (``synthetic: true`` and the title), and reports repeat it.

The shape follows VIVE's 2017 mapping on violence and sexual abuse against children (7 municipalities,
9 organisations, 84 candidate practices, 14 selected and assessed); see ``SimulationSpec.preset``.

The catalogue and screening
---------------------------
Practices belong to services (``provider``, ``practices_per_provider`` each), services to reporting
units (``n_municipalities`` municipalities, ``n_organisations`` organisations). Each distinct practice
meets each screening criterion with probability ``criterion_pass_rate``; if fewer than ``n_interviewed``
meet all of them, randomly chosen practices are made to meet all (so a spec is always satisfiable). A
failed criterion shows in the catalogue text (a target group outside the field, a missing description,
a practice no longer or not yet in operation). ``n_duplicates`` extra catalogue rows repeat a practice
from the same provider with the name changed only in case, white space or punctuation: folded
(casefold, every run of non-word characters → one space, stripped) the two names are the same text.
Every screener judges every catalogue row × criterion independently and flips the true decision with
probability ``screener_error_rate``. Where the screeners disagree, ``reconciled_decision`` holds the true
decision (the consensus meeting gets it right); where both are wrong it stays empty and the error
stands, as it would in a real study. ``truth.json["eligible"]`` lists the non-duplicate practices that
truly meet every criterion; the interviewed practices are drawn, uniformly, from those that are both
truly eligible and included by the screening as recorded.

The latent response model
-------------------------
All latent quantities are on one scale whose unit is the between-practice standard deviation of an
element level. For practice :math:`p`, element :math:`e`, item :math:`i` of element :math:`e`,
informant :math:`j` with role :math:`r(j)`, and coder :math:`c`:

.. math::

    \\theta_{pe} = \\mu_e + g_p + u_{pe},\\quad g_p \\sim N(0, 0.8^2),\\ u_{pe} \\sim N(0, 0.6^2)

    y^*_{ji} = \\theta_{pe} + \\delta_{r(j)} + \\eta_j - b_i + \\varepsilon_{ji},\\quad
    \\eta_j \\sim N(0, \\sigma_\\eta^2),\\ \\varepsilon_{ji} \\sim N(0, \\sigma_\\varepsilon^2)

    z_{cji} = y^*_{ji} - s_c + \\nu_{cji},\\quad s_c \\sim N(0, \\sigma_s^2),\\ \\nu_{cji} \\sim N(0, \\sigma_\\nu^2)

    \\text{code}_{cji} = 1 + \\#\\{k : z_{cji} > \\tau_k\\},\\quad \\tau = (-1, 0, 1)

:math:`\\mu_e` (``ELEMENT_MEANS``) makes professional reflection, relational collaboration and theory
the strongest elements and economy and documented effect the weakest, the pattern VIVE reported.
:math:`b_i` (item difficulty) is drawn once per study, :math:`N(0, 0.3^2)`. :math:`\\delta_r` is
``leader_leniency`` for ``leder`` and 0 for every other role (``truth.json["role_offsets"]``);
:math:`\\sigma_\\eta` is ``informant_sd``, :math:`\\sigma_\\varepsilon` ``informant_noise``,
:math:`\\sigma_s` ``coder_severity_sd`` and :math:`\\sigma_\\nu` ``coder_noise``. Both coders read the
same answer :math:`y^*_{ji}`, so they agree more with each other than with a second informant.

On top of the model: with probabilities ``ved_ikke_share`` and ``ikke_relevant_share`` an informant's
answer to an item is a missing code, and both coders record it so. ``straightliner_share`` of the
informants (rounded, at least one when the share is positive) answer one category, mostly at the top
of the scale, on most items: each straight-liner :math:`j` has a consistency :math:`q_j \\sim U(0.85,
0.95)` (``STRAIGHTLINE_CONSISTENCY``), and gives the one category on an item with probability :math:`q_j`,
else the model's answer above; straight-liners' missing codes are drawn as everyone else's; and each coder
records the one category with probability ``1 - STRAIGHTLINE_SLIP`` and otherwise codes from the model's
answer with their own severity and noise, so the two coders do not agree on every item. (Planted as one
identical code on every item, recorded identically by both coders, a straight-lining check would pass
at any threshold up to 1; ``truth.json["straightline_consistency"]`` gives each :math:`q_j`.) The screen item ``sikker_1`` is answered
``ja`` when the practice's effect was truly tested in a trial (``effect_tested``, rare), else ``nej``.
Partners (``samarbejdspartner``) answer ``ved_ikke`` four times as often as the others, on every item,
because they know the practice from outside.

``n_alternative_delimitations`` interviewed practices are also coded under a broader alternative
delimitation (``D01``, ``D02``, …): every interview of the practice is coded again by every coder with
:math:`y^*_{ji}` moved by ``delimitation_shift`` and fresh coder noise.

Expected element scores
-----------------------
``truth.json`` gives, per practice and element, the score a *neutral* informant and coder would be
expected to produce: role offset, informant effect and coder severity all 0, item and coder noise
integrated out exactly. With :math:`\\sigma^2 = \\sigma_\\varepsilon^2 + \\sigma_\\nu^2`,

.. math::

    E[\\text{code}_i - 1] = \\sum_{k=1}^{3} \\Phi\\left(\\frac{\\theta_{pe} - b_i - \\tau_k}{\\sigma}\\right),
    \\qquad \\text{expected}_{pe} = \\frac{\\sum_i w_i\\, E[\\text{code}_i - 1] / 3}{\\sum_i w_i}

with :math:`w_i` the instrument's item weights and the code rescaled to 0–1 as
:meth:`~lovende_research.instrument.Instrument.scale_value` does. Missing codes are drawn independently
of the answer, so they do not move the expectation of a scored answer. ``overall`` is the unweighted
mean of a practice's expected element scores. Averages over real informants differ from these values on
purpose: leaders add ``leader_leniency``, and averaging :math:`\\Phi` over informant effects is not
:math:`\\Phi` at the mean.

What ``truth.json`` holds
-------------------------
``seed``; ``spec`` (every :class:`SimulationSpec` field); ``practices`` (per interviewed practice:
``element_levels`` (latent :math:`\\theta_{pe}`), ``expected_element_scores`` (0–1, above), ``overall``
(their mean), ``overall_latent`` (mean level), ``effect_tested``); ``role_offsets``; ``coder_severity``;
``informant_effects`` (:math:`\\eta_j` per informant id); ``item_difficulty``; ``thresholds``;
``element_means``; ``straightliners`` (informant ids); ``duplicates`` (``[original, duplicate]`` practice
id pairs); ``criteria_met`` (per catalogue row and criterion, the true answer); ``eligible``;
``included_by_screening`` (what the recorded screening includes, errors and all); ``interviewed``;
``delimitations`` (per alternative delimitation: ``practice_id``, ``shift`` and its own
``expected_element_scores``). Floats are rounded to six decimals and keys sorted, so the file's bytes
depend on the seed and spec alone.

Examples
--------
>>> spec = SimulationSpec.preset("small")
>>> spec.n_candidates, spec.n_interviewed, spec.synthetic
(20, 6, True)
>>> SimulationSpec.preset("national").n_candidates
6000
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.special import ndtr

from lovende_research.errors import LovendeError, Text, joined
from lovende_research.i18n import PhraseTable, phrase
from lovende_research.instrument import Instrument, load_instrument
from lovende_research.io import atomic_write_text, csv_safe_frame, refuse_raw, write_json

#: The files :func:`simulate_study` writes. Nothing else is put in the folder.
STUDY_FILES: tuple[str, ...] = (
    "study.yml",
    "candidates.csv",
    "screening.csv",
    "interviews.csv",
    "codings.csv",
    "delimitations.csv",
    "selected.csv",
    "truth.json",
)

#: Mean latent level per element: strongest refleksion, relationer, teori; weakest oekonomi, virkning
#: (VIVE 2017's pattern across the 14 assessed practices).
ELEMENT_MEANS: dict[str, float] = {
    "teori": 0.7,
    "virkning": -0.8,
    "beskrivelse": 0.2,
    "maal": 0.3,
    "overfoerbarhed": -0.1,
    "oekonomi": -0.9,
    "refleksion": 0.9,
    "relationer": 0.8,
    "individuel": 0.5,
    "monitorering": -0.3,
    "opfoelgning": 0.1,
}
THRESHOLDS: tuple[float, ...] = (-1.0, 0.0, 1.0)
PRACTICE_SD = 0.8
ELEMENT_SD = 0.6
ITEM_DIFFICULTY_SD = 0.3
#: Share of practices whose effect was truly tested in a trial (the sikker-praksis screen).
EFFECT_TESTED_SHARE = 0.05
#: Straight-liners' constant category: mostly the ceiling, as in survey research on acquiescence.
STRAIGHTLINE_CATEGORIES: tuple[tuple[int, float], ...] = ((4, 0.6), (3, 0.3), (2, 0.1))
#: A straight-liner's share of items given the one category is drawn from this range: real straight-lining
#: is a habit, not a rule, so a check must work on 85–95 % and not only on 100 %.
STRAIGHTLINE_CONSISTENCY: tuple[float, float] = (0.85, 0.95)
#: Per coder and item, the chance that a coder does not record a straight-liner's one category but codes
#: the item as for anyone else (the coders hear the same answers, but not always the same way).
STRAIGHTLINE_SLIP: float = 0.05
FIRST_INTERVIEW = date(2017, 2, 1)

PHRASES: dict[str, tuple[str, str]] = {
    "synthetic_prefix": ("Syntetisk", "Synthetic"),
    "notes": (
        "SYNTETISKE DATA lavet af lovende_research.simulate (seed {seed}); ingen rigtige "
        "praksisser, personer eller kommuner. Plantet: elementniveauer pr. praksis (stærkest faglig refleksion, "
        "relationelt samarbejde og teori, svagest økonomi og virkning); ledere vurderer egen praksis {leniency} "
        "latent SD højere; {n_straight} straight-linere; {n_dup} næsten-dubletter i kataloget; screenerfejlrate "
        "{error}; {n_delim} alternative afgrænsninger med forskydning {shift}. Sandheden står i truth.json.",
        "SYNTHETIC DATA made by lovende_research.simulate (seed {seed}); no real practices, people or "
        "municipalities. Planted: element levels per practice (strongest professional reflection, relational "
        "collaboration and theory, weakest economy and indicated effect); leaders rate their own practice "
        "{leniency} latent SD higher; {n_straight} straight-liners; {n_dup} near-duplicates in the catalogue; "
        "screener error rate {error}; {n_delim} alternative delimitations shifted by {shift}. The truth is in "
        "truth.json.",
    ),
    "criterion_reason_maalgruppe": ("målgruppen ligger uden for det specialiserede socialområde", ""),
    "criterion_reason_beskrevet": ("praksis er ikke beskrevet skriftligt", ""),
    "criterion_reason_i_drift": ("praksis er ikke i drift", ""),
    "criterion_reason_other": ("opfylder ikke kriteriet {criterion}", ""),
}

_PRESETS = ("example", "small", "national")


class SimulationError(LovendeError):
    """A simulation spec that cannot be generated (e.g. more interviews than eligible practices)."""


_MESSAGES: PhraseTable = {
    "scale_factor": (
        "scaled(factor={factor!r}): hvert antal divideres med faktoren, som skal være mindst 1 (scaled(10) er en tiendedel af studiet)",
        "scaled(factor={factor!r}): every count is divided by the factor, which must be at least 1 (scaled(10) is a tenth of the study)",
    ),
}


@dataclass(frozen=True)
class SimulationSpec:
    """Every knob of a synthetic study; the defaults are the ``"example"`` preset (VIVE 2017's shape).

    Latent sizes are in units of the between-practice SD of an element level (module docstring).

    ``leader_leniency`` = 0.75 of that unit is about half an SD of one coded answer (the latent answer's
    total SD is :math:`\\sqrt{1 + \\sigma_\\eta^2 + \\sigma_\\varepsilon^2 + \\sigma_\\nu^2} \\approx 1.36`): a
    self-rating gap on the large side of what meta-analyses of self- versus other-ratings report (e.g.
    Heidemeier & Moser 2009, J Appl Psychol 94(2):353-370), chosen that large so the bias stage can
    find it: at the example's size (14 practices × 3 informants × 30 items × 2 coders, straight-liners
    and missing codes included) a one-sample t-test of "leader minus the mean of the other informants"
    per practice, on the mean scale code, is significant at 5 % in 77 of seeds 0–79 (Wilcoxon: 78);
    the tests of the bias stage require detection in at least 18 of 20 seeds.
    """

    n_municipalities: int = 7
    n_organisations: int = 9
    n_candidates: int = 84  # catalogue rows, duplicates included
    n_duplicates: int = 3
    practices_per_provider: int = 3
    n_screeners: int = 2
    criteria: tuple[str, ...] = ("maalgruppe", "beskrevet", "i_drift")
    criterion_pass_rate: float = 0.85
    screener_error_rate: float = 0.08
    n_interviewed: int = 14
    informant_roles: tuple[str, ...] = ("leder", "medarbejder", "samarbejdspartner")
    n_coders: int = 2
    leader_leniency: float = 0.75
    informant_sd: float = 0.25
    informant_noise: float = 0.8
    coder_severity_sd: float = 0.25
    coder_noise: float = 0.4
    straightliner_share: float = 0.07
    ved_ikke_share: float = 0.04
    ikke_relevant_share: float = 0.02
    n_alternative_delimitations: int = 2
    delimitation_shift: float = 0.6
    title: str = "Syntetisk eksempel: kortlægning af indsatser mod vold og seksuelle overgreb mod børn"
    language: str = "da"
    synthetic: bool = True

    def __post_init__(self) -> None:
        problems: list[Text] = []
        distinct = self.n_candidates - self.n_duplicates
        if self.n_municipalities < 0 or self.n_organisations < 0 or self.n_municipalities + self.n_organisations < 1:
            problems.append(
                Text(
                    "der skal være mindst én kommune eller organisation",
                    "there must be at least one municipality or organisation",
                )
            )
        if not 0 <= self.n_duplicates < self.n_candidates:
            problems.append(
                Text(
                    "n_duplicates skal være mellem 0 og n_candidates - 1",
                    "n_duplicates must be between 0 and n_candidates - 1",
                )
            )
        if self.n_duplicates > distinct:
            problems.append(
                Text(
                    "der kan ikke være flere dubletter end forskellige praksisser",
                    "there cannot be more duplicates than distinct practices",
                )
            )
        if not 1 <= self.n_interviewed <= distinct:
            problems.append(
                Text(
                    f"n_interviewed ({self.n_interviewed}) skal være mellem 1 og antallet af forskellige praksisser ({distinct})",
                    f"n_interviewed ({self.n_interviewed}) must be between 1 and the number of distinct practices ({distinct})",
                )
            )
        if self.n_alternative_delimitations > self.n_interviewed:
            problems.append(
                Text(
                    "n_alternative_delimitations kan ikke overstige n_interviewed",
                    "n_alternative_delimitations cannot exceed n_interviewed",
                )
            )
        if self.practices_per_provider < 1 or self.n_screeners < 1 or self.n_coders < 1 or not self.informant_roles:
            problems.append(
                Text(
                    "practices_per_provider, n_screeners, n_coders og informant_roles skal være mindst 1",
                    "practices_per_provider, n_screeners, n_coders and informant_roles must be at least 1",
                )
            )
        if len(set(self.informant_roles)) != len(self.informant_roles) or len(
            {_role_letter(r) for r in self.informant_roles}
        ) != len(self.informant_roles):
            problems.append(
                Text(
                    "informant_roles skal være forskellige og have forskellige forbogstaver",
                    "informant_roles must be distinct and have distinct first letters",
                )
            )
        if not self.criteria:
            problems.append(
                Text("der skal være mindst ét screeningskriterium", "there must be at least one screening criterion")
            )
        for name in (
            "criterion_pass_rate",
            "screener_error_rate",
            "straightliner_share",
            "ved_ikke_share",
            "ikke_relevant_share",
        ):
            if not 0 <= getattr(self, name) <= 1:
                problems.append(Text(f"{name} skal ligge mellem 0 og 1", f"{name} must lie between 0 and 1"))
        if self.ved_ikke_share * 4 + self.ikke_relevant_share > 1:
            problems.append(
                Text(
                    "ved_ikke_share og ikke_relevant_share er for store",
                    "ved_ikke_share and ikke_relevant_share are too large",
                )
            )
        for name in ("informant_sd", "informant_noise", "coder_severity_sd", "coder_noise"):
            if getattr(self, name) < 0:
                problems.append(Text(f"{name} må ikke være negativ", f"{name} must not be negative"))
        if self.informant_noise == 0 and self.coder_noise == 0:
            problems.append(
                Text(
                    "informant_noise og coder_noise kan ikke begge være 0",
                    "informant_noise and coder_noise cannot both be 0",
                )
            )
        if self.language not in ("da", "en"):
            problems.append(Text("language skal være da eller en", "language must be da or en"))
        if problems:
            raise SimulationError(
                joined(Text("Ugyldig simulationsspecifikation: ", "Invalid simulation spec: "), problems)
            )

    @classmethod
    def preset(cls, name: str) -> "SimulationSpec":
        """A named spec: ``example`` (VIVE-shaped), ``small`` (fast, for tests) or ``national`` (scale).

        ``national``: 2,000 services × 3 practices = 6,000 practices in 98 municipalities and 40
        organisations, all eligible and all interviewed (3 informants each, 2 coders): about 1.1 million
        coding rows. Screening is error-free there, since the preset exists to test scale, not screening.
        """
        if name == "example":
            return cls()
        if name == "small":
            return cls(
                n_municipalities=2,
                n_organisations=2,
                n_candidates=20,
                n_duplicates=2,
                n_interviewed=6,
                n_alternative_delimitations=1,
                title="Syntetisk lille studie (til test)",
            )
        if name == "national":
            return cls(
                n_municipalities=98,
                n_organisations=40,
                n_candidates=6000,
                n_duplicates=0,
                criterion_pass_rate=1.0,
                screener_error_rate=0.0,
                n_interviewed=6000,
                n_alternative_delimitations=60,
                title="Syntetisk national kortlægning af lovende praksis (skalatest)",
            )
        presets = ", ".join(_PRESETS)
        raise SimulationError(
            Text(f"ukendt preset {name!r}; forventet: {presets}", f"unknown preset {name!r}; expected: {presets}")
        )

    def scaled(self, factor: float, language: str = "da") -> "SimulationSpec":
        """The same spec with every count divided by ``factor`` (at least 1), e.g. a 1/50 national run.

        A factor below 1 is refused rather than read as a fraction: ``scaled(0.1)`` would otherwise build
        a study ten times the size (60,000 practices from the national preset) and run for many minutes.
        """
        if not factor >= 1:  # also refuses NaN
            raise SimulationError(phrase(_MESSAGES, "scale_factor", language, factor=factor))

        def down(n: int) -> int:
            return max(1, int(round(n / factor)))

        candidates = down(self.n_candidates)
        duplicates = min(int(round(self.n_duplicates / factor)), candidates // 2)
        interviewed = min(down(self.n_interviewed), candidates - duplicates)
        return replace(
            self,
            n_municipalities=down(self.n_municipalities),
            n_organisations=int(round(self.n_organisations / factor)),
            n_candidates=candidates,
            n_duplicates=duplicates,
            n_interviewed=interviewed,
            n_alternative_delimitations=min(int(round(self.n_alternative_delimitations / factor)), interviewed),
        )


def simulate_study(out_dir: Path, spec: SimulationSpec, seed: int) -> Path:
    """Write a synthetic study folder to ``out_dir`` and return its path.

    Parameters
    ----------
    out_dir : Path
        The study folder to write (created if needed). Must not lie under ``data/raw/``: the program
        never writes raw data (copy a generated folder there by hand, as the bundled example was).
    spec : SimulationSpec
        What to generate; see :meth:`SimulationSpec.preset`.
    seed : int
        Seed of every random step. The same spec and seed give byte-identical files.

    Returns
    -------
    Path
        ``out_dir``, holding ``study.yml``, ``candidates.csv``, ``screening.csv``, ``interviews.csv``,
        ``codings.csv``, ``delimitations.csv`` and ``truth.json`` (keys described in the module docstring).

    Notes
    -----
    The model and the formula of the expected element scores are in the module docstring. Each stage
    draws from its own stream ``default_rng([seed, stage])``, so changing one stage's draws leaves the
    others' unchanged.

    Examples
    --------
    >>> import tempfile, json
    >>> folder = simulate_study(Path(tempfile.mkdtemp()) / "s", SimulationSpec.preset("small"), seed=1)
    >>> truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    >>> len(truth["interviewed"]), truth["role_offsets"]["leder"]
    (6, 0.75)
    """
    out_dir = Path(out_dir)
    refuse_raw(out_dir)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SimulationError(
            Text(
                f"seed skal være et ikke-negativt heltal, fandt {seed!r}",
                f"seed must be a non-negative whole number, found {seed!r}",
            )
        )
    seed = int(seed)
    _refuse_foreign_tables(out_dir)
    instrument = load_instrument()
    catalogue = _catalogue(spec, seed)
    screening, included = _screening(spec, seed, catalogue)
    interviewed = _choose_interviewed(spec, seed, catalogue, included, screening)
    interviews = _interviews(spec, seed, interviewed)
    truth_practices, levels, effect_tested = _practice_truth(spec, seed, instrument, interviewed)
    codings, model = _codings(spec, seed, instrument, interviews, levels, effect_tested, catalogue)

    atomic_write_text(out_dir / "study.yml", _study_yml(spec, seed, len(model["straightliners"])))
    tables = {
        "candidates.csv": catalogue["table"],
        "screening.csv": screening,
        "interviews.csv": interviews.drop(columns=["_practice_index"]),
        "codings.csv": codings,
        "delimitations.csv": model["delimitations_table"],
        # the interview sample as the researchers recorded it, so the flow's last step and the
        # interviews describe the same practices (study.yml runs notebook 01 with the list rule)
        "selected.csv": pd.DataFrame({"practice_id": sorted(interviewed)}),
    }
    for name, frame in tables.items():
        atomic_write_text(out_dir / name, _csv(frame))
    truth = {
        "seed": seed,
        "spec": _spec_dict(spec),
        "practices": truth_practices,
        "role_offsets": {role: _num(spec.leader_leniency if role == "leder" else 0.0) for role in spec.informant_roles},
        "coder_severity": model["coder_severity"],
        "informant_effects": model["informant_effects"],
        "item_difficulty": model["item_difficulty"],
        "thresholds": list(THRESHOLDS),
        "element_means": ELEMENT_MEANS,
        "straightliners": model["straightliners"],
        "straightline_consistency": model["straightline_consistency"],
        "duplicates": catalogue["duplicates"],
        "eligible": catalogue["eligible"],
        "included_by_screening": sorted(included),
        "criteria_met": {
            pid: {c: bool(m[k]) for k, c in enumerate(spec.criteria)} for pid, m in sorted(catalogue["meets"].items())
        },
        "interviewed": sorted(interviewed),
        "delimitations": model["delimitations"],
    }
    write_json(out_dir / "truth.json", truth)
    return out_dir


# --------------------------------------------------------------------------------------------- helpers


def _rng(seed: int, stage: int) -> np.random.Generator:
    return np.random.default_rng([seed, stage])


def _num(value: float) -> float:
    """Fixed float formatting in truth.json: six decimals, no negative zero."""
    return float(round(float(value), 6)) + 0.0


def _role_letter(role: str) -> str:
    return role.strip()[:1].upper()


def _spec_dict(spec: SimulationSpec) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(spec).items()}


def _width(n: int) -> int:
    return max(3, len(str(n)))


def _csv(frame: pd.DataFrame) -> str:
    """Comma-separated UTF-8 with ``\\n`` line ends, minimal quoting: the same frame gives the same bytes.

    No text cell begins like a formula (:func:`~lovende_research.io.csv_safe_frame`).
    """
    buffer = io.StringIO()
    csv_safe_frame(frame).to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def _refuse_foreign_tables(out_dir: Path) -> None:
    """A table in another format (``codings.xlsx``) beside ours would make the folder ambiguous."""
    if not out_dir.is_dir():
        return
    ours = set(STUDY_FILES)
    stems = {Path(name).stem for name in STUDY_FILES}
    foreign = sorted(p.name for p in out_dir.iterdir() if p.stem in stems and p.name not in ours)
    if foreign:
        shown = ", ".join(foreign)
        raise SimulationError(
            Text(
                f"{out_dir} indeholder allerede {shown}; vælg en tom mappe",
                f"{out_dir} already holds {shown}; choose an empty folder",
            )
        )


def _study_yml(spec: SimulationSpec, seed: int, n_straight: int) -> str:
    title = spec.title
    if not re.search(r"syntetisk|synthetic|simuler", title, flags=re.IGNORECASE):
        title = f"{phrase(PHRASES, 'synthetic_prefix', spec.language)}: {title}"
    notes = phrase(
        PHRASES,
        "notes",
        spec.language,
        seed=seed,
        leniency=spec.leader_leniency,
        n_straight=n_straight,
        n_dup=spec.n_duplicates,
        error=spec.screener_error_rate,
        n_delim=spec.n_alternative_delimitations,
        shift=spec.delimitation_shift,
    )
    config = {
        "title": title,
        "language": spec.language,
        "instrument": "bundled",
        "seed": seed,
        "synthetic": True,
        "notes": notes,
        "parameters": {"screening": {"selection_rule": "list"}},
    }
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)


# --------------------------------------------------------------------------------------------- catalogue

_PLACE_START = (
    "Nord",
    "Syd",
    "Øst",
    "Vest",
    "Midt",
    "Lang",
    "Høj",
    "Strand",
    "Skov",
    "Bak",
    "Sø",
    "Eng",
    "Lyng",
    "Fjord",
)
_PLACE_END = ("by", "lund", "holm", "strup", "rup", "sted", "løse", "bjerg", "havn", "vig")
_ORG_KIND = ("Foreningen", "Fonden", "Netværket", "Selskabet", "Landsforeningen")
_ORG_NAME = (
    "Trygge Rammer",
    "Lysglimt",
    "Ankerpladsen",
    "Lindetræet",
    "Bølgen",
    "Fyrtårnet",
    "Rødderne",
    "Broen",
    "Kompasset",
    "Havnen",
    "Solsikken",
    "Vejviseren",
    "Læhegnet",
    "Stjerneskuddet",
)
_SERVICE_KIND = (
    "Familiecenter",
    "Børnehus",
    "Ungecenter",
    "Rådgivningen",
    "Behandlingstilbud",
    "Døgntilbud",
    "Familiehus",
    "Værested",
)
_PRACTICE_KIND = (
    "Gruppeforløb",
    "Familiebehandling",
    "Netværksmøder",
    "Traumebehandling",
    "Krisesamtaler",
    "Forældrekursus",
    "Mentorordning",
    "Tværfaglig sparring",
    "Samtaleforløb",
    "Opsporingsmodel",
    "Weekendophold",
    "Hjemmebesøg",
)
_PRACTICE_FOCUS = (
    "for børn med voldsoplevelser",
    "for forældre i konflikt",
    "efter seksuelle overgreb",
    "for søskende",
    "i skole og dagtilbud",
    "for unge med selvskade",
    "med narrativ tilgang",
    "for familier i krise",
    "ved mistanke om overgreb",
    "for børn i plejefamilier",
)
_TARGETS_IN = (
    "børn 0-12 år",
    "unge 13-17 år",
    "familier med børn 0-17 år",
    "forældre til børn 0-17 år",
    "børn og unge 6-17 år",
)
_TARGETS_OUT = ("ældre over 65 år", "alle borgere i kommunen", "medarbejdere i administrationen")
_PURPOSES = ("forebyggende", "opsporende", "rådgivende", "behandlende")
_SOURCES = ("spørgeskema", "interview", "desk research")


def _unit_names(n_mun: int, n_org: int) -> tuple[list[str], list[str]]:
    places = [a + b for a in _PLACE_START for b in _PLACE_END]
    orgs = [f"{k} {n}" for n in _ORG_NAME for k in _ORG_KIND]
    municipalities = [
        f"{places[i % len(places)]}{'' if i < len(places) else i // len(places) + 1} Kommune" for i in range(n_mun)
    ]
    organisations = [
        f"{orgs[i % len(orgs)]}{'' if i < len(orgs) else ' ' + str(i // len(orgs) + 1)}" for i in range(n_org)
    ]
    return municipalities, organisations


def _near_duplicate(name: str, variant: int) -> str:
    """The same name in another case, spacing or punctuation: it folds to the same text."""
    words = name.split(" ")
    if variant == 0:
        return name.lower().replace(" ", "  ", 1)
    if variant == 1:
        return name.upper() + "."
    return "-".join(words[:2]) + (" " + " ".join(words[2:]) if len(words) > 2 else "") + " "


def _catalogue(spec: SimulationSpec, seed: int) -> dict[str, Any]:
    """Candidates table plus the truth about criteria, duplicates and eligibility."""
    rng = _rng(seed, 1)
    distinct = spec.n_candidates - spec.n_duplicates
    n_criteria = len(spec.criteria)
    meets = rng.random((distinct, n_criteria)) < spec.criterion_pass_rate
    shortfall = spec.n_interviewed - int(meets.all(axis=1).sum())
    if shortfall > 0:
        failing = np.flatnonzero(~meets.all(axis=1))
        meets[rng.choice(failing, size=shortfall, replace=False)] = True
    municipalities, organisations = _unit_names(spec.n_municipalities, spec.n_organisations)
    units = [(name, "kommune") for name in municipalities] + [(name, "organisation") for name in organisations]
    n_services = -(-distinct // spec.practices_per_provider)
    # every unit reports at least one service when there are enough services; the rest at random
    service_unit = np.concatenate(
        [np.arange(min(len(units), n_services)), rng.integers(0, len(units), max(0, n_services - len(units)))]
    )
    service_unit = np.sort(service_unit)
    service_names = [
        f"{_SERVICE_KIND[rng.integers(len(_SERVICE_KIND))]} {units[u][0].removesuffix(' Kommune').split(' ')[-1]} {s + 1}"
        for s, u in enumerate(service_unit)
    ]
    practice_service = np.repeat(np.arange(n_services), spec.practices_per_provider)[:distinct]
    combos = [f"{k} {f}" for k in _PRACTICE_KIND for f in _PRACTICE_FOCUS]
    # names are unique within a reporting unit, so the only near-duplicates are the planted ones
    practice_unit = service_unit[practice_service]
    names = [""] * distinct
    for u in range(len(units)):
        members = np.flatnonzero(practice_unit == u)
        picks = rng.permutation(len(combos))
        for rank, p in enumerate(members.tolist()):
            suffix = "" if rank < len(combos) else f" {rank // len(combos) + 1}"
            names[p] = combos[picks[rank % len(combos)]] + suffix
    criterion_index = {c: k for k, c in enumerate(spec.criteria)}
    rows = []
    for p in range(distinct):
        unit_name, unit_type = units[service_unit[practice_service[p]]]
        fails = {c for c, k in criterion_index.items() if not meets[p, k]}
        target = (_TARGETS_OUT if "maalgruppe" in fails else _TARGETS_IN)[rng.integers(3)]
        purposes = sorted(rng.choice(4, size=int(rng.integers(1, 3)), replace=False))
        if "beskrevet" in fails:
            description = ""
        elif "i_drift" in fails:
            description = f"{names[p]}. Projektet sluttede i {int(rng.integers(2012, 2016))}."
        else:
            description = f"{names[p]}. Beskrevet i en skriftlig manual; kører løbende."
        rows.append(
            {
                "name": names[p],
                "provider": service_names[practice_service[p]],
                "provider_type": unit_type,
                "municipality": unit_name,
                "target_group": target,
                "purpose": ";".join(_PURPOSES[i] for i in purposes),
                "source": _SOURCES[rng.integers(len(_SOURCES))],
                "description": description,
                "delimitation": f"{names[p]} som den beskrives af {service_names[practice_service[p]]}",
                "_original": p,
                "_sort": float(rng.random()),
            }
        )
    originals = sorted(rng.choice(distinct, size=spec.n_duplicates, replace=False)) if spec.n_duplicates else []
    for k, p in enumerate(originals):
        copy = dict(rows[p])
        copy["name"] = _near_duplicate(rows[p]["name"], k % 3)
        copy["source"] = _SOURCES[(_SOURCES.index(rows[p]["source"]) + 1) % len(_SOURCES)]
        copy["_original"] = p
        copy["_sort"] = float(rng.random())
        copy["_duplicate"] = True
        rows.append(copy)
    # the catalogue is ordered by reporting unit, as it is compiled; ids follow that order
    unit_order = {name: i for i, (name, _) in enumerate(units)}
    rows.sort(key=lambda r: (unit_order[r["municipality"]], r["_sort"]))
    width = _width(spec.n_candidates)
    id_of_original: dict[int, str] = {}
    duplicate_ids: dict[int, str] = {}
    for i, row in enumerate(rows, start=1):
        row["practice_id"] = f"P{i:0{width}d}"
        if row.get("_duplicate"):
            duplicate_ids[row["_original"]] = row["practice_id"]
        else:
            id_of_original[row["_original"]] = row["practice_id"]
    meets_by_id = {row["practice_id"]: meets[row["_original"]] for row in rows}
    columns = [
        "practice_id",
        "name",
        "provider",
        "provider_type",
        "municipality",
        "target_group",
        "purpose",
        "source",
        "description",
        "delimitation",
    ]
    table = pd.DataFrame(rows)[columns]
    return {
        "table": table,
        "meets": meets_by_id,
        "duplicates": sorted([id_of_original[p], duplicate_ids[p]] for p in originals),
        "duplicate_ids": set(duplicate_ids.values()),
        "eligible": sorted(id_of_original[p] for p in range(distinct) if meets[p].all()),
    }


# --------------------------------------------------------------------------------------------- screening


def _reason(criterion: str) -> str:
    key = f"criterion_reason_{criterion}"
    if key in PHRASES:
        return phrase(PHRASES, key, "da")
    return phrase(PHRASES, "criterion_reason_other", "da", criterion=criterion)


def _screening(spec: SimulationSpec, seed: int, catalogue: dict[str, Any]) -> tuple[pd.DataFrame, set[str]]:
    """Every screener × catalogue row × criterion, errors planted; and the practices the screening includes."""
    rng = _rng(seed, 2)
    ids = list(catalogue["table"]["practice_id"])
    truth = np.array([catalogue["meets"][i] for i in ids])  # (practice, criterion)
    errors = rng.random((spec.n_screeners, len(ids), len(spec.criteria))) < spec.screener_error_rate
    decisions = truth[None, :, :] ^ errors  # True = include
    disagree = np.asarray(decisions.any(axis=0) & ~decisions.all(axis=0))
    final = np.where(disagree, truth, decisions[0])
    screeners = [f"S{k + 1}" for k in range(spec.n_screeners)]
    records = []
    for p, practice in enumerate(ids):
        for k, criterion in enumerate(spec.criteria):
            for s, screener in enumerate(screeners):
                include = bool(decisions[s, p, k])
                records.append(
                    {
                        "practice_id": practice,
                        "screener_id": screener,
                        "criterion": criterion,
                        "decision": "include" if include else "exclude",
                        "reason": "" if include else _reason(criterion),
                        "note": "",
                        "reconciled_decision": ("include" if truth[p, k] else "exclude") if disagree[p, k] else "",
                    }
                )
    included = {practice for p, practice in enumerate(ids) if final[p].all()}
    return pd.DataFrame(records), included


def _choose_interviewed(
    spec: SimulationSpec, seed: int, catalogue: dict[str, Any], included: set[str], screening: pd.DataFrame
) -> list[str]:
    """Uniformly from the truly eligible, non-duplicate practices the screening included.

    In the rare case that both screeners wrongly excluded so many eligible practices that too few are
    left, the consensus meeting re-checks those practices: their rows get the true decision as
    ``reconciled_decision`` (edited in ``screening`` in place) and a note saying so.
    """
    rng = _rng(seed, 3)
    eligible = catalogue["eligible"]
    pool = [p for p in eligible if p in included]
    if len(pool) < spec.n_interviewed:
        missing = [p for p in eligible if p not in included][: spec.n_interviewed - len(pool)]
        rows = screening["practice_id"].isin(missing) & (screening["decision"] == "exclude")
        screening.loc[rows, "reconciled_decision"] = "include"
        screening.loc[rows, "note"] = "genvurderet på konsensusmødet"
        included.update(missing)
        pool = [p for p in eligible if p in included]
    chosen = rng.choice(len(pool), size=spec.n_interviewed, replace=False)
    return sorted(pool[i] for i in chosen)


# --------------------------------------------------------------------------------------------- interviews


def _interviews(spec: SimulationSpec, seed: int, interviewed: list[str]) -> pd.DataFrame:
    rng = _rng(seed, 4)
    n_p, n_r = len(interviewed), len(spec.informant_roles)
    n = n_p * n_r
    width = _width(n)
    practice_day = rng.integers(0, 120, size=n_p)
    role_day = rng.integers(0, 14, size=(n_p, n_r))
    days = (practice_day[:, None] + role_day).ravel()
    dates = [(FIRST_INTERVIEW + timedelta(days=int(d))).isoformat() for d in days]
    letters = [_role_letter(r) for r in spec.informant_roles]
    return pd.DataFrame(
        {
            "interview_id": [f"INT{k + 1:0{width}d}" for k in range(n)],
            "practice_id": np.repeat(interviewed, n_r),
            "informant_id": [f"{p}-{letter}" for p in interviewed for letter in letters],
            "informant_role": np.tile(list(spec.informant_roles), n_p),
            "date": dates,
            "duration_minutes": rng.integers(40, 95, size=n),
            "_practice_index": np.repeat(np.arange(n_p), n_r),
        }
    )


# --------------------------------------------------------------------------------------------- latent model


def _practice_truth(
    spec: SimulationSpec, seed: int, instrument: Instrument, interviewed: list[str]
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """Latent element levels of the interviewed practices and their exact expected element scores."""
    rng = _rng(seed, 5)
    elements = [e.id for e in instrument.elements]
    means = np.array([ELEMENT_MEANS[e] for e in elements])
    n_p = len(interviewed)
    levels = (
        means[None, :]
        + rng.normal(0, PRACTICE_SD, size=(n_p, 1))
        + rng.normal(0, ELEMENT_SD, size=(n_p, len(elements)))
    )
    tested = rng.random(n_p) < EFFECT_TESTED_SHARE
    difficulty = _item_difficulty(seed, instrument)
    expected = expected_element_scores(levels, instrument, difficulty, np.hypot(spec.informant_noise, spec.coder_noise))
    practices = {}
    for p, practice in enumerate(interviewed):
        practices[practice] = {
            "element_levels": {e: _num(levels[p, k]) for k, e in enumerate(elements)},
            "expected_element_scores": {e: _num(expected[p, k]) for k, e in enumerate(elements)},
            "overall": _num(expected[p].mean()),
            "overall_latent": _num(levels[p].mean()),
            "effect_tested": bool(tested[p]),
        }
    return practices, levels, tested


def _item_difficulty(seed: int, instrument: Instrument) -> np.ndarray:
    return _rng(seed, 6).normal(0, ITEM_DIFFICULTY_SD, size=len(instrument.items))


def expected_element_scores(
    levels: np.ndarray, instrument: Instrument, difficulty: np.ndarray, noise_sd: float
) -> np.ndarray:
    """Expected 0–1 element scores of a neutral informant and coder, integrated exactly.

    Parameters
    ----------
    levels : numpy.ndarray
        Latent element levels, shape (practices, elements) in the instrument's element order.
    instrument : Instrument
        Gives the items of each element and their weights.
    difficulty : numpy.ndarray
        Item difficulties :math:`b_i` in the instrument's item order.
    noise_sd : float
        :math:`\\sigma = \\sqrt{\\sigma_\\varepsilon^2 + \\sigma_\\nu^2}`, the SD of the answer and coder noise together.

    Returns
    -------
    numpy.ndarray
        Shape (practices, elements): :math:`\\sum_i w_i E[\\text{code}_i - 1]/3 / \\sum_i w_i`.

    Notes
    -----
    :math:`E[\\text{code}_i - 1] = \\sum_k \\Phi((\\theta_{pe} - b_i - \\tau_k)/\\sigma)`, since
    :math:`\\text{code} - 1` counts the thresholds the latent answer exceeds.

    References
    ----------
    Agresti, A. (2010). *Analysis of Ordinal Categorical Data* (2nd ed.), ch. 5 (cumulative probit).

    Examples
    --------
    >>> inst = load_instrument()
    >>> zeros = np.zeros((1, len(inst.elements)))
    >>> float(expected_element_scores(zeros, inst, np.zeros(len(inst.items)), 1.0)[0, 0])
    0.5
    """
    thresholds = np.asarray(THRESHOLDS)
    scale_steps = len(instrument.scale_codes) - 1
    out = np.empty_like(levels, dtype=float)
    start = 0
    for k, element in enumerate(instrument.elements):
        n_items = len(element.items)
        b = difficulty[start : start + n_items]
        w = np.array([item.weight for item in element.items])
        z = (levels[:, k, None, None] - b[None, :, None] - thresholds[None, None, :]) / noise_sd
        item_means = ndtr(z).sum(axis=2) / scale_steps  # (practices, items)
        out[:, k] = item_means @ w / w.sum()
        start += n_items
    return out


def _codings(
    spec: SimulationSpec,
    seed: int,
    instrument: Instrument,
    interviews: pd.DataFrame,
    levels: np.ndarray,
    effect_tested: np.ndarray,
    catalogue: dict[str, Any],
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """All codings, vectorised: (interviews × items) latent answers, then per coder and delimitation."""
    rng = _rng(seed, 7)
    items = instrument.items
    element_index = {e.id: k for k, e in enumerate(instrument.elements)}
    item_element = np.array([element_index[item.element_id] for item in items])
    difficulty = _item_difficulty(seed, instrument)
    n_int, n_items = len(interviews), len(items)
    practice_of = interviews["_practice_index"].to_numpy()
    roles = interviews["informant_role"].to_numpy()
    role_offset = np.where(roles == "leder", spec.leader_leniency, 0.0)
    informant_effect = rng.normal(0, spec.informant_sd, size=n_int)
    answer = (
        levels[practice_of][:, item_element]
        + (role_offset + informant_effect)[:, None]
        - difficulty[None, :]
        + rng.normal(0, spec.informant_noise, size=(n_int, n_items))
    )
    # missing codes: 0 = answered, 1 = ved_ikke, 2 = ikke_relevant; partners know less (4× ved_ikke)
    ved_ikke_p = np.where(roles == "samarbejdspartner", 4 * spec.ved_ikke_share, spec.ved_ikke_share)[:, None]
    u = rng.random((n_int, n_items))
    missing = np.where(u < ved_ikke_p, 1, np.where(u < ved_ikke_p + spec.ikke_relevant_share, 2, 0))
    n_straight = int(round(spec.straightliner_share * n_int))
    if spec.straightliner_share > 0:
        n_straight = max(1, n_straight)
    straight = np.sort(rng.choice(n_int, size=n_straight, replace=False))
    cats, probs = zip(*STRAIGHTLINE_CATEGORIES, strict=True)
    straight_code = rng.choice(np.array(cats), size=n_straight, p=np.array(probs))
    # Their own stream, so the rest of the study is the same whether straight-liners are noisy or not.
    straight_rng = _rng(seed, 11)
    consistency = straight_rng.uniform(*STRAIGHTLINE_CONSISTENCY, size=n_straight)
    on_line = straight_rng.random((n_straight, n_items)) < consistency[:, None]  # the one category given
    severity = rng.normal(0, spec.coder_severity_sd, size=spec.n_coders)
    coders = [f"K{c + 1}" for c in range(spec.n_coders)]
    # sikker_1 from the practice truth (its own stream, so it never shifts the scored draws)
    screen_rng = _rng(seed, 8)
    interviewed = list(dict.fromkeys(interviews["practice_id"]))
    n_p = len(interviewed)
    screen_unknown = screen_rng.random(n_int) < np.where(
        roles == "samarbejdspartner", 4 * spec.ved_ikke_share, spec.ved_ikke_share
    )
    screen = np.where(screen_unknown, "ved_ikke", np.where(effect_tested[practice_of], "ja", "nej"))

    # alternative delimitations: a random subset of interviewed practices
    delim_rng = _rng(seed, 9)
    delim_practices = np.sort(delim_rng.choice(n_p, size=spec.n_alternative_delimitations, replace=False))
    delim_ids = [f"D{k + 1:02d}" for k in range(len(delim_practices))]
    blocks: list[tuple[str, np.ndarray, np.ndarray]] = [("", np.arange(n_int), answer)]
    for did, p in zip(delim_ids, delim_practices, strict=True):
        rows = np.flatnonzero(practice_of == p)
        blocks.append((did, rows, answer[rows] + spec.delimitation_shift))

    # code index 0..3 → "1".."4"; 4 → ved_ikke; 5 → ikke_relevant (missing-code ids of the bundled instrument)
    labels = np.array([str(c) for c in instrument.scale_codes] + ["ved_ikke", "ikke_relevant"], dtype=object)
    item_ids = np.array([item.id for item in items] + [instrument.screen_item.id], dtype=object)
    frames = []
    code_rng = _rng(seed, 10)
    thresholds = np.asarray(THRESHOLDS)
    for did, rows, latent in blocks:
        n_rows = len(rows)
        per_coder = []
        for c in range(spec.n_coders):
            z = latent - severity[c] + code_rng.normal(0, spec.coder_noise, size=latent.shape)
            code_index = (z[:, :, None] > thresholds[None, None, :]).sum(axis=2)  # 0..3
            is_straight = np.isin(rows, straight)
            if is_straight.any():
                which = np.searchsorted(straight, rows[is_straight])
                recorded = on_line[which] & (straight_rng.random((len(which), n_items)) >= STRAIGHTLINE_SLIP)
                line = np.broadcast_to((straight_code[which] - instrument.scale_codes[0])[:, None], recorded.shape)
                code_index[is_straight] = np.where(recorded, line, code_index[is_straight])
            miss = missing[rows]
            code_index = np.where(
                miss == 1, len(instrument.scale_codes), np.where(miss == 2, len(instrument.scale_codes) + 1, code_index)
            )
            responses = np.concatenate([labels[code_index], screen[rows][:, None]], axis=1)
            per_coder.append(responses)
        stacked = np.stack(per_coder, axis=1)  # (rows, coders, items + 1)
        n_cols = n_items + 1
        frames.append(
            pd.DataFrame(
                {
                    "interview_id": np.repeat(interviews["interview_id"].to_numpy()[rows], spec.n_coders * n_cols),
                    "coder_id": np.tile(np.repeat(np.array(coders, dtype=object), n_cols), n_rows),
                    "item_id": np.tile(item_ids, n_rows * spec.n_coders),
                    "response": stacked.reshape(-1),
                    "delimitation_id": did,
                }
            )
        )
    codings = pd.concat(frames, ignore_index=True)
    practice_ids = interviewed
    names = catalogue["table"].set_index("practice_id")["name"]
    delimitations_table = pd.DataFrame(
        {
            "delimitation_id": delim_ids,
            "practice_id": [practice_ids[p] for p in delim_practices],
            "label": [f"bred: hele indsatsen omkring {names[practice_ids[p]].lower()}" for p in delim_practices],
            "description": [
                "Bredere afgrænsning: hele tilbuddets arbejde med målgruppen, ikke kun det afgrænsede forløb"
            ]
            * len(delim_ids),
        },
        columns=["delimitation_id", "practice_id", "label", "description"],
    )
    noise = np.hypot(spec.informant_noise, spec.coder_noise)
    delimitations = {}
    for did, p in zip(delim_ids, delim_practices, strict=True):
        shifted = expected_element_scores(levels[[p]] + spec.delimitation_shift, instrument, difficulty, noise)[0]
        delimitations[did] = {
            "practice_id": practice_ids[p],
            "shift": _num(spec.delimitation_shift),
            "expected_element_scores": {e.id: _num(shifted[k]) for k, e in enumerate(instrument.elements)},
        }
    model = {
        "coder_severity": {coder: _num(severity[c]) for c, coder in enumerate(coders)},
        "informant_effects": {
            inf: _num(v) for inf, v in zip(interviews["informant_id"], informant_effect, strict=True)
        },
        "item_difficulty": {item.id: _num(difficulty[i]) for i, item in enumerate(items)},
        "straightliners": sorted(interviews["informant_id"].to_numpy()[straight].tolist()),
        "straightline_consistency": {
            inf: _num(q)
            for inf, q in sorted(zip(interviews["informant_id"].to_numpy()[straight], consistency, strict=True))
        },
        "delimitations": delimitations,
        "delimitations_table": delimitations_table,
    }
    return codings, model
