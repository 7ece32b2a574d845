"""``bias/checks.py``: ``run_bias_checks`` passes every parameter to the check it belongs to.

Fast tests for mutation testing of ``checks.py``: a small hand-made study (eight practices, a leader and a
staff member each, two coders, one straight-liner, one practice coded under a second delimitation) and
every table compared with the check called directly with the documented arguments (the docstring of
``run_bias_checks``), each parameter set away from its default so a dropped or swapped one shows.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lovende_research import bias
from lovende_research.bias import checks
from lovende_research.errors import LovendeError, in_language
from lovende_research.instrument import load_instrument
from lovende_research.scoring import element_scores, reconcile_coders

INSTRUMENT = load_instrument()


def _study() -> SimpleNamespace:
    """What ``run_bias_checks`` reads of a study (config.language, instrument, codings, interviews,
    delimitations); codes drawn with a fixed seed, leaders about one code higher, then four cases set by
    hand so that each threshold below changes a table when it is not passed on (ARGS beside the default):

    - P5's leader answers *ved ikke* on ``overfoerbarhed_2`` (both coders): that element is covered 1/2,
      sufficient at the default coverage threshold 0.5, not at ARGS' 0.6;
    - P6's leader codes 24 of the 30 items 2 and the rest 3 (a modal share of 48/60 = 0.8 over both coders'
      codes), the staff member 17 of 30 items 2 (34/60 ≈ 0.567): 0.8 − 0.567 ≈ 0.233 above the reference,
      a straight-liner at ARGS' style margin 0.2, not at the default 0.3;
    - P1's leader answers the screen item *ja* and codes Virkning 2 and 2 (score (1/3 + 1/3)/2 = 1/3 on 0–1):
      supported at ARGS' screen evidence 0.3, not at the default 0.5;
    - P2's leader answers *ja* and codes Virkning 1 and 1 (score 0): unsupported at either, so the flag's
      reason names the threshold.
    """
    rng = np.random.default_rng(3)
    interviews, rows = [], []
    for p in range(8):
        level = int(rng.integers(1, 3))
        for role, tag in (("leder", "L"), ("medarbejder", "M")):
            interview = f"I{p}{tag}"
            interviews.append((interview, f"P{p}", f"P{p}-{tag}", role))
            for d in ("main", "D1") if p == 0 else ("main",):
                for item in INSTRUMENT.items:
                    code = 4 if interview == "I3M" else level + (role == "leder") + int(rng.integers(0, 2))
                    for coder in ("K1", "K2"):
                        value = code if coder == "K1" or rng.random() < 0.7 else int(rng.integers(1, 5))
                        rows.append((interview, coder, item.id, d, min(value, 4), pd.NA, False))
    screen = INSTRUMENT.screen_item.id
    rows += [
        (interview, coder, screen, "main", pd.NA, pd.NA, False)
        for interview in ("I1L", "I2L")
        for coder in ("K1", "K2")
    ]
    codings = pd.DataFrame(
        rows,
        columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value", "missing_code", "is_consensus"],
    )
    codings["value"] = codings["value"].astype("Int64")
    codings["missing_code"] = codings["missing_code"].astype("string")
    codings["screen_answer"] = pd.Series(pd.NA, index=codings.index, dtype="string")
    codings.loc[codings["item_id"] == screen, "screen_answer"] = "ja"
    main = codings["delimitation_id"] == "main"
    unanswered = main & (codings["interview_id"] == "I5L") & (codings["item_id"] == "overfoerbarhed_2")
    codings.loc[unanswered, "value"] = pd.NA
    codings.loc[unanswered, "missing_code"] = "ved_ikke"
    position = {item.id: k for k, item in enumerate(INSTRUMENT.items)}
    k = codings["item_id"].map(position)
    for interview, n_twos in (("I6L", 24), ("I6M", 17)):
        mine = main & (codings["interview_id"] == interview)
        codings.loc[mine, "value"] = np.where(k[mine] < n_twos, 2, 3)
    virkning = main & codings["item_id"].str.startswith("virkning_")
    codings.loc[virkning & (codings["interview_id"] == "I1L"), "value"] = 2
    codings.loc[virkning & (codings["interview_id"] == "I2L"), "value"] = 1
    return SimpleNamespace(
        config=SimpleNamespace(language="en"),
        instrument=INSTRUMENT,
        codings=codings,
        interviews=pd.DataFrame(interviews, columns=["interview_id", "practice_id", "informant_id", "informant_role"]),
        delimitations=pd.DataFrame({"delimitation_id": ["main", "D1"], "label": ["Hoved", "Smal"]}),
    )


ARGS = {
    "rule": "lower",
    "aggregation": "median",
    "coverage_threshold": 0.6,
    "alpha_level": 0.1,
    "straightline_share": 0.7,
    "ceiling_share": 0.85,
    "min_items": 12,
    "screen_evidence": 0.3,
    "top_n": 2,
    "delimitation_threshold": 0.1,
    "language": "da",
    "style_margin": 0.2,
    "fair_mix": "equal",
}


def test_every_table_is_its_check_called_with_the_given_parameters() -> None:
    study = _study()
    out = checks.run_bias_checks(study, **ARGS)  # type: ignore[arg-type]
    a = ARGS
    items = reconcile_coders(study.codings, INSTRUMENT, a["rule"], "main")
    scores = element_scores(items, INSTRUMENT, study.interviews, a["coverage_threshold"])
    pd.testing.assert_frame_equal(out.element_scores, scores)
    styles = bias.response_styles(
        items,
        scores,
        study.codings,
        study.interviews,
        INSTRUMENT,
        straightline_share=0.7,
        ceiling_share=0.85,
        min_items=12,
        screen_evidence=0.3,
        style_margin=0.2,
    )
    pd.testing.assert_frame_equal(out.response_styles, styles)
    # the cases set by hand (the fixture's docstring): the parameters reached the tables they change
    element = scores.set_index(["interview_id", "element_id"]).loc[("I5L", "overfoerbarhed")]
    assert element["coverage"] == 0.5 and not element["sufficient"]  # 1 of 2 items, below 0.6
    by_interview = styles.set_index("interview_id")
    assert by_interview.loc["I1L", "evidence_score"] == pytest.approx(1 / 3, abs=1e-12)
    assert by_interview.loc[["I1L", "I2L"], "screen_unsupported"].tolist() == [False, True]  # 1/3 ≥ 0.3 > 0
    excluded = sorted(styles.loc[styles["straightliner"], "informant_id"].unique())
    assert excluded == ["P3-M", "P6-L"], "the fixture's straight-liners: P3-M, and P6-L at a margin of 0.2"
    table = bias.rank_stability(study.codings, study.interviews, INSTRUMENT, "lower", "median", 0.6, rows="all")
    pd.testing.assert_frame_equal(out.stability, table)
    pd.testing.assert_frame_equal(
        out.stability_summary.reset_index(drop=True),
        pd.concat(
            [
                bias.stability_summary(table[table["scenario"] == "coder"], top_n=2),
                bias.stability_summary(table[table["scenario"] == "informant"], top_n=2),
            ],
            ignore_index=True,
        ),
        check_dtype=False,
    )
    delimitation = bias.delimitation_sensitivity(
        study.codings, study.interviews, INSTRUMENT, study.delimitations, "lower", "median", 0.6, 0.1
    )
    pd.testing.assert_frame_equal(out.delimitation, delimitation)
    assert out.delimitation["label"].eq("Smal").all()
    fit = bias.fit_role_model(scores, excluded)
    assert fit.converged
    pd.testing.assert_frame_equal(out.role_effects, bias.role_effects(scores, excluded, alpha_level=0.1, fit=fit))
    pd.testing.assert_frame_equal(out.role_profiles, bias.role_profiles(scores, excluded))
    pd.testing.assert_frame_equal(out.icc, bias.informant_icc(scores, excluded, confidence=0.9))
    cells, overall = bias.fair_profiles(scores, fit, "equal", 0.9, 0.6, 2, excluded)
    pd.testing.assert_frame_equal(out.fair_profiles, cells)
    pd.testing.assert_frame_equal(out.fair_overall, overall)
    expected_flags = bias.practice_flags(
        scores["practice_id"].dropna().unique(),
        styles,
        table,
        delimitation,
        top_n=2,
        straightline_share=0.7,
        ceiling_share=0.85,
        screen_evidence=0.3,
        delimitation_threshold=0.1,
        language="da",
        fair_overall=overall,
        set_aside=True,
    )
    pd.testing.assert_frame_equal(out.flags, expected_flags)
    assert out.flags["reason"].str.contains("intet fund").any()  # the language reached the reasons
    screen_reason = out.flags.set_index(["practice_id", "check"]).loc[("P2", "screen_unsupported"), "reason"]
    assert "scorer 0,00 (grænse 0,30)" in screen_reason  # P2's leader: Virkning 0 against ARGS' 0.3


def test_keeping_straight_liners_and_the_study_language() -> None:
    """``set_aside_styles=False`` keeps the straight-liner in the role model and the ICC and says so; without
    ``language`` the study's own is used; a ``set_aside_styles`` that is not a bool is refused."""
    study = _study()
    out = checks.run_bias_checks(study, set_aside_styles=False)  # type: ignore[arg-type]
    scores = out.element_scores
    pd.testing.assert_frame_equal(out.icc, bias.informant_icc(scores, [], confidence=0.95))
    assert out.role_effects["n_excluded"].eq(0).all()
    assert not out.role_profiles["excluded"].any()
    reason = out.flags.set_index(["practice_id", "check"]).loc[("P3", "straightlining"), "reason"]
    assert reason.endswith("(they are kept in the role model and the ICC)")  # English: the study's language
    with pytest.raises(LovendeError) as refused:
        checks.run_bias_checks(study, set_aside_styles="no")  # type: ignore[arg-type]
    assert str(refused.value) == "set_aside_styles: 'no' kan ikke bruges; forventet: True eller False"
    assert in_language(refused.value.args[0], "en") == "set_aside_styles: 'no' cannot be used; expected: True or False"
    with pytest.raises(LovendeError, match="sprog"):
        checks.run_bias_checks(study, language="de")  # type: ignore[arg-type]


