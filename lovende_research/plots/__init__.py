"""Every figure the workbench draws, one module per stage, in one consistent style.

:func:`use_style` is called by each figure function, so notebooks and reports look alike without a
notebook cell having to set anything. :func:`save_figure` writes SVG (PNG on request), atomically, and
:func:`show_figure` shows the saved file in the notebook.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.backend_bases import RendererBase
from matplotlib.ticker import ScalarFormatter
from matplotlib.transforms import Bbox

from lovende_research.display import show_svg
from lovende_research.errors import LovendeError
from lovende_research.i18n import PhraseTable, phrase
from lovende_research.io import atomic_write_bytes

#: Colour-blind safe palette used throughout (seaborn's "colorblind").
PALETTE = "colorblind"


def use_style() -> None:
    """One look for every figure: white grid, readable font sizes, the colour-blind palette.

    Titles sit at a fixed height, just above their axes (``axes.titley``). Left automatic, matplotlib
    measures every y tick label of a titled axes again on each draw, only to lift the title above tick
    labels or an axis label at the top, or an offset text; none of our figures has those (a test compares
    every figure both ways), and the measuring took a quarter of the time spent writing the example's figures.
    Labels come from a study's data, so ``$`` never starts mathtext (``text.parse_math``): a municipality
    called ``Kr$\\frac$`` is drawn as typed, not parsed (and failed to draw).
    """
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "svg.hashsalt": "lovende",
            "figure.autolayout": False,
            "axes.titley": 1.0,
            "text.parse_math": False,
        }
    )


class _DanishFormatter(ScalarFormatter):
    """matplotlib's default tick labels with a decimal comma (``0,2``), as :func:`~lovende_research.i18n.number` writes them."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return super().__call__(x, pos).replace(".", ",")


def localised(figure: plt.Figure, language: str) -> plt.Figure:
    """Give every numeric axis of ``figure`` Danish decimal commas when ``language`` is Danish.

    Every figure function returns through this, so tick labels read like the page around them. Only axes
    still on matplotlib's default number formatter change; category axes keep their labels.
    """
    if language == "da":
        for ax in figure.axes:
            for axis in (ax.xaxis, ax.yaxis):
                if type(axis.get_major_formatter()) is ScalarFormatter:
                    axis.set_major_formatter(_DanishFormatter())
    return figure


def top_and_bottom(order: list[str], show: int | None) -> tuple[list[str], list[str], list[str]]:
    """``order`` split into its first ``show``, the rest, and its last ``show`` (all in the first when short).

    >>> top_and_bottom(list("abcdefg"), 2)
    (['a', 'b'], ['c', 'd', 'e'], ['f', 'g'])
    >>> top_and_bottom(list("abcd"), 2)
    (['a', 'b', 'c', 'd'], [], [])
    """
    if show is None or len(order) <= 2 * show:
        return list(order), [], []
    return list(order[:show]), list(order[show:-show]), list(order[-show:])


#: What each format's ``savefig`` needs so that the same figure gives the same bytes on a rerun.
_FORMATS: dict[str, dict[str, Any]] = {"png": {"metadata": {"Software": None}}, "svg": {"metadata": {"Date": None}}}
#: Figures are saved as SVG unless a caller asks for more: vector, so sharp at any zoom and in print (and
#: convertible to PNG or PDF with any tool), and matplotlib writes it in about two thirds of the time and
#: size of a 150-dpi PNG of the same figure (measured on every figure of the example study).
DEFAULT_FORMATS: tuple[str, ...] = ("svg",)


def figure_bytes(
    figure: plt.Figure, file_format: str = "svg", tight_box: Callable[[RendererBase], Bbox] | None = None
) -> bytes:
    """``figure`` as ``file_format`` (svg or png) with a tight bounding box, the same bytes on every rerun.

    ``tight_box`` (SVG only) gives the figure's tight box in inches, measured with the renderer it has
    just been drawn with, in place of matplotlib's measuring of every text: for a figure redrawn many
    times whose box its owner knows (:class:`~lovende_research.plots.scores.ProfileCharts`).
    """
    if file_format == "svg":
        return _tight_svg(figure, tight_box)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=file_format, bbox_inches="tight", **_FORMATS[file_format])
    return buffer.getvalue()


