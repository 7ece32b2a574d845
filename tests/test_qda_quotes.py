"""Quotes behind the scores: the coded segments on the practice pages, only when the study opts in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from lovende_research.practice_pages import write_practice_pages
from lovende_research.qda.commands import import_project
from lovende_research.qda.quotes import QUOTES_PER_ELEMENT, quotes_section
from lovende_research.qda.writer import write_study_project
from lovende_research.scoring import score_study
from lovende_research.simulate import SimulationSpec, simulate_study
from lovende_research.study import Study


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small simulated study that opts in to quotes, its project imported into ``processed``."""
    root = tmp_path_factory.mktemp("quotes")
    folder = simulate_study(root / "citater", SimulationSpec.preset("small"), seed=4)
    with (folder / "study.yml").open("a", encoding="utf-8") as config:
        config.write('show_quotes: true\nredact: ["Hemmelig Kommune"]\n')
    import_project(write_study_project(folder), folder, root / "processed")
    return folder, root / "processed" / "citater"


def _with_quotes(processed: Path, texts: list[str], practice_interview: str) -> None:
    """Replace the first quotes of ``practice_interview`` on element 1 by ``texts``."""
    file = processed / "qda" / "quotes.parquet"
    quotes = pd.read_parquet(file)
    rows = quotes.index[
        (quotes["interview_id"] == practice_interview)
        & (quotes["element_id"] == "teori")
        & (quotes["delimitation_id"] == "main")
    ][: len(texts)]
    quotes.loc[rows, "text"] = texts
    quotes.to_parquet(file)


def test_each_element_shows_at_most_n_quotes_in_both_languages(imported: tuple[Path, Path]) -> None:
    folder, processed = imported
    study = Study.load(folder)
    practice = str(study.interviews["practice_id"].iloc[0])
    danish, english = (quotes_section(study, processed, practice, language) for language in ("da", "en"))
    assert "<h2>Citater bag scorerne</h2>" in danish and "<h2>Quotes behind the scores</h2>" in english
    assert "1. Teori og viden" in danish and "1. Theory and knowledge" in english
    assert "tegn " in danish and "characters " in english
    # one list per element with segments, none longer than the limit
    lists = danish.split("<ul class='quotes'>")[1:]
    assert len(lists) == len(study.instrument.elements)
    assert max(part.count("<li>") for part in lists) == QUOTES_PER_ELEMENT


def test_quotes_are_escaped_masked_and_pass_the_name_guard(imported: tuple[Path, Path]) -> None:
    folder, processed = imported
    study = Study.load(folder)
    interview = study.interviews.iloc[0]
    _with_quotes(
        processed,
        ["<script>alert(1)</script> om teorien", "Det sagde Birgit Sørensen også", "Hos Hemmelig Kommune gør vi sådan"],
        str(interview["interview_id"]),
    )
    section = quotes_section(study, processed, str(interview["practice_id"]), "da")
    assert "<script>" not in section and "&lt;script&gt;alert(1)&lt;/script&gt; om teorien" in section
    assert "Birgit" not in section and "1 citat(er) er udeladt" in section  # name guard of personal_data
    assert "Hemmelig" not in section and "Hos [skjult 1] gør vi sådan" in section  # redact: in study.yml


def test_a_study_coded_in_a_project_has_its_quotes_from_that_file(imported: tuple[Path, Path], tmp_path: Path) -> None:
    folder, _ = imported
    coded = tmp_path / "citater"
    shutil.copytree(folder, coded, ignore=shutil.ignore_patterns("qda"))
    (coded / "codings.csv").unlink()
    shutil.copy(folder / "qda" / "citater.qdpx", coded / "codings.qdpx")
    study = Study.load(coded)
    practice = str(study.interviews["practice_id"].iloc[0])
    section = quotes_section(study, tmp_path / "ingen_import", practice, "da")  # nothing imported: the project itself
    assert "<blockquote>" in section and "1. Teori og viden" in section


def test_no_section_without_show_quotes(imported: tuple[Path, Path], tmp_path: Path) -> None:
    folder, processed = imported
    plain = tmp_path / "citater"
    shutil.copytree(folder, plain)
    (plain / "study.yml").write_text(
        (folder / "study.yml").read_text(encoding="utf-8").replace("show_quotes: true", "show_quotes: false"),
        encoding="utf-8",
    )
    study = Study.load(plain)
    assert quotes_section(study, processed, str(study.interviews["practice_id"].iloc[0])) == ""


def test_the_practice_page_carries_the_quotes(imported: tuple[Path, Path], tmp_path: Path) -> None:
    folder, processed = imported
    study = Study.load(folder)
    score_study(study, n_boot=20, interval_method="bootstrap").write(processed / "scores")
    pages = write_practice_pages(study, processed, tmp_path / "reports", language="en")
    page = (tmp_path / "reports" / pages[0].html).read_text(encoding="utf-8")
    assert "<h2>Quotes behind the scores</h2>" in page and "<blockquote>" in page


def test_the_quotes_read_in_a_browser_in_both_languages(imported: tuple[Path, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_reports_browser import CHROMIUM, CHROMIUM_ARGS

    folder, processed = imported
    study = Study.load(folder)
    if not (processed / "scores" / "profiles.parquet").is_file():
        score_study(study, n_boot=20, interval_method="bootstrap").write(processed / "scores")
    seen: dict[str, str] = {}
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for language in ("da", "en"):
            pages = write_practice_pages(study, processed, tmp_path / language, language=language)
            page = browser.new_page()
            errors.clear()
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto((tmp_path / language / pages[0].html).as_uri())
            seen[language] = page.inner_text("body")
            assert errors == []
            assert page.locator("blockquote").count() >= len(study.instrument.elements)
            page.close()
        browser.close()
    assert "Citater bag scorerne" in seen["da"] and "tegn " in seen["da"] and "koder " in seen["da"]
    assert "Quotes behind the scores" in seen["en"] and "characters " in seen["en"] and "coder " in seen["en"]


def test_show_quotes_must_be_true_or_false(imported: tuple[Path, Path], tmp_path: Path) -> None:
    from lovende_research.errors import InputError
    from lovende_research.study_config import read_config

    (tmp_path / "study.yml").write_text("title: t\nshow_quotes: ja\n", encoding="utf-8")
    with pytest.raises(InputError, match="show_quotes er ikke true/false") as caught:
        read_config(tmp_path)
    assert caught.value.problems[0].column == "show_quotes"
