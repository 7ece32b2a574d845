"""The screening stage on a hand-made catalogue whose counts can be checked by eye, and the notebook on the example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from lovende_research import screening as sc
from lovende_research.config import EXAMPLE_STUDY, NOTEBOOKS_DIR
from lovende_research.errors import InputError
from lovende_research.plots import screening as plots
from lovende_research.study import Study

# ------------------------------------------------------------------------------------------ a small study
#
# Six candidates. P2 is P1 again (same provider in other case/spacing). Two criteria, k1 and k2, two
# screeners A and B:
#   P1, P2  include on both                          -> eligible
#   P3      both exclude k1 ("ikke målgruppe")        -> excluded, reason "ikke målgruppe"
#   P4      k2: A include, B exclude ("ikke i drift"); reconciled exclude -> excluded, "ikke i drift"
#   P5      k2: A exclude, B include; reconciled include                 -> eligible
#   P6      both exclude k1 (no reason) and k2        -> excluded under the first criterion, "k1"

CANDIDATES = """practice_id,name,provider,provider_type,municipality,target_group,purpose
P1,Familiegruppen,Børnehuset,kommune,Aarhus Kommune,børn,"forebyggende, rådgivende"
P2,familiegruppen ,børnehuset ,kommune,Aarhus Kommune,børn,forebyggende
P3,Netværksmøder,Børnehuset,kommune,Aarhus Kommune,unge,behandlende
P4,Krisesamtaler,Rådgivningen,kommune,Odense Kommune,børn,opsporende
P5,Åben rådgivning,Foreningen Ø,organisation,Foreningen Ø,unge,rådgivende
P6,Weekendlejr,Foreningen Ø,organisation,Foreningen Ø,unge,forebyggende
"""

SCREENING_ROWS = [
    # practice, criterion, A decision, A reason, B decision, B reason, reconciled
    ("P1", "k1", "include", "", "include", "", ""),
    ("P1", "k2", "include", "", "include", "", ""),
    ("P2", "k1", "include", "", "include", "", ""),
    ("P2", "k2", "include", "", "include", "", ""),
    ("P3", "k1", "exclude", "ikke målgruppe", "exclude", "", ""),
    ("P3", "k2", "include", "", "include", "", ""),
    ("P4", "k1", "include", "", "include", "", ""),
    ("P4", "k2", "include", "", "exclude", "ikke i drift", "exclude"),
    ("P5", "k1", "include", "", "include", "", ""),
    ("P5", "k2", "exclude", "ikke i drift", "include", "", "include"),
    ("P6", "k1", "exclude", "", "exclude", "", ""),
    ("P6", "k2", "exclude", "ikke i drift", "exclude", "ikke i drift", ""),
]


def screening_csv(rows: list[tuple[str, ...]]) -> str:
    lines = ["practice_id,screener_id,criterion,decision,reason,note,reconciled_decision"]
    for practice, criterion, a, reason_a, b, reason_b, reconciled in rows:
        lines.append(f"{practice},A,{criterion},{a},{reason_a},,{reconciled}")
        lines.append(f"{practice},B,{criterion},{b},{reason_b},note fra B,{reconciled if practice != 'P5' else ''}")
    return "\n".join(lines) + "\n"


def write_study(
    folder: Path, rows: list[tuple[str, ...]] = SCREENING_ROWS, extra: dict[str, str] | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.yml").write_text(
        'title: "Lille test"\nseed: 11\nshow_notes: true\n', encoding="utf-8"
    )  # the conflict list carries notes
    (folder / "candidates.csv").write_text(CANDIDATES, encoding="utf-8")
    (folder / "screening.csv").write_text(screening_csv(rows), encoding="utf-8")
    (folder / "interviews.csv").write_text("interview_id,practice_id,informant_id,informant_role\n", encoding="utf-8")
    (folder / "codings.csv").write_text("interview_id,coder_id,item_id,response\n", encoding="utf-8")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def small(tmp_path: Path) -> Study:
    return Study.load(write_study(tmp_path / "lille"))


def run_stage(study: Study) -> dict[str, pd.DataFrame]:
    flagged = sc.find_duplicates(study.candidates)
    review = sc.duplicate_review(study.candidates, flagged, study.duplicates)
    removed = sc.removed_duplicates(review)
    screened = sc.screened_rows(study.screening, removed)
    sc.check_all_screened(study.candidates, screened, removed)
    eligibility = sc.practice_eligibility(sc.final_decisions(screened))
    return {
        "review": review,
        "screened": screened,
        "eligibility": eligibility,
        "flow": sc.flow_counts(study.candidates, review, eligibility),
    }


def totals(flow: pd.DataFrame) -> dict[str, int]:
    return {
        str(s): int(n)
        for s, n in zip(flow.loc[flow["reason"].isna(), "step"], flow.loc[flow["reason"].isna(), "n"], strict=True)
    }


# ------------------------------------------------------------------------------------------ catalogue


def test_catalogue_counts_by_eye(small: Study) -> None:
    counts = sc.catalogue_counts(small.candidates)
    by = {(d, v): n for d, v, n in counts.itertuples(index=False)}
    # municipality: Aarhus P1-P3, Odense P4, Foreningen Ø P5-P6
    assert by[("municipality", "Aarhus Kommune")] == 3 and by[("municipality", "Foreningen Ø")] == 2
    assert by[("provider_type", "kommune")] == 4 and by[("target_group", "unge")] == 3
    # purposes: forebyggende P1 P2 P6, rådgivende P1 P5, opsporende P4, behandlende P3 (P1 counts twice)
    assert [by[("purpose", p)] for p in ("forebyggende", "opsporende", "rådgivende", "behandlende")] == [3, 1, 2, 1]


def test_duplicates_are_flagged_not_dropped(small: Study) -> None:
    flagged = sc.find_duplicates(small.candidates)
    assert flagged[["practice_id_a", "practice_id_b"]].values.tolist() == [["P1", "P2"]]
    assert flagged.loc[0, "similarity"] == 1.0
    review = sc.duplicate_review(small.candidates, flagged, None)
    assert review["status"].tolist() == ["pending"] and sc.removed_duplicates(review) == []


def test_fold_name_keeps_danish_letters() -> None:
    assert sc.fold_name("  ÅBEN   Rådgivning") == "åben rådgivning"
    assert sc.fold_name("Børn") != sc.fold_name("Born")
    # a decomposed å (a + combining ring) folds to the same text as the composed one
    assert sc.fold_name("A\u030abyhøj") == sc.fold_name("Åbyhøj")


def test_near_identical_name_with_other_provider_is_not_flagged() -> None:
    cands = pd.DataFrame(
        {"practice_id": ["X1", "X2"], "name": ["Familiegruppen", "Familiegruppen"], "provider": ["Hus A", "Hus B"]}
    )
    assert sc.find_duplicates(cands).empty


# ------------------------------------------------------------------------------------------ agreement and conflicts


def test_agreement_per_criterion_and_overall_by_hand(small: Study) -> None:
    table = sc.screening_agreement(small.screening).set_index("criterion")
    # k1: A and B agree on all six -> p_o = 1, p_e = (4/6)^2 + (2/6)^2 = 5/9, kappa = 1.
    assert table.loc["k1", "percent_agreement"] == 1.0
    assert table.loc["k1", "estimate"] == pytest.approx(1.0, abs=1e-12)
    # k2: A inc/B inc P1 P2 P3, A inc/B exc P4, A exc/B inc P5, A exc/B exc P6:
    # p_o = 4/6, p_e = (4/6)(4/6) + (2/6)(2/6) = 20/36, kappa = (24/36 - 20/36) / (16/36) = 0.25.
    assert table.loc["k2", "percent_agreement"] == pytest.approx(4 / 6, abs=1e-12)
    assert table.loc["k2", "estimate"] == pytest.approx(0.25, abs=1e-12)
    assert table.loc["k2", "n_conflicts"] == 2
    # overall verdicts: A includes P1 P2 P4, B includes P1 P2 P5 -> agree on P1 P2 P3 P6:
    # p_o = 4/6, p_e = .5 * .5 + .5 * .5 = .5, kappa = (2/3 - 1/2) / (1/2) = 1/3.
    assert table.loc[sc.OVERALL, "estimate"] == pytest.approx(1 / 3, abs=1e-12)
    assert list(table.index) == ["k1", "k2", sc.OVERALL]


def test_conflict_list_for_consensus_meeting(small: Study) -> None:
    conflicts = sc.screening_conflicts(small.screening, small.candidates)
    assert conflicts[["practice_id", "criterion"]].values.tolist() == [["P4", "k2"], ["P5", "k2"]]
    p4 = conflicts.iloc[0]
    assert (p4["name"], p4["screener_1"], p4["decision_1"], p4["decision_2"], p4["reason_2"], p4["note_2"]) == (
        "Krisesamtaler",
        "A",
        "include",
        "exclude",
        "ikke i drift",
        "note fra B",
    )
    # P5's reconciled decision stands on screener A's row only; it still resolves the conflict.
    assert conflicts["reconciled_decision"].tolist() == ["exclude", "include"]
    assert conflicts["resolved"].tolist() == [True, True]


def test_unresolved_conflicts_block_selection_naming_the_practices(tmp_path: Path) -> None:
    rows = [r if r[0] != "P4" or r[1] != "k2" else r[:-1] + ("",) for r in SCREENING_ROWS]
    study = Study.load(write_study(tmp_path / "uafklaret", rows))
    decisions = sc.final_decisions(study.screening)
    assert decisions.set_index(["practice_id", "criterion"]).loc[("P4", "k2"), "basis"] == "conflict"
    with pytest.raises(sc.UnresolvedConflictsError, match=r"P4: k2") as caught:
        sc.practice_eligibility(decisions)
    assert caught.value.conflicts == [("P4", "k2")]
    assert "reconciled_decision" in str(caught.value) and "P5" not in str(caught.value)


def test_contradictory_reconciled_decisions_are_an_input_error(tmp_path: Path) -> None:
    study = Study.load(write_study(tmp_path / "modstrid"))
    screening = study.screening.copy()
    row = screening.index[
        (screening["practice_id"] == "P4") & (screening["criterion"] == "k2") & (screening["screener_id"] == "B")
    ][0]
    screening.loc[row, "reconciled_decision"] = "include"
    with pytest.raises(InputError, match="forskellige reconciled_decision"):
        sc.final_decisions(screening)


# ------------------------------------------------------------------------------------------ flow


def test_flow_counts_by_eye_without_duplicate_decision(small: Study) -> None:
    stage = run_stage(small)
    # 6 identified, P1/P2 one pending pair (kept), 6 screened, excluded P3 P4 P6, eligible P1 P2 P5.
    assert totals(stage["flow"]) == {
        "identified": 6,
        "possible_duplicates": 1,
        "duplicates_removed": 0,
        "screened": 6,
        "excluded": 3,
        "eligible": 3,
    }
    reasons = stage["flow"][stage["flow"]["reason"].notna()].set_index("reason")["n"].to_dict()
    assert reasons == {"ikke målgruppe": 1, "ikke i drift": 1, "k1": 1}
    eligible = stage["eligibility"].set_index("practice_id")
    assert (
        eligible.loc["P6", "exclusion_criterion"] == "k1" and eligible.loc["P4", "exclusion_reason"] == "ikke i drift"
    )


def test_excluded_count_under_first_failed_criterion_in_table_order() -> None:
    # Criteria written in the order målgruppe, i_drift, beskrevet: the reverse of alphabetical, so a
    # count that sorts criteria by name puts every double failure under "beskrevet".
    criteria = ["maalgruppe", "i_drift", "beskrevet"]
    fails = {
        "Q1": {"maalgruppe", "beskrevet"},
        "Q2": {"i_drift", "beskrevet"},
        "Q3": set(criteria),
        "Q4": {"beskrevet"},
        "Q5": set(),
    }
    screening = pd.DataFrame(
        [
            (p, s, c, "exclude" if c in failed else "include")
            for p, failed in fails.items()
            for c in criteria
            for s in ("A", "B")
        ],
        columns=["practice_id", "screener_id", "criterion", "decision"],
    )
    eligibility = sc.practice_eligibility(sc.final_decisions(screening))
    review = pd.DataFrame({"status": pd.Series([], dtype=str), "removed_id": pd.Series([], dtype=str)})
    flow = sc.flow_counts(pd.DataFrame({"practice_id": list(fails)}), review, eligibility)
    by_reason = dict(zip(flow["reason"].dropna(), flow.loc[flow["reason"].notna(), "n"], strict=True))
    # By hand, first failed criterion in table order: Q1 and Q3 målgruppe, Q2 i_drift, Q4 beskrevet.
    assert by_reason == {"maalgruppe": 2, "i_drift": 1, "beskrevet": 1}
    assert eligibility.set_index("practice_id")["exclusion_criterion"].dropna().to_dict() == {
        "Q1": "maalgruppe",
        "Q2": "i_drift",
        "Q3": "maalgruppe",
        "Q4": "beskrevet",
    }


def test_flow_counts_with_confirmed_duplicate(tmp_path: Path) -> None:
    study = Study.load(
        write_study(tmp_path / "dub", extra={"duplicates.csv": "practice_id,duplicate_of,note\nP2,P1,samme gruppe\n"})
    )
    stage = run_stage(study)
    # P2 removed: 6 - 1 = 5 screened; excluded still P3 P4 P6; eligible P1 P5.
    assert totals(stage["flow"]) == {
        "identified": 6,
        "possible_duplicates": 0,
        "duplicates_removed": 1,
        "screened": 5,
        "excluded": 3,
        "eligible": 2,
    }
    assert stage["review"]["status"].tolist() == ["confirmed"] and stage["review"]["removed_id"].tolist() == ["P2"]
    assert "P2" not in set(stage["screened"]["practice_id"])


def test_duplicate_file_problems_are_listed(tmp_path: Path) -> None:
    folder = write_study(
        tmp_path / "dubfejl", extra={"duplicates.csv": "practice_id,duplicate_of\nP9,P1\nP3,P3\nP4,P2\nP2,P1\n"}
    )
    with pytest.raises(InputError) as caught:
        Study.load(folder)
    problems = {(p.file, p.row, p.column, p.value, p.problem) for p in caught.value.problems}
    # one run lists all three: an unknown practice, a practice as its own duplicate, a kept practice
    # (P2, row 4) that row 5 removes
    assert problems == {
        ("duplicates.csv", 2, "practice_id", "P9", "ugyldig værdi"),
        ("duplicates.csv", 3, "duplicate_of", "P3", "en praksis kan ikke være dublet af sig selv"),
        ("duplicates.csv", 4, "duplicate_of", "P2", "praksissen, der beholdes, er selv markeret som dublet"),
    }


def test_unscreened_candidate_is_named(small: Study) -> None:
    with pytest.raises(sc.ScreeningError, match="P6"):
        sc.check_all_screened(small.candidates, small.screening[small.screening["practice_id"] != "P6"])


def test_flow_diagram_draws_the_computed_numbers(small: Study) -> None:
    stage = run_stage(small)
    selected = pd.DataFrame({"practice_id": ["P1", "P5"]})
    flow = sc.flow_counts(small.candidates, stage["review"], stage["eligibility"], selected)
    for language, words in (("da", "Udvalgt til interview\n(n = 2)"), ("en", "Selected for interview\n(n = 2)")):
        figure = plots.flow_diagram(flow, language=language)
        texts = [t.get_text() for t in figure.axes[0].texts]
        plt.close(figure)
        assert words in texts
        assert any(
            t.startswith(("Ekskluderet (n = 3)", "Excluded (n = 3)")) and "ikke målgruppe: 1" in t for t in texts
        )
        assert any(t.startswith(("Mulige dubletpar: 1\n", "Possible duplicate pairs: 1\n")) for t in texts)


def test_describe_flow_states_pending_duplicates(small: Study) -> None:
    stage = run_stage(small)
    text = sc.describe_flow(stage["flow"], stage["review"], language="en")
    assert text.startswith("6 practices were identified, 6 screened, 3 excluded and 3 found eligible.")
    assert "pending the researchers' decision" in text


# ------------------------------------------------------------------------------------------ selection


def eligible_frame(sizes: dict[str, int]) -> pd.DataFrame:
    rows = [(f"E{g}{i:02d}", g) for g, n in sizes.items() for i in range(n)]
    frame = pd.DataFrame(rows, columns=["practice_id", "target_group"])
    return frame.assign(name="n", provider="p", municipality="m")


SIZES = {"a": 10, "b": 6, "c": 3, "d": 1}


def test_same_seed_same_sample_whatever_the_row_order() -> None:
    eligible = eligible_frame(SIZES)
    first = sc.select_stratified(eligible, strata=["target_group"], n_select=8, seed=42)
    again = sc.select_stratified(eligible.sample(frac=1, random_state=3), strata=["target_group"], n_select=8, seed=42)
    pd.testing.assert_frame_equal(first, again)


def test_different_seeds_usually_give_different_samples() -> None:
    eligible = eligible_frame(SIZES)
    samples = {
        tuple(sc.select_stratified(eligible, strata=["target_group"], n_select=8, seed=s)["practice_id"])
        for s in range(10)
    }
    # 10 seeds drawing 4 of 10, 2 of 6, 1 of 3 (C(10,4) C(6,2) C(3,1) = 9450 samples): all equal would be absurd.
    assert len(samples) > 1


@pytest.mark.parametrize(
    "n_select, expected",
    [
        # quotas n * N_h / 20 with N = (10, 6, 3, 1):
        (8, {"a": 4, "b": 2, "c": 1, "d": 1}),  # 4, 2.4, 1.2, .4 -> floors with min 1: 4 2 1 1 = 8
        (5, {"a": 2, "b": 1, "c": 1, "d": 1}),  # 2.5, 1.5, .75, .25 -> 2 1 1 1 = 5
        (12, {"a": 6, "b": 3, "c": 2, "d": 1}),  # 6, 3.6, 1.8, .6 -> 6 3 1 1 = 11; largest remainder c (.8) -> 12
        (20, {"a": 10, "b": 6, "c": 3, "d": 1}),  # everything
        (2, {"a": 1, "b": 1, "c": 0, "d": 0}),  # fewer than the 4 strata: the 2 largest get one each
    ],
)
def test_allocation_proportional_with_at_least_one(n_select: int, expected: dict[str, int]) -> None:
    selection = sc.select_stratified(eligible_frame(SIZES), strata=["target_group"], n_select=n_select, seed=5)
    counts = selection.groupby("target_group").size().reindex(list(SIZES), fill_value=0).to_dict()
    assert counts == expected
    assert (selection["selection_rule"] == "stratified").all() and (selection["seed"] == 5).all()


@pytest.mark.parametrize("seed", range(20))
def test_allocation_properties_on_random_strata(seed: int) -> None:
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 15, size=int(rng.integers(2, 8)))
    sizes = pd.Series(counts, index=[f"s{i}" for i in range(len(counts))])
    n = int(rng.integers(len(sizes), sizes.sum() + 1))
    allocation = sc.allocate(sizes, n, seed)
    quota = n * sizes / sizes.sum()
    assert allocation.sum() == n
    assert (allocation >= 1).all() and (allocation <= sizes).all()
    # proportional up to rounding: a stratum above its minimum of 1 and below its size is within 1 of its quota
    free = (allocation > 1) & (allocation < sizes)
    assert ((allocation[free] - quota[free]).abs() < 1 + 1e-9).all()


def test_selection_errors() -> None:
    eligible = eligible_frame(SIZES)
    with pytest.raises(sc.SelectionError, match="flere end de 20 egnede"):
        sc.select_stratified(eligible, strata=["target_group"], n_select=21, seed=1)
    with pytest.raises(sc.SelectionError, match="mindst 1"):
        sc.select_stratified(eligible, strata=[], n_select=0, seed=1)
    with pytest.raises(sc.SelectionError, match="ukendte strata-kolonner: region"):
        sc.select_stratified(eligible, strata=["region"], n_select=3, seed=1)


def test_unstratified_sample_has_one_stratum() -> None:
    selection = sc.select_stratified(eligible_frame(SIZES), strata=[], n_select=4, seed=3)
    assert len(selection) == 4 and set(selection["stratum"]) == {sc.ALL_STRATUM}


def test_user_list_is_checked_against_eligibility(small: Study) -> None:
    stage = run_stage(small)
    eligible = sc.eligible_candidates(small.candidates, stage["eligibility"])
    screened = stage["eligibility"]["practice_id"].tolist()
    chosen = sc.select_from_list(eligible, ["P5", "P1"], strata=["target_group"], screened_ids=screened)
    assert chosen["practice_id"].tolist() == ["P1", "P5"] and (chosen["selection_rule"] == "list").all()
    assert chosen["seed"].isna().all()
    with pytest.raises(sc.SelectionError, match=r"ekskluderet ved screeningen: P3.*ukendt.*P99") as caught:
        sc.select_from_list(eligible, ["P1", "P3", "P99"], screened_ids=screened)
    assert caught.value.practice_ids == ["P3", "P99"]


def test_selected_csv_is_read_from_the_study_folder(tmp_path: Path) -> None:
    study = Study.load(write_study(tmp_path / "liste", extra={"selected.csv": "practice_id\nP5\n P1 \n"}))
    assert study.selected["practice_id"].tolist() == ["P5", "P1"]
    assert Study.load(write_study(tmp_path / "uden")).selected is None
    with pytest.raises(
        InputError, match="selected.csv, række 3, kolonne 'practice_id': ugyldig værdi \\(fandt 'P77'\\)"
    ):
        Study.load(write_study(tmp_path / "ukendt", extra={"selected.csv": "practice_id\nP5\nP77\n"}))


def test_describe_selection_in_both_languages() -> None:
    eligible = eligible_frame(SIZES)
    selection = sc.select_stratified(eligible, strata=["target_group"], n_select=2, seed=9)
    danish = sc.describe_selection(selection, eligible=eligible, strata=["target_group"], language="da")
    english = sc.describe_selection(selection, eligible=eligible, strata=["target_group"], language="en")
    assert danish.startswith("2 af de 20 egnede praksisser") and "seed 9" in danish
    assert "more strata (4) than practices to select" in english


def test_check_parameters_refuses_bad_values() -> None:
    good = {"language": "da", "selection_rule": "stratified", "n_select": 3, "strata": ["target_group"], "seed": 1}
    sc.check_parameters(**good)
    for change, message in (
        ({"selection_rule": "quota"}, "selection_rule"),
        ({"n_select": 0}, "n_select"),
        ({"strata": "target_group"}, "strata"),
        ({"seed": -1}, "seed"),
    ):
        with pytest.raises(sc.ScreeningError, match=message):
            sc.check_parameters(**{**good, **change})


# ------------------------------------------------------------------------------------------ the notebook


def test_notebook_script_and_ipynb_are_in_sync() -> None:
    import jupytext

    script = jupytext.read(NOTEBOOKS_DIR / "01_screening.py")
    notebook = jupytext.read(NOTEBOOKS_DIR / "01_screening.ipynb")
    assert [c.source for c in script.cells] == [c.source for c in notebook.cells]
    assert notebook.metadata["kernelspec"]["name"] == "lovende-research"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The bundled example study; until it is generated, the same preset simulated into tmp_path."""
    if (EXAMPLE_STUDY / "study.yml").is_file():
        return EXAMPLE_STUDY
    from lovende_research.simulate import SimulationSpec, simulate_study

    return simulate_study(tmp_path / "example", SimulationSpec.preset("example"), seed=2017)


