"""Every figure the workbench draws, one module per stage, in one consistent style.

:func:`use_style` is called by each figure function, so notebooks and reports look alike without a
notebook cell having to set anything. :func:`save_figure` writes PNG and SVG atomically.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from lovende_research.io import atomic_write_bytes  # noqa: E402

#: Colour-blind safe palette used throughout (seaborn's "colorblind").
PALETTE = "colorblind"


def use_style() -> None:
    """One look for every figure: white grid, readable font sizes, the colour-blind palette."""
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 150, "svg.hashsalt": "lovende", "figure.autolayout": False})


def save_figure(figure: plt.Figure, path_stem: Path) -> list[Path]:
    """Write ``figure`` as ``<stem>.png`` and ``<stem>.svg``, each atomically; return the paths.

    SVG metadata carries no date, so the same figure gives the same bytes on a rerun.
    """
    import io

    written = []
    for suffix, extra in ((".png", {"metadata": {"Software": None}}), (".svg", {"metadata": {"Date": None}})):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=suffix[1:], bbox_inches="tight", **extra)
        target = path_stem.with_suffix(suffix)
        atomic_write_bytes(target, buffer.getvalue())
        written.append(target)
    return written
