"""A published worked example of generalizability theory, written once for the planner's tests.

Brennan, R. L. (2001), *Generalizability Theory*, Springer: synthetic data set no. 2, an i:p design of
10 persons with 8 items nested within each (one row per person; the book prints items as columns).
"""

from __future__ import annotations

import pandas as pd

BRENNAN_2 = [
    [2, 6, 7, 5, 2, 5, 5, 5],
    [4, 5, 6, 7, 6, 7, 5, 7],
    [5, 5, 4, 6, 5, 4, 5, 5],
    [5, 9, 8, 6, 5, 7, 7, 6],
    [4, 3, 5, 6, 4, 5, 6, 4],
    [4, 4, 4, 7, 6, 4, 7, 8],
    [2, 6, 6, 5, 2, 7, 7, 5],
    [3, 4, 4, 5, 6, 6, 6, 4],
    [0, 5, 4, 5, 5, 5, 5, 3],
    [6, 8, 7, 6, 6, 8, 8, 6],
]


def brennan_scores() -> pd.DataFrame:
    """Brennan's data as the planner's coder scores: persons are practices and the items nested in them
    informants (both designs are i:p), one interview each, one coder, one element."""
    scores = pd.DataFrame(
        [(f"p{p}", f"p{p}i{i}", v) for p, row in enumerate(BRENNAN_2) for i, v in enumerate(row)],
        columns=["practice_id", "informant_id", "score"],
    )
    return scores.assign(interview_id=scores["informant_id"], informant_role="leder", element_id="e", coder_id="A")
