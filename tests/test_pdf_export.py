"""``lovende pdf``: the example's index, synthesis and practice pages printed by headless Chromium, looked at as images."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lovende_research.cli import main
from lovende_research.errors import in_language
from lovende_research.pdf_export import PDF_FOLDER, PdfError, write_pdfs


def page_images(pdf: Path, folder: Path) -> list[np.ndarray]:
    """Every page of ``pdf`` as poppler draws it (pdftoppm, 30 dpi), grey levels 0–255."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: run scripts/ensure-export-tools.sh (make test does)")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(folder / "page")], check=True, timeout=120)
    return [np.asarray(Image.open(p).convert("L")) for p in sorted(folder.glob("page*.png"))]


def test_example_pages_print_to_pdf(example_run, tmp_path: Path) -> None:
    reports = example_run.index.parent
    # Through the command, as a reader types it: the study's folder name picks reports/<study>/.
    assert main(["pdf", str(Path("data/raw") / reports.name), "--out", str(reports.parent)]) == 0
    folder = reports / PDF_FOLDER
    practices = sorted(p.stem for p in (reports / "praksis").glob("*.html"))
    assert practices
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.pdf")) == sorted(
        ["index.pdf", "04_report.pdf", *[f"praksis/{p}.pdf" for p in practices]]
    )
    synthesis = page_images(folder / "04_report.pdf", tmp_path / "synthesis")
    # The synthesis has its flow, heatmap, pattern and ranking figures: more than one sheet.
    assert len(synthesis) >= 2
    for i, image in enumerate(synthesis):
        height, width = image.shape
        # a blank sheet has no dark pixel; a short last sheet (the caveats paragraph) has ~80 at 30 dpi
        assert (image < 128).sum() >= 20, f"page {i + 1} is blank"
        # Nothing is cut at the sheet's right edge (a figure wider than the page would run into it).
        assert (image[:, int(width * 0.97) :] > 240).all(), f"page {i + 1}: something reaches the right edge"
    first = page_images(folder / f"praksis/{practices[0]}.pdf", tmp_path / "practice")
    assert first and (first[0] < 128).mean() > 0.002


def test_each_refusal_in_danish_and_in_english(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Chromium missing, Chromium failing (its own words passed on), and no report to print."""
    from lovende_research import pdf_export

    with pytest.raises(PdfError) as caught:
        write_pdfs(tmp_path / "none")
    index = tmp_path / "none" / "index.html"
    assert str(caught.value) == f"{index} findes ikke: kør 'lovende run' på studiet først"
    assert in_language(caught.value.args[0], "en") == f"{index} does not exist: run 'lovende run' on the study first"

    monkeypatch.setattr(pdf_export.shutil, "which", lambda name: None)
    with pytest.raises(PdfError) as caught:
        pdf_export.chromium_path()
    assert (
        str(caught.value) == "chromium mangler til PDF: installér Debians pakke 'chromium' (scripts/ensure-chromium.sh)"
    )
    assert in_language(caught.value.args[0], "en") == (
        "chromium is missing for PDF: install Debian's package 'chromium' (scripts/ensure-chromium.sh)"
    )

    failed = subprocess.CompletedProcess([], returncode=21, stdout="", stderr="  no display\n")
    monkeypatch.setattr(pdf_export.subprocess, "run", lambda *args, **kwargs: failed)
    page = tmp_path / "index.html"
    with pytest.raises(PdfError) as caught:
        pdf_export.print_page(page, tmp_path / "index.pdf", "chromium")
    assert str(caught.value) == f"{page}: Chromium skrev ingen PDF (kode 21): no display"
    assert in_language(caught.value.args[0], "en") == f"{page}: Chromium wrote no PDF (code 21): no display"
    assert not (tmp_path / "index.pdf").exists()


def test_pdf_prints_its_refusal_in_the_language_asked_for_or_the_studys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    study = tmp_path / "studie"
    study.mkdir()
    reports = ["--out", str(tmp_path / "reports")]
    assert main(["pdf", str(study), *reports, "--lang", "en"]) == 1
    assert "index.html does not exist: run 'lovende run' on the study first" in capsys.readouterr().err
    assert main(["pdf", str(study), *reports]) == 1
    assert "index.html findes ikke: kør 'lovende run' på studiet først" in capsys.readouterr().err
    (study / "study.yml").write_text("language: en\n", encoding="utf-8")  # without --lang: the study's language
    assert main(["pdf", str(study), *reports]) == 1
    assert "index.html does not exist" in capsys.readouterr().err
