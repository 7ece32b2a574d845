"""Saving figures: SVG by default, PNG on request, the same bytes when the same figure is drawn again."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from lovende_research.plots import save_figure, use_style


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
