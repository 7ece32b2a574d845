"""``lovende compare`` writes ``udvikling.html`` in both languages; the practice pages link to it."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from lovende_research.cli import main
from lovende_research.instrument import load_instrument
from lovende_research.practice_pages import write_practice_pages
from lovende_research.report import CONTENT_SECURITY_POLICY
from lovende_research.rounds import load_rounds, round_change, round_scores
from lovende_research.rounds.figures import change_profile_chart
from lovende_research.rounds.page import PAGE, change_link
from lovende_research.rounds.simulation import RoundsSpec, write_rounds
from lovende_research.scoring import score_study
from lovende_research.study import Study

HOSTILE = "Runde <img src=x onerror=alert(1)> & co"


@pytest.fixture
def rounds(tmp_path: Path) -> list[Path]:
    folders = write_rounds(tmp_path / "r", RoundsSpec(n_practices=4, change=0.4), seed=6)
    study = folders[1] / "study.yml"
    study.write_text(re.sub(r"title: .*", f'title: "{HOSTILE}"', study.read_text(encoding="utf-8")), encoding="utf-8")
    candidates = pd.read_csv(folders[1] / "candidates.csv", dtype=str)
    candidates["delimitation"] = ["", "Kun 12-ugers forløbet", "", ""]
    candidates.to_csv(folders[1] / "candidates.csv", index=False)
    return folders


def _cells(html: str, table: str) -> list[str]:
    found = re.search(rf"<table class='{table}'>(.*?)</table>", html, re.S)
    assert found, table
    return re.findall(r"<td class='number'>(.*?)</td>", found.group(1))


@pytest.mark.parametrize("language", ["da", "en"])
def test_compare_writes_the_change_page_in_each_language(
    rounds: list[Path], tmp_path: Path, language: str, capsys
) -> None:
    assert (
        main(["compare", str(rounds[1]), "--out", str(tmp_path / "reports"), "--lang", language, "--n-boot", "200"])
        == 0
    )
    page = tmp_path / "reports" / "runde-2" / PAGE
    assert str(page) in capsys.readouterr().out
    elements = pd.read_csv(page.parent / "udvikling" / "runde-1_runde-2" / "elements.csv")
    assert len(elements) == 4 * 11 and 'href="udvikling/runde-1_runde-2/elements.csv"' in page.read_text(
        encoding="utf-8"
    )
    html = page.read_text(encoding="utf-8")
    assert f'content="{CONTENT_SECURITY_POLICY}"' in html and "<script" not in html.lower()
    # the study's title reaches the page as the characters typed, never as markup
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt; &amp; co" in html
    assert html.count("<img class='figure'") == 4 and all(f'id="Q00{k}"' in html for k in range(1, 5))
    numbers = [c for c in _cells(html, "changes") if re.fullmatch(r"[+-]?\d[.,]\d\d", c)]
    assert len(numbers) >= 30  # the first practice: score, score and change of 11 elements
    decimal = "," if language == "da" else "."
    assert all(decimal in n for n in numbers), numbers[:5]
    heading = {"da": "Udvikling mellem runderne", "en": "Development between rounds"}[language]
    caveat = {
        "da": "Anden afgrænsning: den skrevne afgrænsning er ændret for Q002",
        "en": "Different delimitation: the written delimitation changed for Q002",
    }[language]
    informants = {"da": "Andre informanter:", "en": "Different informants:"}[language]
    assert heading in html and caveat in html and informants in html


def test_the_page_lists_practices_found_in_one_round_only(rounds: list[Path], tmp_path: Path) -> None:
    interviews = pd.read_csv(rounds[1] / "interviews.csv", dtype=str)
    dropped = set(interviews.loc[interviews["practice_id"] == "Q003", "interview_id"])
    interviews[interviews["practice_id"] != "Q003"].to_csv(rounds[1] / "interviews.csv", index=False)
    codings = pd.read_csv(rounds[1] / "codings.csv", dtype=str, keep_default_na=False)
    codings[~codings["interview_id"].isin(dropped)].to_csv(rounds[1] / "codings.csv", index=False)
    assert (
        main(
            [
                "compare",
                str(rounds[0]),
                str(rounds[1]),
                "--out",
                str(tmp_path / "reports"),
                "--n-boot",
                "100",
                "--lang",
                "en",
            ]
        )
        == 0
    )
    html = (tmp_path / "reports" / "runde-2" / PAGE).read_text(encoding="utf-8")
    assert "<li>Only in runde-1: Q003</li>" in html
    assert 'id="Q003"' not in html


def test_the_figure_writes_its_axis_numbers_with_the_pages_decimal_mark(rounds: list[Path]) -> None:
    found = load_rounds(rounds)
    scores = [round_scores(s.codings, s.interviews, found.instrument) for s in found.studies]
    cells = round_change(*scores, found.instrument, found.matched, n_boot=50, seed=1).elements
    for language, expected in (("da", "0,4"), ("en", "0.4")):
        figure = change_profile_chart(cells, "Q001", load_instrument(), ("runde-1", "runde-2"), language)
        figure.canvas.draw()
        assert expected in [label.get_text() for label in figure.axes[0].get_xticklabels()]
        plt.close(figure)


def test_practice_pages_link_to_the_change_page_once_it_is_written(rounds: list[Path], tmp_path: Path) -> None:
    study = Study.load(rounds[1])
    processed, reports = tmp_path / "processed", tmp_path / "reports" / "runde-2"
    score_study(study, n_boot=50).write(processed / "scores")
    write_practice_pages(study, processed, reports, "da")
    assert PAGE not in (reports / "praksis" / "Q001.html").read_text(encoding="utf-8")
    assert main(["compare", str(rounds[1]), "--out", str(tmp_path / "reports"), "--n-boot", "100"]) == 0
    write_practice_pages(study, processed, reports, "da")
    assert f'href="../{PAGE}#Q001"' in (reports / "praksis" / "Q001.html").read_text(encoding="utf-8")
    assert change_link(tmp_path / "nowhere", "Q001") == ""


def test_the_page_opens_cleanly_in_chromium_with_no_decimal_points_in_danish(
    rounds: list[Path], tmp_path: Path
) -> None:
    from contextlib import contextmanager

    from playwright.sync_api import sync_playwright

    from tests.test_reports_browser import CHROMIUM, CHROMIUM_ARGS, _serve

    assert main(["compare", str(rounds[1]), "--out", str(tmp_path / "reports"), "--n-boot", "100"]) == 0
    version = load_instrument().version
    errors: list[str] = []
    with contextmanager(_serve)(tmp_path / "reports" / "runde-2") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        assert page.goto(base + PAGE, wait_until="load").status == 200
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert len(images) == 4 and all(complete and width > 0 for complete, width in images)
        hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
        # index.html is lovende run's; every other link (the CSV tables, the practices' anchors) must resolve
        for href in [h for h in hrefs if h != "index.html" and not h.startswith("#")]:
            assert page.request.get(base + href).status == 200, href
        assert {f"#Q00{k}" for k in range(1, 5)} <= set(hrefs)
        text = page.inner_text("body").replace(version, "")
        assert not re.findall(r"\d\.\d", text), "decimal points on a Danish page"
        assert page.evaluate("document.documentElement.lang") == "da" and not errors
        browser.close()
