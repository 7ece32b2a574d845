"""The suite's rule that every test id is plain ASCII (``tests/plain_ids.py`` says why mutmut needs it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plain_ids import plain_id

pytest_plugins = ["pytester"]

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")


def test_a_generated_id_is_spelt_out_and_an_explicit_escaped_one_stops_the_collection(
    pytester: pytest.Pytester,
) -> None:
    """Pins down both hooks: a text parameter's own id comes out in ASCII, and an explicit id pytest has to
    escape is refused with its name before any test runs."""
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_ids="""
import pytest

@pytest.mark.parametrize("word", ["bedømt", "plain"])
def test_generated(word):
    assert word
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--collect-only", "-q")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["test_ids.py::test_generated[bedoemt]", "test_ids.py::test_generated[plain]"])
    pytester.makepyfile(
        test_explicit="""
import pytest

@pytest.mark.parametrize("word", ["x"], ids=["Ærø"])
def test_explicit(word):
    assert word
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test ids must be plain ASCII*test_explicit*"])


@pytest.mark.parametrize(
    "text, plain",
    [
        ("samme unit × rater", "samme unit x rater"),
        ("Ærø, Søby, Åbenrå", "Aeroe, Soeby, Aabenraa"),
        ("én café", "en cafe"),
        ("'v0' → 'v2'", "'v0' ? 'v2'"),
    ],
    ids=["times", "danish", "accents", "arrow"],
)
def test_plain_id_spells_danish_letters_and_drops_accents(text: str, plain: str) -> None:
    assert plain_id(text) == plain