#: The size attributes matplotlib's SVG renderer writes on its root element, uncropped.
_SVG_SIZE = re.compile(r'width="([0-9.]+)pt" height="([0-9.]+)pt" viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def _tight_svg(figure: plt.Figure, tight_box: Callable[[RendererBase], Bbox] | None = None) -> bytes:
    """``figure`` as SVG cropped to its tight bounding box, laid out and drawn once.

    ``savefig(bbox_inches="tight")`` draws the figure twice: a dry run to measure every text and find
    the box, then the real drawing, which measures every text again. That second layout was about a
    third of the time spent writing the example study's figures. Here the figure is drawn once into
    matplotlib's SVG renderer, the box is measured with that same renderer (its text measurements are
    cached), and the picture is cropped by the root element's ``viewBox``: the same size and picture as
    savefig's tight box (tests compare both, rendered in a browser). The figure's background is drawn
    large enough to fill the box, as savefig's would be, since labels may reach past the figure's edge.
    """
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import RendererSVG

    pad = plt.rcParams["savefig.pad_inches"]
    image_dpi = plt.rcParams["savefig.dpi"]
    image_dpi = figure.dpi if image_dpi == "figure" else image_dpi
    screen_dpi, background = figure.dpi, figure.patch.get_bbox().bounds
    text = io.StringIO()
    figure.dpi = 72  # SVG user units are points, as in savefig
    try:
        width, height = figure.get_size_inches()
        renderer = MixedModeRenderer(
            figure,
            width,
            height,
            image_dpi,
            RendererSVG(width * 72, height * 72, text, image_dpi=image_dpi, **_FORMATS["svg"]),
        )
        drawing = cast(
            RendererBase, renderer
        )  # a RendererBase by delegation (every call goes on to the SVG renderer), not by class
        figure.patch.set_bounds(-2, -2, 5, 5)  # a background five times the figure's size, centred on it
        figure.draw(drawing)
        figure.patch.set_bounds(*background)
        box = (tight_box(drawing) if tight_box is not None else figure.get_tightbbox(drawing)).padded(pad)
        renderer.finalize()
    finally:
        figure.patch.set_bounds(*background)
        figure.dpi = screen_dpi
    x, top, w, h = (_svg_number(72 * v) for v in (box.x0, height - box.y1, box.width, box.height))
    svg, found = _SVG_SIZE.subn(f'width="{w}pt" height="{h}pt" viewBox="{x} {top} {w} {h}"', text.getvalue(), count=1)
    if not found:
        raise LovendeError(phrase(_MESSAGES, "svg_size", "da"))
    return svg.encode("utf-8")


#: A message for the user who meets it after a matplotlib upgrade (Danish, the package's language for
#: errors raised where no reader's language is known).
_MESSAGES: PhraseTable = {
    "svg_size": (
        "matplotlibs SVG-tegner skriver ikke længere width, height og viewBox som forventet; "
        "plots._tight_svg skal opdateres til den installerede matplotlib",
        "matplotlib's SVG renderer no longer writes width, height and viewBox as expected; "
        "plots._tight_svg needs updating for the installed matplotlib",
    ),
}


def _svg_number(value: float) -> str:
    """A coordinate as matplotlib's SVG writer formats one: six decimals, no trailing zeros."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def save_figure(figure: plt.Figure, path_stem: Path, formats: tuple[str, ...] = DEFAULT_FORMATS) -> list[Path]:
    """Write ``figure`` as ``<stem>.svg`` (and any other of ``formats``, e.g. ``("svg", "png")``), each atomically.

    Returns the paths in the order of ``formats``. Each format draws the whole figure again (a PNG twice,
    for the tight bounding box), which is why only SVG is written unless a raster copy is asked for.
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
