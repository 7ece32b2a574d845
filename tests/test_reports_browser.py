"""The rendered reports as a reviewer meets them: every page opened in a real (headless) Chromium.

Chromium is Debian's package (installed by scripts/ensure-chromium.sh from `make test`); Playwright
drives it and never downloads a browser of its own. The pages are served on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import csv
import functools
import html
import os
import re
import shutil
import threading
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
import yaml

from lovende_research.config import EXAMPLE_STUDY

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
#: Common Danish first names: none may appear as a word in a report (studies hold pseudonyms only).
FIRST_NAMES = (
    "Anne Kirsten Mette Hanne Helle Susanne Lene Maria Marianne Lone Camilla Pia Louise Charlotte Bente Tina Jette "
    "Peter Michael Lars Jens Thomas Henrik Søren Christian Martin Jan Morten Jesper Anders Niels Mads Rasmus Per Ole"
).split()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # signature of the base class
        pass


def _serve(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served_reports(example_run) -> Iterator[tuple[str, Path]]:
    folder = example_run.index.parent
    for base in _serve(folder):
        yield base, folder


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run scripts/ensure-chromium.sh (make test does)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def test_every_page_loads_cleanly(served_reports: tuple[str, Path], browser) -> None:
    base, folder = served_reports
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert "index.html" in pages
    for name in pages:
        page = browser.new_page()
        console_errors: list[str] = []
        failed: list[str] = []
        page.on(
            "console",
            lambda message, errors=console_errors: errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error, errors=console_errors: errors.append(str(error)))
        page.on("requestfailed", lambda request, failed=failed: failed.append(request.url))
        response = page.goto(base + name, wait_until="load")
        assert response is not None and response.status == 200, name
        widths = page.evaluate(
            "Array.from(document.images).map(i => [i.currentSrc.slice(0, 60), i.complete, i.naturalWidth])"
        )
        assert all(complete and width > 0 for _, complete, width in widths), f"{name}: broken images {widths}"
        hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
        for href in hrefs:
            if href.startswith(("#", "mailto:")) or re.match(r"^[a-z]+://", href):
                continue
            target = urllib.parse.urljoin(base + name, href)
            status = page.request.get(target).status
            assert status == 200, f"{name}: link {href} → {status}"
        text = page.inner_text("body")
        named = [n for n in FIRST_NAMES if re.search(rf"\b{n}\b", text)]
        assert not named, f"{name}: looks like a real name: {named}"
        assert not console_errors, f"{name}: console errors {console_errors}"
        assert not failed, f"{name}: failed requests {failed}"
        page.close()


#: The stage pages whose tables go through people_tables.show_table (03 is the lead's to convert).
CONVERTED_PAGES = ("01_screening.html", "02_interview_coding.html", "03_subjectivity_bias.html", "04_report.html")


def test_converted_pages_show_tables_for_people(served_reports: tuple[str, Path], browser) -> None:
    base, folder = served_reports
    for name in CONVERTED_PAGES:
        page = browser.new_page()
        page.goto(base + name, wait_until="load")
        assert page.evaluate("document.documentElement.lang") == "da", name
        headers = page.evaluate("Array.from(document.querySelectorAll('th')).map(h => h.innerText)")
        assert not [h for h in headers if "_" in h], f"{name}: column names as headers: {headers}"
        assert not page.evaluate("document.querySelectorAll('table.dataframe').length"), f"{name}: a raw pandas table"
        page.close()
    page = browser.new_page()
    page.goto(base + "02_interview_coding.html", wait_until="load")
    notes = page.evaluate("Array.from(document.querySelectorAll('p.lovende-table-note')).map(p => p.innerText)")
    assert any(re.match(r"Viser de første 20 af \d+ rækker\. Hele tabellen", n) for n in notes), notes
    links = page.evaluate(
        "Array.from(document.querySelectorAll('p.lovende-table-note a')).map(a => a.getAttribute('href'))"
    )
    assert links and set(links) == {"tabeller/02_interview_coding.xlsx"}
    page.close()


def test_no_decimal_point_in_a_danish_number_on_any_page(
    served_reports: tuple[str, Path], browser, example_run
) -> None:
    """Every page of the Danish example (stage pages, index, practice pages) and the text drawn in its
    figures write decimals with a comma: one formatter (``i18n.number``) for all of them."""
    from lovende_research.study import Study

    base, folder = served_reports
    # Names, not numbers, written as named: the instrument's version ("arbejdsversion 0.1") and the
    # package versions on the index.
    names = [Study.load(EXAMPLE_STUDY).instrument.version, *example_run.provenance.packages.values()]
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert any(p.startswith("praksis/") for p in pages)
    for name in pages:
        page = browser.new_page()
        page.goto(base + name, wait_until="load")
        # Code is written as a machine reads it (a parameter as it goes in a --params file): left out.
        text = page.evaluate("document.querySelectorAll('code').forEach(c => c.remove()), document.body.innerText")
        # the text inside the figures (SVG as data: images) counts too
        for source in page.evaluate(
            "Array.from(document.images).map(i => i.src).filter(s => s.startsWith('data:image/svg+xml;base64,'))"
        ):
            svg = base64.b64decode(source.split(",", 1)[1]).decode("utf-8")
            text += " " + " ".join(html.unescape(t) for t in re.findall(r"<!-- (.*?) -->", svg))
        for known in names:
            text = text.replace(str(known), "")
        points = re.findall(r"\S*\d\.\d\S*", text)
        assert not points, f"{name}: decimal points on a Danish page: {points[:10]}"
        page.close()


def test_index_screenshot(served_reports: tuple[str, Path], browser) -> None:
    base, folder = served_reports
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "index.html", wait_until="load")
    shot = folder / "screenshots" / "index.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def _picture(browser, svg: bytes) -> np.ndarray:
    """``svg`` as Chromium draws it at its own size on a magenta page (so a transparent area shows)."""
    import base64
    import io

    from PIL import Image

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.set_content(
        '<body style="margin:0;background:#ff00ff"><img id="figure" style="display:block" '
        f'src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}"></body>'
    )
    page.wait_for_function("document.getElementById('figure').complete")
    shot = page.locator("#figure").screenshot()
    page.close()
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)


def test_saved_figure_looks_like_matplotlibs_tight_box(browser) -> None:
    """The figure drawn once and cropped by its viewBox is the picture savefig's tight box gives, texts
    past the figure's edge included, on the figure's own background rather than a transparent one."""
    import matplotlib.pyplot as plt

    from lovende_research.plots import figure_bytes
    from tests.test_plots import matplotlib_tight_svg, overflowing_figure

    ours = _picture(browser, figure_bytes(overflowing_figure()))
    theirs = _picture(browser, matplotlib_tight_svg(overflowing_figure()))
    plt.close("all")
    assert ours.shape == theirs.shape
    # the page shows through only where it does in matplotlib's file (the element's fractional last column)
    shows_through = (ours == [255, 0, 255]).all(axis=2) & ~(theirs == [255, 0, 255]).all(axis=2)
    assert not shows_through.any(), f"{shows_through.sum()} transparent pixels"
    differing = (np.abs(ours - theirs).max(axis=2) > 16).mean()
    # the colour bar is an image placed at a sub-pixel offset: its edge may blend differently
    assert differing < 0.005, f"{differing:.2%} of the pixels differ"


#: Markup a hostile study might carry in any free-text field: a handler, a script, a script link, an
#: image from elsewhere. Every element it would make is marked (``data-inj``), or found by its URL.
PAYLOAD = (
    '<img src=x data-inj onerror="window.__xss=1"><script>window.__xss=2</script>'
    "<b data-inj>fed</b>[lnk](javascript:window.__xss=3)![pic](http://127.0.0.1:9/x.png)"
)
#: Columns whose cells are a fixed vocabulary (an injected value would only be refused) or a practice
#: id, which names a file and is restricted to a safe set (tests/test_study.py checks that refusal).
CLOSED_COLUMNS = {
    "provider_type",
    "purpose",
    "informant_role",
    "decision",
    "reconciled_decision",
    "response",
    "item_id",
    "date",
    "duration_minutes",
    "practice_id",
    "duplicate_of",
}


def hostile_copy(source: Path, target: Path) -> Path:
    """The study in ``source`` copied to ``target`` with :data:`PAYLOAD` appended to every free-text cell
    and id (the same id everywhere it occurs, so the tables still fit together), and to the title and notes."""
    shutil.copytree(source, target)
    for table in target.glob("*.csv"):
        with table.open(encoding="utf-8", newline="") as stream:
            header, *rows = list(csv.reader(stream))
        for row in rows:
            for j, column in enumerate(header):
                if column not in CLOSED_COLUMNS and j < len(row) and row[j] not in ("", "main"):
                    row[j] += PAYLOAD
        with table.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream).writerows([header, *rows])
    config = yaml.safe_load((target / "study.yml").read_text(encoding="utf-8"))
    config["title"] = "T " + PAYLOAD
    config["notes"] = "N " + PAYLOAD
    config["show_notes"] = True  # free-text notes on the pages too
    (target / "study.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from lovende_research.pipeline import run_study

    root = tmp_path_factory.mktemp("hostile")
    study = hostile_copy(EXAMPLE_STUDY, root / "raw" / "fjendtlig")
    os.environ["MPLBACKEND"] = "agg"
    result = run_study(study, processed_base=root / "processed", reports_base=root / "reports", progress=False)
    for base in _serve(result.index.parent):
        yield base, result.index.parent


def test_markup_in_a_study_runs_no_script_and_makes_no_element(hostile_reports: tuple[str, Path], browser) -> None:
    """Issue 23: a title, id or note with markup reaches every page as the characters typed."""
    base, folder = hostile_reports
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert {"index.html", "01_screening.html", "03_subjectivity_bias.html", "04_report.html"} <= set(pages)
    shown_as_text = 0
    for name in pages:
        page = browser.new_page()
        blocked: list[str] = []
        page.on(
            "console",
            lambda message, blocked=blocked: blocked.append(message.text) if message.type == "error" else None,
        )
        page.goto(base + name, wait_until="load")
        found = page.evaluate(
            """() => ({
                ran: window.__xss === undefined ? null : window.__xss,
                marked: document.querySelectorAll('[data-inj]').length,
                scripts: document.scripts.length,
                script_links: document.querySelectorAll('a[href^="javascript"]').length,
                foreign_images: Array.from(document.images).filter(i => !i.src.startsWith('data:')).length,
                policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null,
            })"""
        )
        assert found["ran"] is None, f"{name}: a script from the data ran"
        assert found == {
            "ran": None,
            "marked": 0,
            "scripts": 0,
            "script_links": 0,
            "foreign_images": 0,
            "policy": found["policy"],
        }, name
        assert found["policy"] and "default-src 'none'" in found["policy"], f"{name}: no Content-Security-Policy"
        assert not blocked, f"{name}: {blocked}"
        shown_as_text += 'onerror="window.__xss=1"' in page.inner_text("body")
        # a page is mailed: no folder of the machine that made it (issue 23 found three pages with some)
        assert str(folder.parent.parent) not in (folder / name).read_text(encoding="utf-8"), (
            f"{name}: shows a local path"
        )
        page.close()
    # the payload is not dropped either: the reader sees what the study holds
    assert shown_as_text == len(pages)
