"""Our agreement statistics against the GPL implementations researchers compare them with (issue 17).

pingouin (GPL-3) and the Python port of irrCAC (GPL-3) are installed for the tests only (``make test``;
irrCAC without its dependency pins, see the Makefile) and never imported by the package. They are
independent code, so agreement here is agreement of two implementations, beside the published
worked examples in the other ``test_agreement_*`` files. Both libraries warn about pandas 4
deprecations under pandas 3.1; those warnings (their code, not ours) are ignored in this file only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin
import pytest
from irrCAC.raw import CAC

from lovende_research.agreement import conger_kappa, cronbach_alpha, fleiss_kappa, icc
from tests.agreement_data import KRIPPENDORFF_C, KW, long_from_columns

pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

#: pingouin's names of the six forms, in the order of :data:`lovende_research.agreement.ICC_FORMS`.
PINGOUIN_FORMS = {
    "ICC1": "ICC(1,1)",
    "ICC2": "ICC(A,1)",
    "ICC3": "ICC(C,1)",
    "ICC1k": "ICC(1,k)",
    "ICC2k": "ICC(A,k)",
    "ICC3k": "ICC(C,k)",
}


def _scores(seed: int, subjects: int = 25, raters: int = 4) -> np.ndarray:
    """Subjects × raters: a subject effect, a rater shift and noise, rounded to a 1-7 scale."""
    rng = np.random.default_rng(seed)
    latent = (
        rng.normal(4, 1.2, subjects)[:, None]
        + rng.normal(0, 0.5, raters)[None, :]
        + rng.normal(0, 0.8, (subjects, raters))
    )
    return np.clip(np.round(latent), 1, 7)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_six_icc_forms_equal_pingouin(seed: int) -> None:
    y = _scores(seed)
    long = pd.DataFrame(
        [(i, j, y[i, j]) for i in range(y.shape[0]) for j in range(y.shape[1])], columns=["t", "r", "y"]
    )
    ours = icc(long, subject="t", rater="r", rating="y").set_index("form")
    theirs = pingouin.intraclass_corr(long, targets="t", raters="r", ratings="y").set_index("Type")
    for form, name in PINGOUIN_FORMS.items():
        assert ours.loc[form, "estimate"] == pytest.approx(theirs.loc[name, "ICC"], abs=1e-10)
        assert ours.loc[form, "f"] == pytest.approx(theirs.loc[name, "F"], abs=1e-10)
        assert (ours.loc[form, "df1"], ours.loc[form, "df2"]) == (theirs.loc[name, "df1"], theirs.loc[name, "df2"])
        assert ours.loc[form, "p_value"] == pytest.approx(theirs.loc[name, "pval"], abs=1e-10)
        # pingouin rounds its 95 % limits to 2 decimals
        assert [ours.loc[form, "ci_low"], ours.loc[form, "ci_high"]] == pytest.approx(
            list(theirs.loc[name, "CI95"]), abs=5e-3 + 1e-12
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cronbach_alpha_and_feldt_interval_equal_pingouin(seed: int) -> None:
    y = _scores(seed, subjects=30, raters=5)
    long = pd.DataFrame(
        [(i, j, y[i, j]) for i in range(y.shape[0]) for j in range(y.shape[1])], columns=["s", "item", "y"]
    )
    ours = cronbach_alpha(long, subject="s", item="item", rating="y").iloc[0]
    alpha, (low, high) = pingouin.cronbach_alpha(pd.DataFrame(y))
    assert ours["estimate"] == pytest.approx(alpha, abs=1e-10)
    # pingouin rounds its limits to 3 decimals
    assert (ours["ci_low"], ours["ci_high"]) == pytest.approx((low, high), abs=5e-4 + 1e-12)


def _irrcac(columns: dict[str, list[int | None]]) -> CAC:
    return CAC(
        pd.DataFrame({rater: pd.array(values, dtype="Float64").astype(float) for rater, values in columns.items()})
    )


@pytest.mark.parametrize("name", ["gwet_raw4raters", "simulated"])
def test_conger_and_fleiss_kappa_equal_irrcac(name: str) -> None:
    # Gwet's 4 raters with missing ratings, and a complete simulated design of 25 subjects × 4 raters.
    # irrCAC rounds coefficient, se, p_a and p_e to 5 decimals. (Only these two: the Python port counts a
    # missing rating as a category of its own, which moves AC1's and Brennan-Prediger's p_e but not
    # Conger's or Fleiss', whose chance terms weigh a category by its share.)
    if name == "gwet_raw4raters":
        columns = KRIPPENDORFF_C
    else:
        y = _scores(4)
        columns = {f"r{j}": [int(v) for v in y[:, j]] for j in range(y.shape[1])}
    long = long_from_columns(columns)
    for ours_fn, theirs_fn in ((conger_kappa, "conger"), (fleiss_kappa, "fleiss")):
        ours = ours_fn(long, **KW).iloc[0]
        theirs = getattr(_irrcac(columns), theirs_fn)()["est"]
        assert ours["estimate"] == pytest.approx(float(theirs["coefficient_value"]), abs=5e-6)
        assert ours["se"] == pytest.approx(float(theirs["se"]), abs=5e-6)
        assert (ours["p_o"], ours["p_e"]) == pytest.approx((float(theirs["pa"]), float(theirs["pe"])), abs=5e-6)