@pytest.mark.parametrize(
    "language, refusal",
    [
        ("en", "unknown selection_rule 'lottery'; expected: stratified or list"),
        ("da", "ukendt selection_rule 'lottery'; forventet: stratified eller list"),
    ],
)
def test_the_notebook_refuses_in_its_own_language(
    run_notebook: Callable, tmp_path: Path, language: str, refusal: str
) -> None:
    """What the stage's kernel refuses is said in the notebook's language (its ``print_errors_in``): this
    text is all ``lovende run`` gets to put in its "notebook failed"."""
    import papermill

    with pytest.raises(papermill.PapermillExecutionError) as caught:
        run_notebook(
            "01_screening",
            study_dir=EXAMPLE_STUDY,
            processed_dir=tmp_path / "processed",
            language=language,
            selection_rule="lottery",
        )
    assert (caught.value.ename, caught.value.evalue) == ("ScreeningError", refusal)


def test_notebook_on_the_example(run_notebook: Callable, example: Path, tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    notebook = run_notebook(
        "01_screening", study_dir=example, processed_dir=processed, language="en", seed=7, n_select=14
    )
    assert notebook.metadata.papermill.parameters["n_select"] == 14
    out = processed / example.name / "screening"
    for stem in ("flow", "catalogue", "agreement"):
        assert (out / f"{stem}.svg").read_bytes().startswith(b"<?xml") and (out / f"{stem}.svg").stat().st_size > 1000
    flow = pd.read_parquet(out / "flow.parquet")
    n = totals(flow)
    assert n["identified"] - n["duplicates_removed"] == n["screened"]
    assert n["screened"] - n["excluded"] == n["eligible"]
    assert flow.loc[flow["reason"].notna(), "n"].sum() == n["excluded"]
    assert n["selected"] <= n["eligible"] and n["selected"] == 14
    selection = pd.read_parquet(out / "selection.parquet")
    eligibility = pd.read_parquet(out / "eligibility.parquet")
    assert len(selection) == 14 and set(selection["practice_id"]) <= set(
        eligibility.loc[eligibility["eligible"], "practice_id"]
    )
    assert set(selection["selection_rule"]) == {"stratified"} and set(selection["seed"]) == {7}
    agreement = pd.read_parquet(out / "agreement.parquet")
    assert sc.OVERALL in set(agreement["criterion"]) and agreement["estimate"].between(-1, 1).all()
    conflicts = pd.read_parquet(out / "conflicts.parquet")
    assert conflicts["resolved"].all() and len(conflicts) == int(
        agreement.loc[agreement["criterion"] != sc.OVERALL, "n_conflicts"].sum()
    )
    # the example plants near-duplicates; without duplicates.csv they are listed and kept
    duplicates = pd.read_parquet(out / "duplicates.parquet")
    truth = json.loads((example / "truth.json").read_text(encoding="utf-8"))
    assert {tuple(sorted(p)) for p in truth["duplicates"]} <= set(
        zip(duplicates["practice_id_a"], duplicates["practice_id_b"], strict=True)
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {k: v for k, v in n.items()}
    assert manifest["parameters"]["seed"] == 7 and manifest["selection"]["practice_ids"] == sorted(
        selection["practice_id"]
    )
    assert "stratified random sampling" in manifest["selection"]["description"]
    assert set(manifest["outputs"]) >= {"flow.parquet", "selection.parquet", "flow.svg", "manifest.json"}
