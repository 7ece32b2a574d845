"""The suite's own rule that nothing skips quietly, and that its cross-check packages are installed.

``tests/conftest.py`` turns any skip into a failure unless the test is marked ``may_skip``; these tests
run small suites with pytester to check that the rule holds (a skip in a test, a skip at module level)
and that a marked skip still skips.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

from lovende_research.config import PROJECT_ROOT

pytest_plugins = ["pytester"]

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")


def test_an_unmarked_skip_fails_and_a_marked_one_skips(pytester: pytest.Pytester) -> None:
    """Pins down the hook: ``pytest.skip`` in a test is a failure; with ``may_skip`` it stays a skip."""
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_x="""
import pytest

def test_quiet():
    pytest.skip("package missing")

@pytest.mark.may_skip(reason="shown to the reader")
def test_allowed():
    pytest.skip("allowed here")

@pytest.mark.xfail(strict=True)
def test_expected_failure():
    assert False
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(failed=1, skipped=1, xfailed=1)
    result.stdout.fnmatch_lines(["*no quiet skips*package missing*"])


def test_a_module_skipped_at_collection_fails(pytester: pytest.Pytester) -> None:
    """Pins down the collection hook: a module-level ``importorskip`` of a missing module is an error,
    not a skipped file."""
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_y="import pytest\nnothing = pytest.importorskip('no_such_module_here')\n\ndef test_a():\n    pass\n"
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*no quiet skips*"])
    assert result.parseoutcomes().get("skipped", 0) == 0


def test_cross_check_packages_are_in_the_test_extra_and_installed() -> None:
    """Pins down that ``make test`` (which installs ``.[test]``) brings the GPL cross-check package
    krippendorff and statsmodels' Holm, so their tests run rather than skip; and that the package itself
    never imports the GPL one."""
    extra = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]["test"]
    assert any(requirement.startswith("krippendorff") for requirement in extra)
    assert importlib.metadata.version("krippendorff")
    package = PROJECT_ROOT / "lovende_research"
    assert not [p for p in package.rglob("*.py") if "import krippendorff" in p.read_text(encoding="utf-8")]
    make = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet -e '.[test]'" in make  # the set-up every make target starts from
