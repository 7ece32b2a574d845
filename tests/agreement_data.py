"""Published rating data sets shared by the agreement tests, each with its source.

Data only: the reference *values* are asserted in the test files, each with its source above it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers × 12 units,
#: values 1-5, some missing. The same matrix is Gwet's (2014, p. 120) ``cac.raw4raters`` (irrCAC README).
KRIPPENDORFF_C: dict[str, list[int | None]] = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}

#: irrCAC's ``cont3x3abstractors`` (Gwet 2014): 100 pregnancies, two abstractors, Ectopic/AIU/NIU.
ABSTRACTORS: list[list[int]] = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]

#: irrCAC's ``distrib.6raters`` (Gwet 2014, from Fleiss 1971): 15 patients, 6 psychiatrists, counts over
#: Depression, Personality Disorder, Schizophrenia, Neurosis, Other.
DISTRIB_6RATERS: list[list[int]] = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
]  # fmt: skip

#: Fleiss (1971) diagnoses, 30 patients × 6 raters, as R irr's ``diagnoses`` (categories 1-5), transcribed
#: in statsmodels' test_inter_rater.py.
DIAGNOSES: list[list[int]] = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip

#: Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, counts over 5 categories.
WIKIPEDIA_FLEISS: list[list[int]] = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip

#: R irr's ``anxiety``: 20 subjects rated by 3 raters on 1-6 (transcribed in statsmodels' test_inter_rater.py).
ANXIETY: list[list[int]] = [
    [3, 3, 2], [3, 6, 1], [3, 4, 4], [4, 6, 4], [5, 2, 3], [5, 4, 2], [2, 2, 1], [3, 4, 6], [5, 3, 1], [2, 3, 1],
    [2, 2, 1], [6, 3, 2], [1, 3, 3], [5, 3, 3], [2, 2, 1], [2, 2, 1], [1, 1, 3], [2, 3, 3], [4, 3, 2], [3, 4, 2],
]  # fmt: skip

#: Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges (also psych's ``sf`` data).
SHROUT_FLEISS: list[list[int]] = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]

#: real-statistics.com ICC example (pingouin's ``icc`` data set): 8 wines × judges A-D.
WINE: dict[str, list[int]] = {
    "A": [1, 1, 3, 6, 6, 7, 8, 9], "B": [2, 3, 8, 4, 5, 5, 7, 9], "C": [0, 3, 1, 3, 5, 6, 7, 9], "D": [1, 2, 4, 3, 6, 2, 9, 8],
}  # fmt: skip

#: real-statistics.com Cronbach's alpha example (pingouin's ``cronbach_alpha`` data set): 15 respondents × Q1-Q10.
QUESTIONNAIRE: dict[str, list[int]] = {
    "Q1": [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4], "Q2": [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
    "Q3": [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5], "Q4": [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
    "Q5": [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3], "Q6": [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
    "Q7": [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3], "Q8": [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
    "Q9": [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3], "Q10": [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
}  # fmt: skip

#: real-statistics.com binary questionnaire with missing answers (pingouin's ``cronbach_wide_missing``): 12 × Q1-Q11.
BINARY_MISSING: list[list[int | None]] = [
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0], [None, 0, 1, 1, None, 1, 1, 1, 1, 0, 0],
    [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0], [0, 1, None, 0, 1, 1, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0],
    [1, 0, 0, 1, 0, 1, 0, 0, None, 0, 0], [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
]  # fmt: skip

KW = {"subject": "unit", "rater": "rater", "rating": "value"}
LONG = {"subject": "subject", "rater": "rater", "rating": "rating"}


def long_from_columns(columns: dict[str, list[object]]) -> pd.DataFrame:
    """One column per rater (one row per unit) -> long ratings (``unit``, ``rater``, ``value``), Int64 when numeric."""
    long = pd.DataFrame(columns).rename_axis("unit").reset_index().melt("unit", var_name="rater")
    if all(v is None or isinstance(v, (int, float)) for v in long["value"]):
        long["value"] = long["value"].astype("Int64")
    return long


def long_from_rows(rows: list[list[int]]) -> pd.DataFrame:
    """One row per unit, one column per rater (``r0``, ``r1``, …) -> long ratings."""
    array = np.asarray(rows)
    return long_from_columns({f"r{j}": array[:, j].tolist() for j in range(array.shape[1])})
