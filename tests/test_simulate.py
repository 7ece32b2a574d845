"""Tests of lovende_research.simulate: valid, reproducible study folders whose planted truth shows in the data."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lovende_research.cli import main
from lovende_research.config import EXAMPLE_STUDY, RAW_DIR
from lovende_research.errors import LovendeError, in_language
from lovende_research.instrument import load_instrument
from lovende_research.simulate import STUDY_FILES, SimulationError, SimulationSpec, simulate_study
from lovende_research.study import Study, validate_study

EXAMPLE_SEED = 2017


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def read(folder: Path, table: str) -> pd.DataFrame:
    """A generated CSV as plain text cells, read independently of the package's readers."""
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def truth_of(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


def fold_name(name: str) -> str:
    """Casefold, every run of non-word characters to one space, strip (the rule the generator documents)."""
    return re.sub(r"\W+", " ", name.casefold()).strip()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return simulate_study(tmp_path_factory.mktemp("small") / "study", SimulationSpec.preset("small"), seed=5)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return simulate_study(
        tmp_path_factory.mktemp("example") / "example", SimulationSpec.preset("example"), seed=EXAMPLE_SEED
    )


# ------------------------------------------------------------------------------------------ validity


@pytest.mark.parametrize("name", ["small", "example"])
def test_generated_study_is_valid_and_loads(name: str, request: pytest.FixtureRequest) -> None:
    folder = request.getfixturevalue(name)
    assert validate_study(folder) == []
    study = Study.load(folder)
    assert study.config.synthetic is True
    assert re.search("syntetisk", study.config.title, re.IGNORECASE)
    assert "truth.json" in study.config.notes
    assert sorted(p.name for p in folder.iterdir()) == sorted(STUDY_FILES)
    assert study.delimitations is not None and len(study.delimitations) >= 1


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    spec = SimulationSpec.preset("small")
    first = digests(simulate_study(tmp_path / "a", spec, seed=11))
    second = digests(simulate_study(tmp_path / "b", spec, seed=11))
    assert set(first) == set(STUDY_FILES)
    assert first == second


def test_different_seeds_differ(tmp_path: Path) -> None:
    spec = SimulationSpec.preset("small")
    first = digests(simulate_study(tmp_path / "a", spec, seed=1))
    second = digests(simulate_study(tmp_path / "b", spec, seed=2))
    for name in ("candidates.csv", "screening.csv", "codings.csv", "truth.json"):
        assert first[name] != second[name], name


def test_rerun_into_the_same_folder_overwrites_it_identically(tmp_path: Path) -> None:
    spec = SimulationSpec.preset("small")
    folder = simulate_study(tmp_path / "s", spec, seed=3)
    before = digests(folder)
    simulate_study(folder, spec, seed=3)
    assert digests(folder) == before


def test_bundled_example_is_reproduced_byte_for_byte(example: Path) -> None:
    # The bundled copy was made by simulate_study(tmp, SimulationSpec.preset("example"), seed=2017)
    # (data/raw/example/README.md); regenerating must give the very same bytes, so it never drifts.
    bundled = digests(EXAMPLE_STUDY)
    assert set(bundled) == set(STUDY_FILES) | {"README.md"}
    generated = digests(example)
    assert generated == {name: bundled[name] for name in generated}


def test_bundled_example_readme_says_how_it_was_made() -> None:
    text = (EXAMPLE_STUDY / "README.md").read_text(encoding="utf-8")
    assert "syntetisk" in text.lower()
    assert 'SimulationSpec.preset("example")' in text and "2017" in text


# ------------------------------------------------------------------------------------------ shape


def test_example_has_vive_2017_shape() -> None:
    # VIVE 2017 (domain.md): 7 municipalities, 9 organisations, 84 practices, 14 assessed.
    study = Study.load(EXAMPLE_STUDY)
    candidates = study.candidates
    assert len(candidates) == 84 and candidates["practice_id"].is_unique
    units = candidates.drop_duplicates("municipality")["provider_type"].value_counts()
    assert units["kommune"] == 7 and units["organisation"] == 9
    assert study.screening["screener_id"].nunique() == 2
    # every catalogue row × criterion screened once by each screener
    assert len(study.screening) == 84 * 3 * 2
    interviews = study.interviews
    assert interviews["practice_id"].nunique() == 14 and len(interviews) == 14 * 3
    roles = interviews.groupby("practice_id")["informant_role"].agg(lambda r: tuple(sorted(r)))
    assert set(roles) == {("leder", "medarbejder", "samarbejdspartner")}
    assert interviews["informant_id"].str.fullmatch(r"P\d{3}-[LMS]").all()
    assert interviews["date"].notna().all()
    codings = study.codings
    assert sorted(codings["coder_id"].unique()) == ["K1", "K2"]
    main = codings[codings["delimitation_id"] == "main"]
    n_items = len(load_instrument().items) + 1  # + the screen item sikker_1
    # 42 interviews × 2 coders × 31 items, each once
    assert len(main) == 42 * 2 * n_items
    assert main.groupby(["interview_id", "coder_id"])["item_id"].nunique().eq(n_items).all()
    assert (main["item_id"] == "sikker_1").sum() == 42 * 2


def test_presets_have_the_stated_shape() -> None:
    national = SimulationSpec.preset("national")
    assert national.n_candidates == 6000 and national.practices_per_provider == 3  # 2,000 services
    assert national.n_interviewed == 6000 and national.n_duplicates == 0
    assert len(national.informant_roles) == 3 and national.n_coders == 2
    # coding rows, by hand: 6000 practices × 3 informants × 2 coders × 31 items = 1,116,000 on the main
    # delimitation, plus 60 alternative delimitations × 3 × 2 × 31 = 11,160
    assert national.n_interviewed * 3 * 2 * 31 + national.n_alternative_delimitations * 3 * 2 * 31 == 1_127_160
    small = SimulationSpec.preset("small")
    assert (small.n_candidates, small.n_interviewed) == (20, 6)
    example = SimulationSpec.preset("example")
    assert example == SimulationSpec()
    assert (example.n_municipalities, example.n_organisations, example.n_candidates, example.n_interviewed) == (
        7,
        9,
        84,
        14,
    )


def test_a_fiftieth_of_the_national_preset_generates_validly(tmp_path: Path) -> None:
    # How fast generation is belongs to the benchmarks (make bench), not to a timed test.
    spec = SimulationSpec.preset("national").scaled(50)
    assert (spec.n_candidates, spec.n_interviewed, spec.n_alternative_delimitations) == (120, 120, 1)
    folder = simulate_study(tmp_path / "national50", spec, seed=1)
    assert validate_study(folder) == []
    codings = read(folder, "codings")
    # by hand: 120 practices × 3 informants × 2 coders × 31 items + 1 delimitation × 3 × 2 × 31
    assert len(codings) == 120 * 3 * 2 * 31 + 3 * 2 * 31
    assert read(folder, "interviews")["practice_id"].nunique() == 120


@pytest.mark.parametrize("factor", [0.1, 0.999, 0, -2, float("nan")])
def test_scaled_refuses_a_factor_that_would_not_shrink_the_study(factor: float) -> None:
    # scaled divides every count by the factor: scaled(0.1) would silently build ten national studies.
    with pytest.raises(SimulationError, match="skal være mindst 1"):
        SimulationSpec.preset("national").scaled(factor)
    with pytest.raises(SimulationError, match="must be at least 1"):
        SimulationSpec.preset("national").scaled(factor, language="en")
    assert SimulationSpec.preset("example").scaled(1) == SimulationSpec.preset("example")


# ------------------------------------------------------------------------------------------ planted truth


def test_truth_json_has_the_agreed_keys(example: Path) -> None:
    truth = truth_of(example)
    for key in (
        "seed",
        "spec",
        "practices",
        "role_offsets",
        "coder_severity",
        "straightliners",
        "duplicates",
        "eligible",
        "interviewed",
        "delimitations",
    ):
        assert key in truth, key
    assert truth["seed"] == EXAMPLE_SEED
    assert set(truth["spec"]) >= {"n_candidates", "leader_leniency", "straightliner_share", "synthetic"}
    elements = {e.id for e in load_instrument().elements}
    assert set(truth["practices"]) == set(truth["interviewed"])
    for practice in truth["practices"].values():
        assert set(practice["element_levels"]) == elements
        assert all(0 <= v <= 1 for v in practice["expected_element_scores"].values())
        assert practice["overall"] == pytest.approx(
            np.mean(list(practice["expected_element_scores"].values())), abs=1e-5
        )
    assert truth["role_offsets"]["leder"] == truth["spec"]["leader_leniency"]
    assert truth["role_offsets"]["medarbejder"] == 0.0
    assert set(truth["coder_severity"]) == {"K1", "K2"}
    for entry in truth["delimitations"].values():
        assert entry["practice_id"] in truth["interviewed"] and entry["shift"] == truth["spec"]["delimitation_shift"]


def test_expected_element_scores_match_a_monte_carlo_of_the_response_model(small: Path) -> None:
    # Independent computation: draw neutral answers θ − b + ε + ν (ε ~ N(0, σε), ν ~ N(0, σν)), cut at
    # the thresholds (−1, 0, 1), rescale the code to 0–1, average over 200,000 draws per item and over the
    # element's items with the instrument's weights. Monte Carlo SE ≈ 0.4/√200000 ≈ 0.001; tolerance 0.005.
    truth = truth_of(small)
    spec = truth["spec"]
    instrument = load_instrument()
    rng = np.random.default_rng(0)
    practice_id = truth["interviewed"][0]
    practice = truth["practices"][practice_id]
    for element in instrument.elements:
        weights, means = [], []
        for item in element.items:
            latent = practice["element_levels"][element.id] - truth["item_difficulty"][item.id]
            draws = (
                latent + rng.normal(0, spec["informant_noise"], 200_000) + rng.normal(0, spec["coder_noise"], 200_000)
            )
            code = 1 + (draws[:, None] > np.array([-1.0, 0.0, 1.0])).sum(axis=1)
            means.append(((code - 1) / 3).mean())
            weights.append(item.weight)
        expected = np.average(means, weights=weights)
        assert practice["expected_element_scores"][element.id] == pytest.approx(expected, abs=0.005), element.id


def test_straightliners_are_noisy_like_real_ones(example: Path) -> None:
    """Pins down the planted straight-liners as a habit, not a rule: each gives one category on most but
    not all of the items it answered, some of their answers are missing codes, and the two coders do not
    record them identically, so a straight-lining check is tested below a share of 1."""
    truth = truth_of(example)
    interviews = read(example, "interviews")
    codings = read(example, "codings").merge(interviews, on="interview_id")
    scored = codings[(codings["item_id"] != "sikker_1") & (codings["delimitation_id"].fillna("") == "")]
    # 7 % of 42 informants, rounded: 3
    assert len(truth["straightliners"]) == 3
    assert set(truth["straightline_consistency"]) == set(truth["straightliners"])
    assert all(0.85 <= q <= 0.95 for q in truth["straightline_consistency"].values())
    lines = scored[scored["informant_id"].isin(truth["straightliners"])]
    answered = lines[lines["response"].isin(["1", "2", "3", "4"])]
    for informant, own in answered.groupby("informant_id"):
        # Counted from the raw CSV: the share of the informant's coded answers (both coders) in its most
        # frequent category. Off-line answers can land on that category too, so the share may exceed q,
        # but with 30 items and a 5 % coder slip it stays below 1 and above 0.8.
        share = own["response"].value_counts(normalize=True).iloc[0]
        assert 0.8 < share < 1, informant
    assert (~lines["response"].isin(["1", "2", "3", "4"])).sum() > 0  # missing codes among them
    wide = lines.pivot_table(index=["informant_id", "item_id"], columns="coder_id", values="response", aggfunc="first")
    assert (wide["K1"] != wide["K2"]).any()  # the coders differ on some item
    others = scored[~scored["informant_id"].isin(truth["straightliners"])]
    assert (others.groupby("informant_id")["response"].nunique() > 1).all()


def test_leaders_rate_their_own_practice_higher_in_at_least_18_of_20_seeds(tmp_path: Path) -> None:
    # Independent check of the planted leniency, the way the bias stage will see it: per practice, the
    # leader's mean scale code minus the mean of the other informants' means; one-sample t-test (scipy)
    # against 0, one-sided by requiring a positive mean, 5 % level.
    detected = 0
    for seed in range(20):
        folder = simulate_study(tmp_path / f"s{seed}", SimulationSpec.preset("example"), seed=seed)
        codings = read(folder, "codings").merge(read(folder, "interviews"), on="interview_id")
        scored = codings[(codings["delimitation_id"] == "") & codings["response"].isin(["1", "2", "3", "4"])]
        means = (
            scored.assign(v=scored["response"].astype(int))
            .groupby(["practice_id", "informant_role"])["v"]
            .mean()
            .unstack()
        )
        gap = means["leder"] - means[["medarbejder", "samarbejdspartner"]].mean(axis=1)
        result = stats.ttest_1samp(gap, 0.0)
        detected += bool(result.pvalue < 0.05 and gap.mean() > 0)
    assert detected >= 18


def test_duplicates_are_same_provider_names_folding_to_the_same_text(example: Path) -> None:
    truth = truth_of(example)
    candidates = read(example, "candidates").set_index("practice_id")
    assert len(truth["duplicates"]) == 3
    for original, duplicate in truth["duplicates"]:
        a, b = candidates.loc[original], candidates.loc[duplicate]
        assert a["name"] != b["name"]
        assert fold_name(a["name"]) == fold_name(b["name"])
        assert a["provider"] == b["provider"]
    # and no other pair in the catalogue folds to the same name within one provider
    folded = candidates.assign(key=candidates["name"].map(fold_name)).reset_index()
    clashes = (
        folded[folded.duplicated(["provider", "key"], keep=False)]
        .groupby(["provider", "key"])["practice_id"]
        .apply(sorted)
    )
    assert sorted(clashes) == sorted(sorted(pair) for pair in truth["duplicates"])


def test_interviewed_practices_are_eligible_screened_in_and_not_duplicates(example: Path) -> None:
    truth = truth_of(example)
    duplicates = {d for _, d in truth["duplicates"]}
    interviewed = set(read(example, "interviews")["practice_id"])
    assert interviewed == set(truth["interviewed"])
    assert interviewed <= set(truth["eligible"]) and not interviewed & duplicates
    # the screening as recorded includes them: reconciled decision where given, else the screeners' common one
    screening = read(example, "screening")
    final = screening["reconciled_decision"].where(screening["reconciled_decision"] != "", screening["decision"])
    excluded = set(screening.loc[final == "exclude", "practice_id"])
    assert not interviewed & excluded


def test_screening_disagreements_are_reconciled_and_exclusions_have_reasons(example: Path) -> None:
    screening = read(example, "screening")
    wide = screening.pivot_table(
        index=["practice_id", "criterion"], columns="screener_id", values="decision", aggfunc="first"
    )
    disagree = wide["S1"] != wide["S2"]
    assert disagree.any()
    reconciled = screening.groupby(["practice_id", "criterion"])["reconciled_decision"].first()
    assert (reconciled[disagree] != "").all()
    assert (reconciled[~disagree] == "").all()
    exclusions = screening[screening["decision"] == "exclude"]
    assert (exclusions["reason"] != "").all()
    assert (screening.loc[screening["decision"] == "include", "reason"] == "").all()


def test_screener_error_rate_is_as_planted(tmp_path: Path) -> None:
    # 2,000 catalogue rows × 3 criteria × 2 screeners = 12,000 decisions with error rate 0.08:
    # binomial SE = sqrt(0.08 · 0.92 / 12000) ≈ 0.0025; tolerance 0.01 (4 SE).
    spec = replace(SimulationSpec.preset("example"), n_candidates=2000, n_municipalities=20, n_organisations=10)
    folder = simulate_study(tmp_path / "big", spec, seed=4)
    truth = truth_of(folder)
    screening = read(folder, "screening")
    met = screening.apply(lambda r: truth["criteria_met"][r["practice_id"]][r["criterion"]], axis=1)
    wrong = (screening["decision"] == "include") != met
    assert wrong.mean() == pytest.approx(0.08, abs=0.01)


def test_alternative_delimitation_moves_the_codes_up(example: Path) -> None:
    truth = truth_of(example)
    codings = read(example, "codings").merge(read(example, "interviews"), on="interview_id")
    scored = codings[codings["response"].isin(["1", "2", "3", "4"])].assign(v=lambda f: f["response"].astype(int))
    for did, entry in truth["delimitations"].items():
        of_practice = scored[scored["practice_id"] == entry["practice_id"]]
        shifted = of_practice.loc[of_practice["delimitation_id"] == did, "v"].mean()
        main = of_practice.loc[of_practice["delimitation_id"] == "", "v"].mean()
        # a latent shift of 0.6 moves a mid-scale code by roughly 0.6 × 0.8 ≈ 0.5; well above 0.15
        assert shifted - main > 0.15, did


def test_observed_element_scores_track_the_planted_expectation(tmp_path: Path) -> None:
    # Across 120 practices, the mean observed 0–1 element score (non-leaders, non-straight-liners) must
    # correlate strongly with the planted expectation; Pearson r > 0.8 (independent computation with numpy).
    folder = simulate_study(tmp_path / "n50", SimulationSpec.preset("national").scaled(50), seed=2)
    truth = truth_of(folder)
    instrument = load_instrument()
    element_of = {item.id: item.element_id for item in instrument.items}
    codings = read(folder, "codings").merge(read(folder, "interviews"), on="interview_id")
    keep = (
        (codings["delimitation_id"] == "")
        & codings["response"].isin(["1", "2", "3", "4"])
        & (codings["informant_role"] != "leder")
        & ~codings["informant_id"].isin(truth["straightliners"])
    )
    scored = codings[keep].assign(
        score=lambda f: (f["response"].astype(int) - 1) / 3, element=lambda f: f["item_id"].map(element_of)
    )
    observed = scored.groupby(["practice_id", "element"])["score"].mean()
    planted = pd.Series(
        {(p, e): v for p, rec in truth["practices"].items() for e, v in rec["expected_element_scores"].items()}
    )
    joined = pd.concat([observed.rename("observed"), planted.rename("planted")], axis=1).dropna()
    assert np.corrcoef(joined["observed"], joined["planted"])[0, 1] > 0.8


# ------------------------------------------------------------------------------------------ refusals


def test_refuses_to_write_under_data_raw() -> None:
    target = RAW_DIR / "simulate_must_not_exist"
    with pytest.raises(LovendeError):
        simulate_study(target, SimulationSpec.preset("small"), seed=1)
    assert not target.exists()


def test_unknown_preset_and_impossible_spec_are_clear_errors() -> None:
    with pytest.raises(SimulationError, match="ukendt preset"):
        SimulationSpec.preset("huge")
    with pytest.raises(SimulationError, match="n_interviewed"):
        SimulationSpec(n_candidates=10, n_duplicates=0, n_interviewed=11)
    with pytest.raises(SimulationError):
        replace(SimulationSpec(), screener_error_rate=1.5)


def test_refuses_a_folder_with_a_table_in_another_format(tmp_path: Path) -> None:
    (tmp_path / "codings.xlsx").write_bytes(b"")
    with pytest.raises(SimulationError) as caught:
        simulate_study(tmp_path, SimulationSpec.preset("small"), seed=1)
    assert str(caught.value) == f"{tmp_path} indeholder allerede codings.xlsx; vælg en tom mappe"
    assert in_language(caught.value.args[0], "en") == f"{tmp_path} already holds codings.xlsx; choose an empty folder"


#: (the refusal, given the test's own folder; its message in Danish; the same in English)
SPEC = "Ugyldig simulationsspecifikation: "
SPEC_EN = "Invalid simulation spec: "
REFUSALS: list[tuple[Callable[[Path], object], str, str]] = [
    (
        lambda _: SimulationSpec(n_municipalities=0, n_organisations=0),
        SPEC + "der skal være mindst én kommune eller organisation",
        SPEC_EN + "there must be at least one municipality or organisation",
    ),
    (
        lambda _: SimulationSpec(n_duplicates=-1),
        SPEC + "n_duplicates skal være mellem 0 og n_candidates - 1",
        SPEC_EN + "n_duplicates must be between 0 and n_candidates - 1",
    ),
    (
        lambda _: SimulationSpec(n_candidates=10, n_duplicates=6, n_interviewed=2),
        SPEC + "der kan ikke være flere dubletter end forskellige praksisser",
        SPEC_EN + "there cannot be more duplicates than distinct practices",
    ),
    (
        lambda _: SimulationSpec(n_candidates=10, n_duplicates=0, n_interviewed=11),
        SPEC + "n_interviewed (11) skal være mellem 1 og antallet af forskellige praksisser (10)",
        SPEC_EN + "n_interviewed (11) must be between 1 and the number of distinct practices (10)",
    ),
    (
        lambda _: SimulationSpec(n_alternative_delimitations=15),
        SPEC + "n_alternative_delimitations kan ikke overstige n_interviewed",
        SPEC_EN + "n_alternative_delimitations cannot exceed n_interviewed",
    ),
    (
        lambda _: SimulationSpec(n_coders=0),
        SPEC + "practices_per_provider, n_screeners, n_coders og informant_roles skal være mindst 1",
        SPEC_EN + "practices_per_provider, n_screeners, n_coders and informant_roles must be at least 1",
    ),
    (
        lambda _: SimulationSpec(informant_roles=("leder", "Leder")),
        SPEC + "informant_roles skal være forskellige og have forskellige forbogstaver",
        SPEC_EN + "informant_roles must be distinct and have distinct first letters",
    ),
    (
        lambda _: SimulationSpec(criteria=()),
        SPEC + "der skal være mindst ét screeningskriterium",
        SPEC_EN + "there must be at least one screening criterion",
    ),
    (
        lambda _: SimulationSpec(screener_error_rate=1.5),
        SPEC + "screener_error_rate skal ligge mellem 0 og 1",
        SPEC_EN + "screener_error_rate must lie between 0 and 1",
    ),
    (
        # 4 × 0.3 + 0.02 > 1, though each share lies between 0 and 1
        lambda _: SimulationSpec(ved_ikke_share=0.3),
        SPEC + "ved_ikke_share og ikke_relevant_share er for store",
        SPEC_EN + "ved_ikke_share and ikke_relevant_share are too large",
    ),
    (
        lambda _: SimulationSpec(coder_noise=-0.1),
        SPEC + "coder_noise må ikke være negativ",
        SPEC_EN + "coder_noise must not be negative",
    ),
    (
        lambda _: SimulationSpec(informant_noise=0, coder_noise=0),
        SPEC + "informant_noise og coder_noise kan ikke begge være 0",
        SPEC_EN + "informant_noise and coder_noise cannot both be 0",
    ),
    (
        # two problems at once: both named, in the order checked, in one language each
        lambda _: SimulationSpec(n_coders=0, language="de"),
        SPEC + "practices_per_provider, n_screeners, n_coders og informant_roles skal være mindst 1; "
        "language skal være da eller en",
        SPEC_EN + "practices_per_provider, n_screeners, n_coders and informant_roles must be at least 1; "
        "language must be da or en",
    ),
    (
        lambda _: SimulationSpec.preset("huge"),
        "ukendt preset 'huge'; forventet: example, small, national",
        "unknown preset 'huge'; expected: example, small, national",
    ),
    (
        lambda folder: simulate_study(folder, SimulationSpec.preset("small"), seed=-1),
        "seed skal være et ikke-negativt heltal, fandt -1",
        "seed must be a non-negative whole number, found -1",
    ),
]


@pytest.mark.parametrize("call, danish, english", REFUSALS, ids=[english[:50] for _, _, english in REFUSALS])
def test_each_refusal_in_danish_and_in_english(
    call: Callable[[Path], object], danish: str, english: str, tmp_path: Path
) -> None:
    with pytest.raises(SimulationError) as caught:
        call(tmp_path)
    assert str(caught.value) == danish
    assert in_language(caught.value.args[0], "en") == english


def test_the_command_prints_its_refusal_in_the_language_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", str(tmp_path / "s"), "--seed", "-1", "--lang", "en"]) == 1
    assert "seed must be a non-negative whole number, found -1" in capsys.readouterr().err
    assert main(["simulate", str(tmp_path / "s"), "--seed", "-1"]) == 1
    assert "seed skal være et ikke-negativt heltal, fandt -1" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