def test_stability_rows_auto_switches_to_own_above_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pins down ``auto``: every row while informants × practices (16 × 8 = 128 here) is at most the limit,
    the informant's own practice's row beyond it; the summary the same either way, and by default that of
    the top 5 (the documented default ``top_n``)."""
    study = _study()
    monkeypatch.setattr(checks, "STABILITY_ALL_MAX_ROWS", 128)
    at = checks.run_bias_checks(study)  # type: ignore[arg-type]
    monkeypatch.setattr(checks, "STABILITY_ALL_MAX_ROWS", 127)
    above = checks.run_bias_checks(study)  # type: ignore[arg-type]
    informant_rows = at.stability[at.stability["scenario"] == "informant"]
    assert len(informant_rows) == 16 * 8
    own = above.stability[above.stability["scenario"] == "informant"]
    assert len(own) == 16 and (own["practice_id"] == own["left_out_practice"]).all()
    pd.testing.assert_frame_equal(at.stability_summary, above.stability_summary)
    summaries = {
        top_n: pd.concat(
            [
                bias.stability_summary(at.stability[at.stability["scenario"] == s], top_n=top_n)
                for s in ("coder", "informant")
            ],
            ignore_index=True,
        )
        for top_n in (5, 6)
    }
    pd.testing.assert_frame_equal(at.stability_summary, summaries[5], check_dtype=False)
    # the fixture tells the two apart: some scenario changes the top 5, none the top 6
    assert summaries[5]["top_changed"].any() and not summaries[6]["top_changed"].any()
    explicit = checks.run_bias_checks(study, stability_rows="own")  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(explicit.stability, above.stability)


def test_tables_are_written_one_parquet_file_each(tmp_path: Path) -> None:
    out = checks.run_bias_checks(_study())  # type: ignore[arg-type]
    paths = out.write(tmp_path / "bias")
    names = [
        "element_scores",
        "icc",
        "role_effects",
        "role_profiles",
        "fair_profiles",
        "fair_overall",
        "response_styles",
        "stability",
        "stability_summary",
        "delimitation",
        "flags",
    ]
    assert paths == [tmp_path / "bias" / f"{name}.parquet" for name in names]
    pd.testing.assert_frame_equal(pd.read_parquet(paths[2]), out.role_effects, check_dtype=False)
