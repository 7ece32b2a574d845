"""Every refusal of the agreement statistics, word for word: the message names the bad value and what is expected.

The messages are Danish (the package's user language for the agreement tables); each one is matched whole
(``^…$``), so a message that loses the value it should name, or the list of what is allowed, fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import pytest

from lovende_research.agreement import (
    AgreementError,
    cohens_kappa,
    fleiss_kappa,
    gwet_ac2,
    icc,
    icc_oneway,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from tests.agreement_data import KRIPPENDORFF_C, KW, long_from_columns

LONG = long_from_columns(KRIPPENDORFF_C)
THREE = LONG[LONG["rater"].isin(["A", "B", "C"])]
TEXT = pd.DataFrame({"unit": [1, 1, 2, 2], "rater": ["A", "B"] * 2, "value": ["lav", "høj", "høj", "høj"]})

CASES: list[tuple[Callable[[], object], str]] = [
    (lambda: cohens_kappa(THREE, **KW), "Cohens kappa er for to bedømmere; fandt 3: A, B, C"),
    (lambda: scott_pi(THREE, **KW), "Scotts pi er for to bedømmere; fandt 3: A, B, C. Brug fleiss_kappa"),
    (
        lambda: percent_agreement(LONG, method="alle", **KW),
        "ukendt metode 'alle'; forventet: pairwise, all",
    ),
    (
        lambda: percent_agreement(LONG, method="all", weights="linear", **KW),
        "method='all' tæller ens bedømmelser og tager ingen vægte; brug weights='unweighted'",
    ),
    (lambda: gwet_ac2(LONG, n_boot=-1, **KW), "n_boot skal være 0 eller mere (fandt -1)"),
    (lambda: krippendorff_alpha(LONG, n_boot=-2, **KW), "n_boot skal være 0 eller mere (fandt -2)"),
    (
        lambda: krippendorff_alpha(LONG, level="ordinary", **KW),
        "ukendt måleniveau 'ordinary'; forventet: nominal, ordinal, interval, ratio",
    ),
    (
        lambda: krippendorff_alpha(TEXT, level="interval", categories=["lav", "høj"], **KW),
        "måleniveauet interval kræver talværdier som kategorier (fandt ['lav', 'høj'])",
    ),
    (
        lambda: krippendorff_alpha(TEXT, level="ordinal", **KW),
        "bedømmelserne i value er ikke tal; giv categories i skalaens rækkefølge for et ordinalt mål",
    ),
    (
        lambda: fleiss_kappa(TEXT, categories=["lav", "høj", "lav"], **KW),
        "categories indeholder den samme kategori flere gange: ['lav', 'høj', 'lav']",
    ),
    (
        lambda: fleiss_kappa(TEXT, categories=["lav"], **KW),
        "bedømmelser uden for kategorierne ['lav']: ['høj']",
    ),
    (
        lambda: icc(LONG, forms=["ICC2", "ICC4"], **KW),
        "ukendte ICC-former ['ICC4']; forventet: ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k",
    ),
    (lambda: icc(TEXT, **KW), "value skal være tal; fandt ['høj', 'lav']"),
    (lambda: icc(LONG, subject="unit", rater="judge", rating="score"), "bedømmelserne mangler kolonnerne judge, score"),
    (lambda: icc(pd.concat([LONG, LONG.head(1)]), **KW), "samme unit × rater er bedømt mere end én gang"),
    (lambda: icc_oneway(TEXT, subject="unit", rating="value"), "value skal være tal; fandt ['høj', 'lav']"),
    (lambda: icc(LONG, confidence=0.0, **KW), "confidence skal ligge mellem 0 og 1 (fandt 0.0)"),
    (
        lambda: icc_oneway(LONG, subject="unit", rating="value", confidence=1.0),
        "confidence skal ligge mellem 0 og 1 (fandt 1.0)",
    ),
    (lambda: fleiss_kappa(LONG, confidence=-0.5, **KW), "confidence skal ligge mellem 0 og 1 (fandt -0.5)"),
]


@pytest.mark.parametrize("call, message", CASES, ids=[message[:40] for _, message in CASES])
def test_each_refusal_names_the_value_and_what_is_expected(call: Callable[[], object], message: str) -> None:
    with pytest.raises(AgreementError, match=f"^{re.escape(message)}$"):
        call()
