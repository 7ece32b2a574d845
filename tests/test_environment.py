"""environment.yml (conda, Binder) and pyproject.toml must name the same runtime dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from lovende_research.config import PROJECT_ROOT

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _parse(requirement: str) -> tuple[str, str]:
    match = REQUIREMENT.match(requirement)
    assert match, requirement
    name = match.group(1).lower().replace("_", "-")
    return name, match.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(_parse(r) for r in data["project"]["dependencies"])


def _environment() -> dict[str, str]:
    data = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    packages = [d for d in data["dependencies"] if isinstance(d, str)]
    parsed = dict(_parse(p.replace("=", "==", 1) if re.match(r"^[\w-]+=[^=]", p) else p) for p in packages)
    parsed.pop("pip", None)
    parsed.pop("python", None)
    return parsed


def test_same_packages_and_bounds() -> None:
    assert _environment() == _pyproject()


def test_drift_is_detected(tmp_path) -> None:
    """The comparison is not vacuous: dropping a package from one side makes the two differ."""
    environment = _environment()
    environment.pop("statsmodels")
    assert environment != _pyproject()
    assert len(_pyproject()) >= 10


def test_python_version_agrees() -> None:
    data = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = next(d for d in data["dependencies"] if isinstance(d, str) and d.startswith("python="))
    requires = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "requires-python"
    ]
    assert requires == ">=" + python.split("=")[1]
