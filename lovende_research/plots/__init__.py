"""Every figure the workbench draws, one module per stage, in one consistent style.

:func:`use_style` is called by each figure function, so notebooks and reports look alike without a
notebook cell having to set anything. :func:`save_figure` writes PNG (shown in notebooks and pages) and,
for figures meant for publication, SVG, atomically.
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


#: What each format's ``savefig`` needs so that the same figure gives the same bytes on a rerun.
_FORMATS = {"png": {"metadata": {"Software": None}}, "svg": {"metadata": {"Date": None}}}


def save_figure(figure: plt.Figure, path_stem: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write ``figure`` as ``<stem>.png`` and ``<stem>.svg`` (or only ``formats``), each atomically.

    Returns the paths in the order of ``formats``. Each format draws the whole figure again (twice, for the tight
    bounding box), so a diagnostic figure that is only looked at can skip the SVG. SVG metadata
    carries no date, so the same figure gives the same bytes on a rerun.
    """
    import io

    written = []
    for suffix, extra in ((f".{name}", _FORMATS[name]) for name in formats):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=suffix[1:], bbox_inches="tight", **extra)
        target = path_stem.with_suffix(suffix)
        atomic_write_bytes(target, buffer.getvalue())
        written.append(target)
    return written


def show_figure(figure: plt.Figure, path_stem: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Save ``figure`` (:func:`save_figure`), close it, and show the saved PNG in the notebook.

    Notebooks run under the Agg backend, where displaying a figure object prints only its repr; the
    saved file is what the reader sees, so the page shows exactly the figure that was written.
    """
    from IPython.display import Image, display

    written = save_figure(figure, path_stem, formats)
    plt.close(figure)
    display(Image(filename=str(written[0])))
    return written
