"""Every refusal of the screening stage, word for word in Danish and in English.

The Danish is the message itself (``str`` of the error, what notebook 01 stops with); the English is what
``lovende --lang en`` prints (:func:`~lovende_research.errors.in_language`). Each is matched whole, so a
message that loses the practices, the values or the advice it should give fails here, and so does a
message left in one language. The frames are a few hand-made rows, so the whole file runs in a moment.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from lovende_research import screening as sc
from lovende_research.errors import InputError, in_language
from tests.plain_ids import plain_id

CANDIDATES = pd.DataFrame({"practice_id": ["P1", "P2", "P3"], "target_group": ["børn", "unge", "unge"]})
ELIGIBLE = CANDIDATES.iloc[:1]
NO_REVIEW = pd.DataFrame({"status": pd.Series([], dtype=str), "removed_id": pd.Series([], dtype=str)})
GOOD = {"language": "da", "selection_rule": "stratified", "n_select": 3, "strata": ["target_group"], "seed": 1}
NOT_ELIGIBLE = (
    "selected.csv nævner 2 praksis(ser), der ikke er egnede — ",
    "selected.csv names 2 practice(s) that are not eligible — ",
)
EXCLUDED = ("ekskluderet ved screeningen: P3", "excluded at screening: P3")
UNKNOWN = (
    "ikke screenet eller ukendt (dublet, eller ikke i candidates): P99",
    "not screened or unknown (a duplicate, or not in candidates): P99",
)


def _conflicts() -> None:
    decisions = pd.DataFrame(
        {
            "practice_id": ["P4", "P4", "P5", "P6"],
            "criterion": ["k1", "k2", "k1", "k1"],
            "basis": ["conflict"] * 3 + ["agreement"],
        }
    )
    sc.require_resolved(decisions)


#: (the refusal, the practices it names, its message in Danish, the same in English)
CASES: list[tuple[Callable[[], object], list[str], str, str]] = [
    (
        lambda: sc.check_all_screened(CANDIDATES, pd.DataFrame({"practice_id": ["P1"]})),
        [],
        "2 praksis(ser) i candidates er ikke screenet: P2, P3; "
        "tilføj deres screening eller markér dem som dubletter i duplicates.csv",
        "2 practice(s) in candidates are not screened: P2, P3; "
        "add their screening or mark them as duplicates in duplicates.csv",
    ),
    (
        _conflicts,
        [],
        "2 praksis(ser) mangler en konsensusbeslutning, fordi screenerne er uenige; udfyld reconciled_decision i "
        "screening-tabellen for disse praksisser og kriterier:\n  - P4: k1, k2\n  - P5: k1",
        "2 practice(s) lack a reconciled decision because the screeners disagree; fill in reconciled_decision in "
        "the screening table for these practices and criteria:\n  - P4: k1, k2\n  - P5: k1",
    ),
    (
        lambda: sc.flow_counts(
            CANDIDATES, NO_REVIEW, pd.DataFrame({"practice_id": ["P1", "P2"], "eligible": [True, True]})
        ),
        [],
        "flowet går ikke op: 3 identificeret − 0 dubletter ≠ 2 screenet; "
        "screen alle kandidater, der ikke er dubletter (se check_all_screened)",
        "the flow does not add up: 3 identified − 0 duplicates ≠ 2 screened; "
        "screen every candidate that is not a duplicate (see check_all_screened)",
    ),
    (
        lambda: sc.flow_value(pd.DataFrame({"step": ["identified"], "reason": [pd.NA], "n": [3]}), "selected"),
        [],
        "flowet har intet trin 'selected'",
        "the flow has no step 'selected'",
    ),
    (
        lambda: sc.stratum_labels(CANDIDATES, ["region", "target_group", "size"]),
        [],
        "ukendte strata-kolonner: region, size; vælg blandt candidates' kolonner: practice_id, target_group",
        "unknown strata columns: region, size; choose among the columns of candidates: practice_id, target_group",
    ),
    (
        lambda: sc.allocate(pd.Series({"a": 2, "b": 1}), 0, seed=1),
        [],
        "n_select skal være mindst 1 (fandt 0)",
        "n_select must be at least 1 (found 0)",
    ),
    (
        lambda: sc.allocate(pd.Series({"a": 2, "b": 1}), 4, seed=1),
        [],
        "n_select = 4 er flere end de 3 egnede praksisser",
        "n_select = 4 is more than the 3 eligible practices",
    ),
    (
        lambda: sc.select_stratified(CANDIDATES.iloc[:0], strata=[], n_select=1, seed=1),
        [],
        "der er ingen egnede praksisser at udvælge blandt",
        "there are no eligible practices to select from",
    ),
    (
        lambda: sc.select_from_list(ELIGIBLE, []),
        [],
        "selected.csv er tom; angiv mindst ét practice_id",
        "selected.csv is empty; give at least one practice_id",
    ),
    (
        lambda: sc.select_from_list(ELIGIBLE, ["P2", "P1", "P2", "P1", "P3"]),
        ["P1", "P2"],
        "selected.csv nævner samme praksis flere gange: P1, P2",
        "selected.csv names the same practice more than once: P1, P2",
    ),
    (
        lambda: sc.select_from_list(ELIGIBLE, ["P1", "P3", "P99"], screened_ids=["P1", "P3"]),
        ["P3", "P99"],
        NOT_ELIGIBLE[0] + EXCLUDED[0] + "; " + UNKNOWN[0],
        NOT_ELIGIBLE[1] + EXCLUDED[1] + "; " + UNKNOWN[1],
    ),
    (
        # one kind of id only: that part alone, no stray separator
        lambda: sc.select_from_list(ELIGIBLE, ["P99", "P1"]),
        ["P99"],
        "selected.csv nævner 1 praksis(ser), der ikke er egnede — " + UNKNOWN[0],
        "selected.csv names 1 practice(s) that are not eligible — " + UNKNOWN[1],
    ),
    (
        lambda: sc.check_parameters(**{**GOOD, "selection_rule": "quota"}),
        [],
        "ukendt selection_rule 'quota'; forventet: stratified eller list",
        "unknown selection_rule 'quota'; expected: stratified or list",
    ),
    (
        lambda: sc.check_parameters(**{**GOOD, "n_select": 0}),
        [],
        "n_select skal være et positivt heltal (fandt 0)",
        "n_select must be a positive whole number (found 0)",
    ),
    (
        lambda: sc.check_parameters(**{**GOOD, "seed": -1}),
        [],
        "seed skal være et ikke-negativt heltal (fandt -1)",
        "seed must be a non-negative whole number (found -1)",
    ),
    (
        lambda: sc.check_parameters(**{**GOOD, "strata": "target_group"}),
        [],
        "strata skal være en liste af kolonnenavne, fx ['target_group'] (fandt 'target_group')",
        "strata must be a list of column names, e.g. ['target_group'] (found 'target_group')",
    ),
]


@pytest.mark.parametrize(
    "call, practices, danish, english", CASES, ids=[plain_id(english[:40]) for *_, english in CASES]
)
def test_each_refusal_in_danish_and_in_english(
    call: Callable[[], object], practices: list[str], danish: str, english: str
) -> None:
    with pytest.raises(sc.ScreeningError) as caught:
        call()
    assert str(caught.value) == danish
    assert in_language(caught.value.args[0], "en") == english
    assert getattr(caught.value, "practice_ids", []) == practices


def test_contradictory_reconciled_decisions_are_named_in_both_languages() -> None:
    screening = pd.DataFrame(
        {
            "practice_id": ["P4", "P4"],
            "screener_id": ["A", "B"],
            "criterion": ["k2", "k2"],
            "decision": ["include", "exclude"],
            "reconciled_decision": ["exclude", "include"],
        }
    )
    with pytest.raises(InputError) as caught:
        sc.final_decisions(screening)
    [problem] = caught.value.problems
    assert problem.render("da") == (
        "screening, kolonne 'reconciled_decision': forskellige reconciled_decision for samme praksis og kriterium "
        "(fandt 'P4 / k2'); forventet: én konsensusbeslutning pr. praksis × kriterium"
    )
    assert problem.render("en") == (
        "screening, column 'reconciled_decision': different reconciled_decision for the same practice and criterion "
        "(found 'P4 / k2'); expected: one reconciled decision per practice × criterion"
    )


@pytest.mark.parametrize(
    "parameters, danish, english",
    [
        (
            {"selection_rule": "stratified", "strata": [], "n_select": 5, "seed": None},
            "n_select = 5 er flere end de 1 egnede praksisser",
            "n_select = 5 is more than the 1 eligible practices",
        ),
        (
            {"selection_rule": "list", "strata": [], "n_select": 5, "seed": None},
            "selection_rule er 'list', men selected.csv findes ikke",
            "selection_rule is 'list', but selected.csv does not exist",
        ),
    ],
    ids=["too many", "no list"],
)
def test_validate_names_a_selection_it_cannot_make_in_the_studys_language(
    parameters: dict[str, object], danish: str, english: str
) -> None:
    """``lovende validate`` reports the refusal the screening stage would stop with, in either language."""
    from lovende_research.run_checks import outside_sample_problems

    [problem] = outside_sample_problems({}, ELIGIBLE, parameters, study_seed=1)
    where = "study.yml, {column} 'parameters.screening': "
    assert problem.render("da") == (
        where.format(column="kolonne") + f"udvælgelsen til interview kan ikke foretages: {danish}; "
        "forventet: parametre, som screeningstrinnet kan udvælge med"
    )
    assert problem.render("en") == (
        where.format(column="column") + f"the selection for interview cannot be made: {english}; "
        "expected: parameters the screening stage can select with"
    )
