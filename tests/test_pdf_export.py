"""``lovende pdf``: the example's index, synthesis and practice pages printed by headless Chromium, looked at as images."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lovende_research.cli import main
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


def test_pdf_without_a_report_says_to_run_first(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="kør 'lovende run'"):
        write_pdfs(tmp_path / "none")
