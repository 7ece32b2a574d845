"""Saving figures: SVG by default, PNG on request, the same bytes when the same figure is drawn again.

The SVG is drawn once and cropped to matplotlib's tight bounding box by its ``viewBox``; its size must
be the one matplotlib's own ``savefig(bbox_inches="tight")`` finds (the picture itself is compared in
a browser, tests/test_reports_browser.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lovende_research.plots import figure_bytes, save_figure, use_style


def _figure() -> plt.Figure:
    use_style()
    figure, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["Teori og viden", "Klare mål", "Opfølgning"], [0.8, 0.5, 0.25])
    ax.set_title("Æ, ø og å")
    return figure


def test_svg_by_default_and_identical_on_redraw(tmp_path: Path) -> None:
    first = save_figure(_figure(), tmp_path / "a" / "profile")
    assert first == [tmp_path / "a" / "profile.svg"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["profile.svg"]  # no temporary file left behind
    svg = first[0].read_bytes()
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    again = save_figure(_figure(), tmp_path / "b" / "profile")
    assert again[0].read_bytes() == svg
    plt.close("all")


def test_png_on_request(tmp_path: Path) -> None:
    written = save_figure(_figure(), tmp_path / "profile", formats=("svg", "png"))
    assert [p.suffix for p in written] == [".svg", ".png"]
    assert written[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert save_figure(_figure(), tmp_path / "again", formats=("png",))[0].read_bytes() == written[1].read_bytes()
    plt.close("all")


def overflowing_figure() -> plt.Figure:
    """A figure whose texts reach past its edges, as several of ours do: long labels on the left, a
    legend outside on the right, a colour bar (drawn as an image) and rotated tick labels below."""
    use_style()
    figure, ax = plt.subplots(figsize=(5, 3))
    mesh = ax.pcolormesh(np.arange(12).reshape(3, 4) / 11, cmap="viridis")
    ax.set_yticks([0.5, 1.5, 2.5], ["Den borgerrettede indsats i kommunen", "Opfølgning", "Teori og viden"])
    ax.set_xticks([0.5, 1.5, 2.5, 3.5], ["Leder", "Medarbejder", "Borger", "Pårørende"], rotation=45, ha="right")
    ax.plot([0, 4], [0, 3], label="Tilfældig linje, der er lang")
    ax.legend(loc="upper left", bbox_to_anchor=(1.25, 1.0))
    figure.colorbar(mesh, ax=ax)
    ax.set_title("Æ, ø og å")
    return figure


def _size(svg: bytes) -> tuple[float, float]:
    width, height = re.search(rb'<svg[^>]* width="([0-9.]+)pt" height="([0-9.]+)pt"', svg).groups()
    return float(width), float(height)


def matplotlib_tight_svg(figure: plt.Figure) -> bytes:
    """The same figure as matplotlib writes it with its tight bounding box (two layout passes)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


@pytest.mark.parametrize("build", [_figure, overflowing_figure])
def test_svg_is_cropped_to_matplotlibs_tight_box(build) -> None:
    ours = figure_bytes(build())
    theirs = matplotlib_tight_svg(build())
    assert _size(ours) == pytest.approx(_size(theirs), abs=1e-5)
    # the overflowing figure's texts really do lie outside it, so the crop starts left of its origin
    if build is overflowing_figure:
        viewbox = re.search(rb'viewBox="([-0-9. ]+)"', ours).group(1).split()
        assert float(viewbox[0]) < 0 and _size(ours)[0] > 5 * 72
    plt.close("all")


def test_drawing_leaves_the_figure_as_it_was() -> None:
    figure = overflowing_figure()
    dpi, background = figure.dpi, figure.patch.get_bbox().bounds
    first = figure_bytes(figure)
    assert (figure.dpi, figure.patch.get_bbox().bounds) == (dpi, background)
    assert figure_bytes(figure) == first
    plt.close("all")
