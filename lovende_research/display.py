"""Show a saved SVG figure in a notebook, exactly as it was written.

Kept apart from :mod:`lovende_research.plots` so that the synthesis notebook can show the earlier
stages' figures without importing matplotlib and seaborn into its kernel.

Why not ``IPython.display.SVG``: it parses the whole file into a DOM (``minidom``) only to cut out the
``<svg>`` element and serialise it again, which took 0.02–0.1 s per figure of the example study (a
heatmap's SVG is ~175 kB) and gives the page markup that is no longer byte for byte the saved file.
"""

from __future__ import annotations

import re
from pathlib import Path

from lovende_research.errors import LovendeError
from lovende_research.i18n import PhraseTable, phrase

_SVG_START = b"<svg"
_MESSAGES: PhraseTable = {
    "no_svg": (
        "{source}: intet <svg>-element fundet; forventet et SVG-dokument, som matplotlib skriver det",
        "{source}: no <svg> element found; expected an SVG document such as matplotlib writes",
    ),
}
#: Characters that mean something in Markdown (CommonMark's ASCII punctuation that a backslash escapes).
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~])")


def markdown_text(value: object) -> str:
    r"""``value`` as literal text inside Markdown a notebook prints: a title ``*Børn* & unge_1`` stays that.

    The page renderer already shows HTML, links and images from such Markdown as text
    (:func:`lovende_research.report.data_markdown_html`); escaping the punctuation as well keeps a
    study's ``*`` or ``_`` from turning the rest of a line into emphasis.

    >>> print(markdown_text("*Børn* & unge_1 <b>"))
    \*Børn\* \& unge\_1 \<b\>
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", str(value))


def svg_element(data: bytes, source: str = "SVG", language: str = "da") -> str:
    """The ``<svg>…</svg>`` element of an SVG document: what a page embeds inline.

    An SVG file starts with an XML declaration and a doctype, which may not appear inside an HTML page;
    everything from the first ``<svg`` tag on is kept unchanged. ``source`` names the file in the error.
    """
    start = data.find(_SVG_START)
    if start < 0:
        raise LovendeError(phrase(_MESSAGES, "no_svg", language, source=source))
    return data[start:].decode("utf-8")


def show_svg(path: Path) -> None:
    """Show the SVG file at ``path`` in the notebook (and so on the rendered page) as written."""
    from IPython.display import display

    display({"image/svg+xml": svg_element(Path(path).read_bytes(), str(path))}, raw=True)
