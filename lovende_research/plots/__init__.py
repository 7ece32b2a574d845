"""Every figure the workbench draws, one module per stage, in one consistent style.

:func:`use_style` is called by each figure function, so notebooks and reports look alike without a
notebook cell having to set anything. :func:`save_figure` writes SVG (PNG on request), atomically, and
:func:`show_figure` shows the saved file in the notebook.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from lovende_research.display import show_svg  # noqa: E402
from lovende_research.io import atomic_write_bytes  # noqa: E402

#: Colour-blind safe palette used throughout (seaborn's "colorblind").
PALETTE = "colorblind"


def use_style() -> None:
    """One look for every figure: white grid, readable font sizes, the colour-blind palette."""
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 150, "svg.hashsalt": "lovende", "figure.autolayout": False})


#: What each format's ``savefig`` needs so that the same figure gives the same bytes on a rerun.
_FORMATS = {"png": {"metadata": {"Software": None}}, "svg": {"metadata": {"Date": None}}}
#: Figures are saved as SVG unless a caller asks for more: vector, so sharp at any zoom and in print (and
#: convertible to PNG or PDF with any tool), and matplotlib writes it in about two thirds of the time and
#: size of a 150-dpi PNG of the same figure (measured on every figure of the example study).
DEFAULT_FORMATS: tuple[str, ...] = ("svg",)


def figure_bytes(figure: plt.Figure, file_format: str = "svg") -> bytes:
    """``figure`` as ``file_format`` (svg or png) with a tight bounding box, the same bytes on every rerun."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format=file_format, bbox_inches="tight", **_FORMATS[file_format])
    return buffer.getvalue()


def save_figure(figure: plt.Figure, path_stem: Path, formats: tuple[str, ...] = DEFAULT_FORMATS) -> list[Path]:
    """Write ``figure`` as ``<stem>.svg`` (and any other of ``formats``, e.g. ``("svg", "png")``), each atomically.

    Returns the paths in the order of ``formats``. Each format draws the whole figure again (twice, for the
    tight bounding box), which is why only SVG is written unless a raster copy is asked for.
    """
    written = []
    for name in formats:
        target = path_stem.with_suffix(f".{name}")
        atomic_write_bytes(target, figure_bytes(figure, name))
        written.append(target)
    return written


def show_figure(figure: plt.Figure, path_stem: Path, formats: tuple[str, ...] = DEFAULT_FORMATS) -> list[Path]:
    """Save ``figure`` (:func:`save_figure`), close it, and show the first saved file in the notebook.

    Notebooks run under the Agg backend, where displaying a figure object prints only its repr; the
    saved file is what the reader sees, so the page shows exactly the figure that was written (rendered
    pages embed it, so they stay one file).
    """
    from IPython.display import Image, display

    written = save_figure(figure, path_stem, formats)
    plt.close(figure)
    shown = written[0]
    if shown.suffix == ".svg":
        show_svg(shown)
    else:
        display(Image(filename=str(shown)))
    return written
