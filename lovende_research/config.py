"""Project paths in one place, so commands and notebooks agree on where data and reports live.

Every command takes a :class:`pathlib.Path` argument that defaults to one of these constants; nothing
else in the package builds a project path from strings.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent
DATA_DIR: Path = PROJECT_ROOT / "data"
RAW_DIR: Path = DATA_DIR / "raw"
PROCESSED_DIR: Path = DATA_DIR / "processed"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
EXAMPLE_STUDY: Path = RAW_DIR / "example"

#: The Jupyter kernel the project registers for its own environment (see the Makefile). The runner
#: names it explicitly, never relying on whatever a machine happens to call ``python3``.
KERNEL_NAME: str = "lovende-research"
