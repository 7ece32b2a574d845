"""The per-practice pages say what the scoring tables say, in the report's language."""

from __future__ import annotations

import re

import pandas as pd

from lovende_research.study import Study


def test_one_page_per_interviewed_practice_with_its_numbers(example_run, example_study) -> None:
    reports = example_run.index.parent
    processed = example_run.index.parent.parent.parent / "processed" / "example"
    study = Study.load(example_study)
    interviewed = sorted(study.interviews["practice_id"].unique())
    assert sorted(p.stem for p in (reports / "praksis").glob("*.html")) == interviewed
    index = example_run.index.read_text(encoding="utf-8")
    assert all(f'href="praksis/{pid}.html"' in index for pid in interviewed)

    overall = pd.read_parquet(processed / "scores" / "overall.parquet").set_index("practice_id")
    ranks = pd.read_parquet(processed / "scores" / "ranks.parquet").set_index("practice_id")
    profiles = pd.read_parquet(processed / "scores" / "profiles.parquet")
    for pid in interviewed:
        page = (reports / "praksis" / f"{pid}.html").read_text(encoding="utf-8")
        row = overall.loc[pid]
        # A Danish page writes its numbers with a decimal comma, as every other Danish page does.
        assert f"{row['overall']:.2f} [{row['ci_low']:.2f}; {row['ci_high']:.2f}]".replace(".", ",") in page
        assert f"{int(ranks.at[pid, 'rank'])} af {int(ranks.at[pid, 'n_ranked'])}" in page
        assert page.count("<tr><td>") == 11  # one row per element
        teori = profiles[(profiles["practice_id"] == pid) & (profiles["element_id"] == "teori")].iloc[0]
        expected = f"{teori['score']:.2f}".replace(".", ",") if teori["sufficient"] else "utilstrækkelig dækning"
        assert re.search(rf"1\. Teori og viden</td><td class='number'>(<em>)?{re.escape(expected)}", page)
        assert "data:image/svg+xml;base64," in page
        assert "Syntetiske data" in page  # every page repeats the caveat


def test_pages_show_the_model_intervals_and_p_top_k_in_both_languages(example_run, example_study, tmp_path) -> None:
    """The example study's pages say which intervals they show and how sure a top place is, in Danish
    (the run's language) and in English (the same tables rendered again)."""
    from lovende_research.practice_pages import write_practice_pages

    processed = example_run.index.parent.parent.parent / "processed" / "example"
    ranks = pd.read_parquet(processed / "scores" / "ranks.parquet").set_index("practice_id")
    study = Study.load(example_study)
    english = tmp_path / "en"
    write_practice_pages(study, processed, english, language="en")
    for pid in ranks.dropna(subset=["rank"]).index:
        r = ranks.loc[pid]
        p, decile, p_decile = round(100 * r["p_top_k"]), int(r["top_decile"]), round(100 * r["p_top_decile"])
        danish = (example_run.index.parent / "praksis" / f"{pid}.html").read_text(encoding="utf-8")
        assert f"<th>Sandsynlighed for top 5</th><td>{p} % (top 10 %, {decile} pladser: {p_decile} %)</td>" in danish
        assert "Interval (95 %, model)" in danish
        page = (english / "praksis" / f"{pid}.html").read_text(encoding="utf-8")
        assert f"<th>Probability of top 5</th><td>{p} % (top 10 %, {decile} places: {p_decile} %)</td>" in page
        assert "Interval (95 %, model)" in page and f"{int(r['rank'])} of {int(r['n_ranked'])}" in page


def test_pages_leave_out_bias_flags_computed_from_other_scores(example_run, example_study, tmp_path) -> None:
    """After ``--only scoring`` the bias folder holds checks of the old scores: the pages (written from the
    new scores) say so instead of showing those flags and role-adjusted scores beside the new numbers."""
    from lovende_research.practice_pages import write_practice_pages

    processed = example_run.index.parent.parent.parent / "processed" / "example"
    study = Study.load(example_study)
    flagged = pd.read_parquet(processed / "bias" / "flags.parquet")
    flagged = sorted(flagged.loc[flagged["flag"].astype(bool), "practice_id"].unique())
    assert flagged, "the example should raise a bias flag somewhere for this test to mean anything"
    reports = tmp_path / "reports"
    (reports / "praksis").mkdir(parents=True)
    (reports / "praksis" / "P999.html").write_text("an earlier run's practice", encoding="utf-8")
    pages = write_practice_pages(study, processed, reports, use_bias=False)
    assert not (reports / "praksis" / "P999.html").exists()  # a practice this run did not score
    for page in pages:
        text = (reports / page.html).read_text(encoding="utf-8")
        assert "er fra en tidligere kørsel på scorer, der siden er beregnet igen" in text
        assert 'class="flag"><strong>' not in text and "Rollejusteret" not in text


def test_writing_the_pages_shows_progress(example_run, example_study, tmp_path, capsys) -> None:
    """A national study writes thousands of practice pages: the run shows how far it has come."""
    from lovende_research.practice_pages import write_practice_pages

    processed = example_run.index.parent.parent.parent / "processed" / "example"
    pages = write_practice_pages(Study.load(example_study), processed, tmp_path / "reports", progress=True)
    err = capsys.readouterr().err
    assert "praksissider: 100%" in err and f"{len(pages)}/{len(pages)}" in err
    write_practice_pages(Study.load(example_study), processed, tmp_path / "quiet")
    assert "praksissider" not in capsys.readouterr().err  # tests and --no-progress stay quiet
