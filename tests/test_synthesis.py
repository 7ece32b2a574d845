"""The synthesis says what the stage tables say: numbers are read from them, never typed in."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lovende_research import synthesis
from lovende_research.instrument import load_instrument


def test_flow_sentence_counts_every_step() -> None:
    flow = pd.DataFrame(
        {
            "step": [
                "identified",
                "possible_duplicates",
                "duplicates_removed",
                "screened",
                "excluded",
                "excluded",
                "eligible",
                "selected",
            ],
            "reason": [None, None, None, None, None, "ikke i drift", None, None],
            "n": [40, 0, 2, 38, 11, 11, 27, 9],
        }
    )
    text = synthesis.flow_sentence(flow, "da")
    assert text == (
        "Kortlægningen identificerede 40 kandidatpraksisser. 2 blev fjernet som dubletter. Efter dobbelt screening "
        "var 27 egnede og 11 udelukket; 9 blev udvalgt til interview."
    )


def test_pattern_names_strongest_and_weakest_in_order() -> None:
    pattern = pd.DataFrame(
        {
            "element_id": ["refleksion", "teori", "maal", "oekonomi", "virkning"],
            "rank": [1, 2, 3, 4, 5],
            "position": ["strongest", "strongest", "middle", "weakest", "weakest"],
        }
    )
    text = synthesis.pattern_sentence(pattern, load_instrument(), "en")
    # weakest last-first: the very weakest element is named first
    assert (
        text
        == "Across the practices, Professional reflection and Theory and knowledge are strongest, while Indicated effect and Economy are weakest."
    )


def test_ranking_counts_pairs_that_intervals_tell_apart() -> None:
    # A [1,1], B [2,3], C [2,3], D [4,4]: pairs AB AC AD BD CD are apart, BC overlaps -> 5 of 6
    ranks = pd.DataFrame(
        {"practice_id": list("ABCD"), "rank": [1, 2, 3, 4], "rank_low": [1, 2, 2, 4], "rank_high": [1, 3, 3, 4]}
    )
    overall = pd.DataFrame(
        {
            "practice_id": list("ABCD"),
            "overall": [0.812, 0.6, 0.59, 0.2],
            "ci_low": [0.7, 0.5, 0.5, 0.1],
            "ci_high": [0.9, 0.7, 0.7, 0.3],
        }
    )
    assert synthesis.distinguishable_pairs(ranks) == (5, 6)
    text = synthesis.ranking_sentence(ranks, overall, "da")
    assert text.startswith("A har det højeste samlede indeks (0,81, interval 0,70–0,90).")
    assert "5 af 6 par" in text


def test_flags_are_listed_per_practice_with_reader_names() -> None:
    flags = pd.DataFrame(
        {
            "practice_id": ["P1", "P1", "P2", "P3"],
            "check": ["ceiling", "delimitation", "ceiling", "straightlining"],
            "flag": [True, False, False, True],
            "reason": ["P1-L svarede i øverste kategori", "intet fund", "intet fund", "P3-M gav samme svar"],
        }
    )
    sentence, listing = synthesis.flagged_practices(flags, "da")
    assert sentence.startswith("2 af 3 praksisser har mindst ét opmærksomhedspunkt")
    assert listing.splitlines() == [
        "- **P1**: *svar i øverste kategori*: P1-L svarede i øverste kategori",
        "- **P3**: *ens svar (straight-lining)*: P3-M gav samme svar",
    ]


def test_sikker_candidates_are_named_apart_from_the_score() -> None:
    flags = pd.DataFrame(
        {
            "practice_id": ["P3", "P1", "P2"],
            "n_ja": [0, 2, 0],
            "n_disagree": [0, 0, 1],
            "possible_sikker": [False, True, True],
        }
    )
    text = synthesis.sikker_sentence(flags, "da")
    # By hand: P1 had ja in 2 interviews, P2 disagreeing coders in 1, P3 neither and is not named.
    assert "peger på 2 af 3 praksisser: P1 (ja i 2 interview) og P2 (uenige kodere i 1)." in text
    assert "P3" not in text and "indgår ikke i den lovende score" in text
    none = synthesis.sikker_sentence(flags.assign(possible_sikker=False), "en")
    assert none.startswith("The sikker-praksis screen question points to none of the 3 practices")


def test_english_interview_sentence_translates_roles(example_study: Path) -> None:
    from lovende_research.study import Study

    study = Study.load(example_study)
    counts = study.interviews["informant_role"].value_counts()
    text = synthesis.interview_sentence(study, "en")
    # The example's roles are leder, medarbejder and samarbejdspartner (docs/study-format.md).
    # Counted by hand from the table above; English plurals, and Danish ones on a Danish page.
    assert (
        f"{counts['leder']} leaders, {counts['medarbejder']} staff members and {counts['samarbejdspartner']} partners"
        in text
    )
    assert "leder" not in text and "medarbejder" not in text
    danish = synthesis.interview_sentence(study, "da")
    assert (
        f"{counts['leder']} ledere, {counts['medarbejder']} medarbejdere og {counts['samarbejdspartner']} samarbejdspartnere"
        in danish
    )


def test_missing_stage_is_named(tmp_path: Path) -> None:
    (tmp_path / "screening").mkdir()
    pd.DataFrame({"step": ["identified"], "reason": [None], "n": [1]}).to_parquet(
        tmp_path / "screening" / "flow.parquet"
    )
    with pytest.raises(synthesis.SynthesisError, match="trinnet 'scoring' er ikke kørt"):
        synthesis.load_results(tmp_path, "da")


def test_report_page_carries_the_tables_numbers(example_run) -> None:
    reports = example_run.index.parent
    processed = reports.parent.parent / "processed" / "example"
    page = (reports / "04_report.html").read_text(encoding="utf-8")
    flow = pd.read_parquet(processed / "screening" / "flow.parquet")
    identified = int(flow[(flow["step"] == "identified") & flow["reason"].isna()]["n"].iloc[0])
    assert f"identificerede {identified} kandidatpraksisser" in page
    ranks = pd.read_parquet(processed / "scores" / "ranks.parquet")
    top = ranks.sort_values("rank").iloc[0]["practice_id"]
    assert f"{top} har det højeste samlede indeks" in page
    assert page.count("Kilde: ") == len(synthesis.FIGURE_SOURCES)  # every figure names its source
    assert "Syntetiske data" in page and "Enighed mellem informanter" in page
    flags = pd.read_parquet(processed / "scores" / "screen_flags.parquet")
    candidates = sorted(
        flags.loc[flags["possible_sikker"].astype(bool) & (flags["delimitation_id"] == "main"), "practice_id"]
    )
    section = page[page.index("Mulig sikker praksis") :]
    assert candidates and all(p in section[:3000] for p in candidates)


def _embedded_svgs(page: str) -> set[bytes]:
    import base64
    import re

    return {base64.b64decode(data) for data in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)}


def test_pages_show_exactly_the_saved_figures(example_run) -> None:
    """Each figure a page shows is the saved SVG file's own markup, so what a reviewer sees is what was written."""
    import json

    from lovende_research.display import svg_element

    reports = example_run.index.parent
    processed = reports.parent.parent / "processed" / "example"
    expected = {
        "01_screening.html": [processed / "screening" / f"{stem}.svg" for stem in ("catalogue", "agreement", "flow")],
        "02_interview_coding.html": [
            processed / "scores" / "figures" / name
            for name in json.loads((processed / "scores" / "manifest.json").read_text(encoding="utf-8"))["figures"]
        ],
        "03_subjectivity_bias.html": [
            processed / "bias" / "figures" / name
            for name in json.loads((processed / "bias" / "manifest.json").read_text(encoding="utf-8"))["figures"]
        ],
        "04_report.html": [processed / path for path, _ in synthesis.FIGURE_SOURCES.values()],
    }
    for page, files in expected.items():
        embedded = _embedded_svgs((reports / page).read_text(encoding="utf-8"))
        assert len(files) >= 3, page
        for file in files:
            assert svg_element(file.read_bytes()).encode("utf-8") in embedded, (
                f"{page} does not show {file.name} as saved"
            )
