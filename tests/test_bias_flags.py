"""``bias/flags.py``: every practice × check, each reason written out in full in Danish and English.

Fast tests for mutation testing of ``flags.py``: the input tables are written by hand (no study is
scored), and every expected reason is typed out here, so a changed phrase, number format or rule shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lovende_research.bias import flags
from lovende_research.errors import LovendeError

STYLES = pd.DataFrame(
    {
        "practice_id": ["P1", "P2", "P3"],
        "informant_id": ["P1-L", "P2-M", "P3-S"],
        "informant_role": ["leder", "medarbejder", "samarbejdspartner"],
        "n_answered": [30, 28, 25],
        "modal_code": [4.0, 2.5, 3.0],
        "modal_share": [0.9, 0.8, 0.4],
        "top_share": [0.9, 0.1, 0.2],
        "reference_share": [0.25, 0.1, 0.3],
        "reference_top_share": [0.3, 0.2, 0.2],
        "straightliner": [True, True, False],
        "ceiling": [True, False, False],
        "screen_unsupported": [False, True, True],
        "evidence_score": [0.5, np.nan, 0.25],
    }
)
# top_n = 2. P1 falls from 1 to 3 without its own leader (flagged); P1 falls without P2's informant (not its
# own: not flagged); P3 at rank 2 (the edge) drops out of the ranking without its only informant (flagged,
# "–"); P2 falls from 2 to 3 without coder K1 (flagged); P1 goes from 1 to 2 without K2 (still in the top 2).
STABILITY = pd.DataFrame(
    {
        "scenario": ["informant", "informant", "informant", "coder", "coder"],
        "left_out": ["P1-L", "P2-M", "P3-S", "K1", "K2"],
        "left_out_practice": ["P1", "P2", "P3", "", ""],
        "practice_id": ["P1", "P1", "P3", "P2", "P1"],
        "overall_full": [0.9, 0.9, 0.7, 0.7, 0.9],
        "overall_reduced": [0.5, 0.6, np.nan, 0.5, 0.8],
        "rank_full": [1.0, 1.0, 2.0, 2.0, 1.0],
        "rank_reduced": [3.0, 3.0, np.nan, 3.0, 2.0],
        "shift": [2.0, 2.0, np.nan, 1.0, 1.0],
    }
)
DELIMITATION = pd.DataFrame(
    {
        "practice_id": ["P1", "P1", "P1", "P1", "P2"],
        "delimitation_id": ["D2", "D1", "D1", "D1", "D1"],
        "element_id": ["oekonomi", "teori", "maal", "refleksion", "teori"],
        "difference": [0.3, -0.2, 0.05, 0.25, 0.1],
        "moved": [True, True, False, True, False],
    }
)
FAIR = pd.DataFrame(
    {
        "practice_id": ["P1", "P2", "P3"],
        "rank_observed": [1.0, 6.0, 2.0],
        "rank_fair": [1.0, 2.0, np.nan],
        "depends_on_roles": [False, True, True],
        "adjusted": [True, True, True],
    }
)


def _flags(language: str, **kwargs: object) -> dict[tuple[str, str], tuple[bool, str]]:
    arguments = {"top_n": 2, "language": language, "fair_overall": FAIR, **kwargs}
    out = flags.practice_flags(["P3", "P1", "P2", "P4", "P1"], STYLES, STABILITY, DELIMITATION, **arguments)  # type: ignore[arg-type]
    assert list(out.columns) == ["practice_id", "check", "flag", "reason"]
    assert out["practice_id"].tolist() == [p for p in ("P1", "P2", "P3", "P4") for _ in flags.CHECKS]
    assert out["check"].tolist() == list(flags.CHECKS) * 4
    assert out["flag"].dtype == bool
    return {(r.practice_id, r.check): (bool(r.flag), r.reason) for r in out.itertuples()}


def test_every_reason_in_danish() -> None:
    out = _flags("da")
    assert out["P1", "straightlining"] == (
        True,
        "P1-L (leder) gav det samme svar (4) på 90 % af 30 besvarede spørgsmål (grænse 75 %), hvor praksissens "
        "andre informanter gav det svar på 25 %; svarene siger lidt om de enkelte elementer og er holdt ude af "
        "rolle-modellen og ICC",
    )
    assert out["P2", "straightlining"] == (
        True,
        "P2-M (medarbejder) gav det samme svar (2,5) på 80 % af 28 besvarede spørgsmål (grænse 75 %), hvor "
        "praksissens andre informanter gav det svar på 10 %; svarene siger lidt om de enkelte elementer og er "
        "holdt ude af rolle-modellen og ICC",
    )
    assert out["P1", "ceiling"] == (
        True,
        "P1-L (leder) svarede i øverste kategori på 90 % af 30 besvarede spørgsmål (grænse 80 %), praksissens "
        "andre informanter på 30 %; scoren kan være trukket op af svarstil frem for praksis",
    )
    assert out["P2", "screen_unsupported"] == (
        True,
        "P2-M (medarbejder) svarede ja til, at effekten er afprøvet i et videnskabeligt forsøg, men elementet "
        "Virkning scorer utilstrækkelig (grænse 0,50) og koderne har ingen note om undersøgelsen; bed om "
        "dokumentationen",
    )
    assert out["P3", "screen_unsupported"][1].startswith("P3-S (samarbejdspartner) svarede ja") and (
        "scorer 0,25 (grænse 0,50)" in out["P3", "screen_unsupported"][1]
    )
    assert out["P1", "informant_stability"] == (
        True,
        "nr. 1 i den fulde rangering, men nr. 3 uden P1-L: pladsen i top 2 hviler på én informant",
    )
    assert out["P3", "informant_stability"] == (
        True,
        "nr. 2 i den fulde rangering, men nr. – uden P3-S: pladsen i top 2 hviler på én informant",
    )
    assert out["P2", "coder_stability"] == (
        True,
        "nr. 2 i den fulde rangering, men nr. 3 med kun den anden koders koder (uden K1): pladsen i top 2 "
        "hviler på én koder",
    )
    assert out["P1", "delimitation"] == (
        True,
        "under afgrænsningen D1 flytter 2 element(er) mere end 0,15: teori -0,20, refleksion +0,25 · under "
        "afgrænsningen D2 flytter 1 element(er) mere end 0,15: oekonomi +0,30",
    )
    assert out["P2", "role_mix"] == (
        True,
        "nr. 6 i rangeringen, når straight-linerne er holdt ude, men nr. 2, når alle praksisser vurderes med "
        "samme rollesammensætning: pladsen i top 2 afhænger af, hvem der blev spurgt",
    )
    assert out["P3", "role_mix"][1].startswith("nr. 2 i rangeringen, når straight-linerne er holdt ude, men nr. –,")
    flagged = {key for key, (flag, _) in out.items() if flag}
    assert flagged == {
        ("P1", "straightlining"),
        ("P2", "straightlining"),
        ("P1", "ceiling"),
        ("P2", "screen_unsupported"),
        ("P3", "screen_unsupported"),
        ("P1", "informant_stability"),
        ("P3", "informant_stability"),
        ("P2", "coder_stability"),
        ("P1", "delimitation"),
        ("P2", "role_mix"),
        ("P3", "role_mix"),
    }
    # not flagged: "intet fund", or why the check does not apply (P3, P4: coded under one delimitation)
    assert out["P2", "delimitation"] == (False, "intet fund")
    assert out["P4", "role_mix"] == (False, "intet fund")
    assert out["P1", "coder_stability"] == (False, "intet fund")
    for practice in ("P3", "P4"):
        assert out[practice, "delimitation"] == (False, "ikke relevant: praksis er kun kodet under én afgrænsning")


def test_every_reason_in_english() -> None:
    out = _flags("en", straightline_share=0.7, ceiling_share=0.85, screen_evidence=0.4, delimitation_threshold=0.1)
    assert out["P1", "straightlining"][1] == (
        "P1-L (leader) gave the same answer (4) to 90% of 30 answered items (threshold 70%), where the practice's "
        "other informants gave it to 25%; the answers say little about single elements and were set aside from "
        "the role model and the ICC"
    )
    assert out["P2", "straightlining"][1].startswith("P2-M (staff member) gave the same answer (2.5) to 80% of 28")
    assert out["P1", "ceiling"][1] == (
        "P1-L (leader) answered in the top category to 90% of 30 answered items (threshold 85%), the practice's "
        "other informants to 30%; the score may be lifted by response style rather than practice"
    )
    assert out["P2", "screen_unsupported"][1] == (
        "P2-M (staff member) said yes, the effect was tested in a scientific trial, but the element Indicated "
        "effect scores insufficient (threshold 0.40) and the coders left no note on the study; ask for the "
        "documentation"
    )
    assert out["P1", "informant_stability"][1] == (
        "ranked 1 in the full ranking but 3 without P1-L: its place in the top 2 rests on a single informant"
    )
    assert out["P2", "coder_stability"][1] == (
        "ranked 2 in the full ranking but 3 on the other coder's codes alone (without K1): its place in the top 2 "
        "rests on a single coder"
    )
    assert out["P1", "delimitation"][1] == (
        "under delimitation D1, 2 element(s) move more than 0.10: teori -0.20, refleksion +0.25 · under "
        "delimitation D2, 1 element(s) move more than 0.10: oekonomi +0.30"
    )
    assert out["P2", "role_mix"][1] == (
        "ranked 6 once the straight-liners are set aside, but 2 when every practice is scored with the same mix "
        "of roles: its place in the top 2 depends on who was asked"
    )
    assert out["P4", "informant_stability"] == (False, "no finding")
    assert out["P4", "delimitation"] == (False, "not applicable: the practice was coded under one delimitation only")


def test_kept_straight_liners_are_said_so_and_leave_no_scope_on_the_role_mix() -> None:
    out = _flags("da", set_aside=False)
    assert out["P1", "straightlining"][1].endswith(
        "svarene siger lidt om de enkelte elementer (de er med i rolle-modellen og ICC)"
    )
    assert out["P2", "role_mix"][1].startswith("nr. 6 i rangeringen, men nr. 2, når")
    # set aside, but no straight-liner among the styles: no scope either
    quiet = STYLES.assign(straightliner=False)
    out = flags.practice_flags(["P2"], quiet, STABILITY, DELIMITATION, top_n=2, fair_overall=FAIR)
    assert out.set_index("check").loc["role_mix", "reason"].startswith("nr. 6 i rangeringen, men nr. 2, når")


@pytest.mark.parametrize(
    "fair_overall",
    [None, FAIR.assign(adjusted=[True, False, True]), FAIR.iloc[:0]],
    ids=["none", "unadjusted", "empty"],
)
def test_role_mix_does_not_apply_without_a_readable_role_model(fair_overall: pd.DataFrame | None) -> None:
    out = _flags("en", fair_overall=fair_overall)
    for practice in ("P1", "P2", "P3", "P4"):
        assert out[practice, "role_mix"] == (False, "not applicable: the role model could not be read")


def test_stability_at_the_top_n_edge() -> None:
    """Pins down "in the top n and not after": rank_full = top_n counts as in the top, rank_reduced = top_n
    as still in it (P1 without K2 at 2 of top 2 is not flagged; with top_n 1 it is)."""
    out = _flags("en", top_n=1)
    assert out["P1", "coder_stability"][0]
    assert not out["P3", "informant_stability"][0]  # rank 2 is outside the top 1


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(LovendeError, match="sprog"):
        flags.practice_flags(["P1"], STYLES, STABILITY, DELIMITATION, language="de")


def test_the_default_top_is_five_a_single_fair_row_counts_and_no_practice_gives_no_rows() -> None:
    """A practice falling from 5 to 6 without its informant leaves the default top of five; a role-adjusted
    table of one practice is a table (the check applies); no practices, no rows but the columns."""
    fell = STABILITY.iloc[[0]].assign(rank_full=5.0, rank_reduced=6.0)
    out = flags.practice_flags(["P1"], STYLES.iloc[:0], fell, DELIMITATION.iloc[:0], language="en")
    assert out.set_index("check").loc["informant_stability", "reason"] == (
        "ranked 5 in the full ranking but 6 without P1-L: its place in the top 5 rests on a single informant"
    )
    one = flags.practice_flags(["P2"], STYLES, STABILITY, DELIMITATION, top_n=2, fair_overall=FAIR.iloc[[1]])
    assert one.set_index("check").loc["role_mix", "flag"]
    empty = flags.practice_flags([], STYLES, STABILITY, DELIMITATION)
    assert empty.empty and list(empty.columns) == ["practice_id", "check", "flag", "reason"]
