"""``lovende pdf``: the index, the synthesis and the practice pages printed to PDF by headless Chromium.

A report goes into a case file or onto a board's table as PDF. The pages are already self-contained
(nothing fetched, no script), so Chromium, the browser the page tests use, prints each one as it is;
the pages' print CSS keeps a figure or a table row from being cut across two sheets. Each page becomes
its own file under ``reports/<study>/pdf/`` (``index.pdf``, ``04_report.pdf``, ``praksis/<id>.pdf``),
so a reader can print one practice without the rest.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from lovende_research.errors import LovendeError, Text
from lovende_research.io import atomic_write_bytes

#: The folder under ``reports/<study>/`` that holds the PDF files.
PDF_FOLDER = "pdf"
#: The pages printed, relative to ``reports/<study>/`` (glob patterns), in this order.
PRINTED_PAGES: tuple[str, ...] = ("index.html", "04_report.html", "praksis/*.html")
#: Chromium runs as in the page tests: no sandbox (containers, root), no GPU, nothing from the network.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


class PdfError(LovendeError):
    """Chromium is missing, a page to print is missing, or Chromium wrote no PDF."""


def chromium_path() -> str:
    """The Chromium to print with, or a :class:`PdfError` saying how to install it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise PdfError(
            Text(
                "chromium mangler til PDF: installér Debians pakke 'chromium' (scripts/ensure-chromium.sh)",
                "chromium is missing for PDF: install Debian's package 'chromium' (scripts/ensure-chromium.sh)",
            )
        )
    return found


def print_page(page: Path, pdf: Path, chromium: str) -> Path:
    """``page`` (an HTML file) printed to ``pdf`` by headless Chromium, written atomically."""
    with tempfile.TemporaryDirectory(prefix="lovende-pdf-") as scratch:
        out = Path(scratch) / "page.pdf"
        done = subprocess.run(
            [
                chromium,
                *CHROMIUM_ARGS,
                f"--user-data-dir={Path(scratch) / 'profile'}",
                f"--print-to-pdf={out}",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not out.is_file() or not out.read_bytes().startswith(b"%PDF"):
            code, said = done.returncode, done.stderr.strip()[-500:]  # Chromium's own words, untranslated
            raise PdfError(
                Text(
                    f"{page}: Chromium skrev ingen PDF (kode {code}): {said}",
                    f"{page}: Chromium wrote no PDF (code {code}): {said}",
                )
            )
        return atomic_write_bytes(pdf, out.read_bytes())


def write_pdfs(reports_dir: Path) -> list[Path]:
    """Print every page of :data:`PRINTED_PAGES` found in ``reports_dir`` to ``reports_dir/pdf/``.

    Raises
    ------
    PdfError
        When ``reports_dir`` has no ``index.html`` (run ``lovende run`` first) or Chromium fails.
    """
    reports_dir = Path(reports_dir)
    index = reports_dir / "index.html"
    if not index.is_file():
        raise PdfError(
            Text(
                f"{index} findes ikke: kør 'lovende run' på studiet først",
                f"{index} does not exist: run 'lovende run' on the study first",
            )
        )
    chromium = chromium_path()
    pages = [page for pattern in PRINTED_PAGES for page in sorted(reports_dir.glob(pattern))]
    return [
        print_page(page, reports_dir / PDF_FOLDER / page.relative_to(reports_dir).with_suffix(".pdf"), chromium)
        for page in pages
    ]
