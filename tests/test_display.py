"""A saved SVG figure is shown as written: the notebook output is the file's <svg> element, unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import IPython.display
import matplotlib.pyplot as plt
import pytest

from lovende_research.display import show_svg, svg_element
from lovende_research.errors import LovendeError
from lovende_research.plots import save_figure, show_figure, use_style


def _saved_figure(tmp_path: Path) -> Path:
    use_style()
    figure, ax = plt.subplots(figsize=(3, 2))
    ax.barh(["Klare mål", "Opfølgning"], [0.5, 0.75])
    ax.set_title("Æ, ø og å")
    (path,) = save_figure(figure, tmp_path / "figure")
    plt.close(figure)
    return path


def _published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    shown: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(
        IPython.display, "display", lambda *objects, **kwargs: shown.extend((o, kwargs) for o in objects)
    )
    return shown


def test_svg_element_drops_only_the_prolog(tmp_path: Path) -> None:
    data = _saved_figure(tmp_path).read_bytes()
    element = svg_element(data)
    assert data.startswith(b"<?xml") and b"<!DOCTYPE svg" in data
    assert element.startswith("<svg") and element.rstrip().endswith("</svg>")
    # everything after the prolog is the file itself, byte for byte (Danish letters included)
    assert data.endswith(element.encode("utf-8"))
    assert "<?xml" not in element and "<!DOCTYPE" not in element


def test_show_svg_publishes_the_file_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _saved_figure(tmp_path)
    shown = _published(monkeypatch)
    show_svg(path)
    assert shown == [({"image/svg+xml": svg_element(path.read_bytes())}, {"raw": True})]


def test_show_figure_saves_closes_and_shows_the_saved_svg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_style()
    figure, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    shown = _published(monkeypatch)
    (path,) = show_figure(figure, tmp_path / "line")
    assert not plt.fignum_exists(figure.number)
    assert shown == [({"image/svg+xml": svg_element(path.read_bytes())}, {"raw": True})]


def test_a_file_that_is_not_svg_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "figure.svg"
    path.write_bytes(b"\x89PNG\r\n\x1a\n not an svg")
    with pytest.raises(LovendeError, match=r"figure\.svg: intet <svg>-element fundet"):
        show_svg(path)
    with pytest.raises(LovendeError, match=r"figure\.svg: no <svg> element found"):
        svg_element(path.read_bytes(), str(path), language="en")
