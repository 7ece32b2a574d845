"""Every refusal of the agreement statistics, word for word in Danish and in English.

Each message names the bad value and what is expected, and is matched whole (``^…$``), so a message that
loses the value it should name, or the list of what is allowed, fails here. The Danish is the message
itself (``str`` of the error); the English is what ``lovende --lang en`` prints
(:func:`~lovende_research.errors.in_language`), so a message left in one language fails too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from lovende_research import cli
from lovende_research.agreement import (
    AgreementError,
    coder_agreement,
    cohens_kappa,
    cronbach_alpha,
    fleiss_kappa,
    gwet_ac2,
    icc,
    icc_oneway,
    krippendorff_alpha,
    long_from_counts,
    long_from_table,
    percent_agreement,
    scott_pi,
    wide_ratings,
)
from lovende_research.errors import in_language
from tests.agreement_data import KRIPPENDORFF_C, KW, long_from_columns
from tests.plain_ids import plain_id

LONG = long_from_columns(KRIPPENDORFF_C)
THREE = LONG[LONG["rater"].isin(["A", "B", "C"])]
TEXT = pd.DataFrame({"unit": [1, 1, 2, 2], "rater": ["A", "B"] * 2, "value": ["lav", "høj", "høj", "høj"]})
TWICE = pd.DataFrame({"unit": [1, 1, 2], "rater": ["A", "A", "B"], "value": [1, 2, 1]})
BLANK = pd.DataFrame({"unit": [1, None], "rater": ["A", "B"], "value": [1, 2]})
ANSWERS = pd.DataFrame({"who": [1, 1, 2, 2], "item": ["a", "b", "a", "b"], "score": [1, 2, 2, 3]})
ANSWER_KW = {"subject": "who", "item": "item", "rating": "score"}
CODINGS = pd.DataFrame({"subject": [1, 1], "coder_id": ["A", "B"], "value": [1, 1]})

#: (the call, its message in Danish, the same in English)
CASES: list[tuple[Callable[[], object], str, str]] = [
    (
        lambda: cohens_kappa(THREE, **KW),
        "Cohens kappa er for to bedømmere; fandt 3: A, B, C",
        "Cohens kappa is for two raters; found 3: A, B, C",
    ),
    (
        lambda: scott_pi(THREE, **KW),
        "Scotts pi er for to bedømmere; fandt 3: A, B, C. Brug fleiss_kappa",
        "Scotts pi is for two raters; found 3: A, B, C. Use fleiss_kappa",
    ),
    (
        lambda: percent_agreement(LONG, method="alle", **KW),
        "ukendt metode 'alle'; forventet: pairwise, all",
        "unknown method 'alle'; expected: pairwise, all",
    ),
    (
        lambda: percent_agreement(LONG, method="all", weights="linear", **KW),
        "method='all' tæller ens bedømmelser og tager ingen vægte; brug weights='unweighted'",
        "method='all' counts equal ratings and takes no weights; use weights='unweighted'",
    ),
    (
        lambda: gwet_ac2(LONG, n_boot=-1, **KW),
        "n_boot skal være 0 eller mere (fandt -1)",
        "n_boot must be 0 or more (found -1)",
    ),
    (
        lambda: krippendorff_alpha(LONG, n_boot=-2, **KW),
        "n_boot skal være 0 eller mere (fandt -2)",
        "n_boot must be 0 or more (found -2)",
    ),
    (
        lambda: krippendorff_alpha(LONG, level="ordinary", **KW),
        "ukendt måleniveau 'ordinary'; forventet: nominal, ordinal, interval, ratio",
        "unknown level 'ordinary'; expected: nominal, ordinal, interval, ratio",
    ),
    (
        lambda: krippendorff_alpha(TEXT, level="interval", categories=["lav", "høj"], **KW),
        "måleniveauet interval kræver talværdier som kategorier (fandt ['lav', 'høj'])",
        "the interval level needs numbers as categories (found ['lav', 'høj'])",
    ),
    (
        lambda: krippendorff_alpha(LONG.assign(value=LONG["value"] - 2), level="ratio", **KW),
        "måleniveauet ratio kræver værdier på 0 eller mere (fandt [-1.0])",
        "the ratio level needs values of 0 or more (found [-1.0])",
    ),
    (
        lambda: krippendorff_alpha(TEXT, level="ordinal", **KW),
        "bedømmelserne i value er ikke tal; giv categories i skalaens rækkefølge for et ordinalt mål",
        "the ratings in value are not numbers; give categories in the scale's order for an ordinal measure",
    ),
    (
        lambda: fleiss_kappa(TEXT, categories=["lav", "høj", "lav"], **KW),
        "categories indeholder den samme kategori flere gange: ['lav', 'høj', 'lav']",
        "categories holds the same category more than once: ['lav', 'høj', 'lav']",
    ),
    (
        lambda: fleiss_kappa(TEXT, categories=["lav"], **KW),
        "bedømmelser uden for kategorierne ['lav']: ['høj']",
        "ratings outside the categories ['lav']: ['høj']",
    ),
    (
        lambda: fleiss_kappa(TEXT, subject="unit", rater="judge", rating="score"),
        "bedømmelserne mangler kolonnerne judge, score",
        "the ratings lack the columns judge, score",
    ),
    (
        lambda: fleiss_kappa(BLANK, **KW),
        "unit og rater skal være udfyldt i hver række",
        "unit and rater must be filled in on every row",
    ),
    (
        lambda: fleiss_kappa(TWICE, **KW),
        "samme unit × rater er bedømt mere end én gang: 1 / A",
        "the same unit × rater is rated more than once: 1 / A",
    ),
    (
        lambda: wide_ratings(TWICE, **KW),
        "samme unit × rater er bedømt mere end én gang: 1 / A",
        "the same unit × rater is rated more than once: 1 / A",
    ),
    (
        lambda: wide_ratings(TWICE, subject="unit", rater="coder", rating="value"),
        "bedømmelserne mangler kolonnerne coder",
        "the ratings lack the columns coder",
    ),
    (
        lambda: icc(LONG, forms=["ICC2", "ICC4"], **KW),
        "ukendte ICC-former ['ICC4']; forventet: ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k",
        "unknown ICC forms ['ICC4']; expected: ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k",
    ),
    (
        lambda: icc(TEXT, **KW),
        "value skal være tal; fandt ['høj', 'lav']",
        "value must be numbers; found ['høj', 'lav']",
    ),
    (
        lambda: icc(LONG, subject="unit", rater="judge", rating="score"),
        "bedømmelserne mangler kolonnerne judge, score",
        "the ratings lack the columns judge, score",
    ),
    (
        lambda: icc(pd.concat([LONG, LONG.head(1)]), **KW),
        "samme unit × rater er bedømt mere end én gang",
        "the same unit × rater is rated more than once",
    ),
    (
        lambda: icc_oneway(TEXT, subject="unit", rating="value"),
        "value skal være tal; fandt ['høj', 'lav']",
        "value must be numbers; found ['høj', 'lav']",
    ),
    (
        lambda: icc(LONG, confidence=0.0, **KW),
        "confidence skal ligge mellem 0 og 1 (fandt 0.0)",
        "confidence must lie between 0 and 1 (found 0.0)",
    ),
    (
        lambda: icc_oneway(LONG, subject="unit", rating="value", confidence=1.0),
        "confidence skal ligge mellem 0 og 1 (fandt 1.0)",
        "confidence must lie between 0 and 1 (found 1.0)",
    ),
    (
        lambda: fleiss_kappa(LONG, confidence=-0.5, **KW),
        "confidence skal ligge mellem 0 og 1 (fandt -0.5)",
        "confidence must lie between 0 and 1 (found -0.5)",
    ),
    (
        lambda: cohens_kappa(LONG, weights="kubisk", **KW),
        "ukendte vægte 'kubisk'; forventet: unweighted, linear, quadratic, ordinal",
        "unknown weights 'kubisk'; expected: unweighted, linear, quadratic, ordinal",
    ),
    (
        lambda: long_from_table(pd.DataFrame([[1, 2], [3, 4]], index=["a", "b"], columns=["a", "c"])),
        "tabellens rækker og kolonner skal være de samme kategorier (fandt ['a', 'b'] og ['a', 'c'])",
        "the table's rows and columns must be the same categories (found ['a', 'b'] and ['a', 'c'])",
    ),
    (
        lambda: long_from_table([[1, 2, 3], [4, 5, 6]]),
        "tabellen skal være kvadratisk (fandt form (2, 3))",
        "the table must be square (found shape (2, 3))",
    ),
    (
        lambda: long_from_table([[1, -2], [3, 4]]),
        "tabellen skal indeholde antal: hele tal, 0 eller flere",
        "the table must hold counts: whole numbers, 0 or more",
    ),
    (
        lambda: long_from_table([[1, 2], [3, 4]], categories=["a", "b", "c"]),
        "categories har 3 kategorier, tabellen 2",
        "categories has 3 categories, the table 2",
    ),
    (
        lambda: long_from_counts([1, 2, 3]),
        "antallene skal være en tabel med én række pr. subjekt (fandt form (3,))",
        "the counts must be a table with one row per subject (found shape (3,))",
    ),
    (
        lambda: long_from_counts([[1, 0.5], [2, 0]]),
        "antallene skal være hele tal, 0 eller flere",
        "the counts must be whole numbers, 0 or more",
    ),
    (
        lambda: long_from_counts([[1, 1], [2, 0]], categories=["a"]),
        "categories har 1 kategorier, tabellen 2",
        "categories has 1 categories, the table 2",
    ),
    (
        lambda: coder_agreement(CODINGS, by="element", n_boot=0),
        "grupperingskolonnen 'element' findes ikke i kodningerne",
        "the grouping column 'element' is not in the codings",
    ),
    (
        lambda: cronbach_alpha(ANSWERS, subject="who", item="question", rating="score"),
        "svarene mangler kolonnerne question",
        "the answers lack the columns question",
    ),
    (
        lambda: cronbach_alpha(pd.concat([ANSWERS, ANSWERS.head(1)]), **ANSWER_KW),
        "samme who × item forekommer mere end én gang",
        "the same who × item occurs more than once",
    ),
    (
        lambda: cronbach_alpha(ANSWERS.assign(score=["1", "to", "2", "3"]), **ANSWER_KW),
        "score skal være tal",
        "score must be numbers",
    ),
]


@pytest.mark.parametrize("call, danish, english", CASES, ids=[plain_id(danish[:40]) for _, danish, _ in CASES])
def test_each_refusal_names_the_value_and_what_is_expected(
    call: Callable[[], object], danish: str, english: str
) -> None:
    with pytest.raises(AgreementError, match=f"^{re.escape(danish)}$") as caught:
        call()
    assert in_language(caught.value.args[0], "en") == english


def test_the_command_prints_an_agreement_refusal_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A refusal raised inside a command reaches the user in ``--lang``'s language, with the error's label."""
    from lovende_research import teaching

    def refuse(out: Path, **_options: object) -> Path:
        gwet_ac2(LONG, n_boot=-1, **KW)
        return out

    monkeypatch.setattr(teaching, "make_handouts", refuse)
    for language, message in (
        ("en", "n_boot must be 0 or more (found -1)"),
        ("da", "n_boot skal være 0 eller mere (fandt -1)"),
    ):
        assert cli.main(["teach", "--groups", "1", "--out", str(tmp_path), "--lang", language]) == 1
        assert message in capsys.readouterr().err
