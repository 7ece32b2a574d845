"""A run of some stages (``--only``) never passes pages of another run's tables off as current, and a run
prints nothing alarming about its kernels (issue 24, parts 5 and 7).

The stages are the stand-in notebooks of ``tests/test_stage_commits.py`` (each writes a few files into
its folder, reading the stage before it) plus a stand-in report, run through the real runner.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lovende_research.pipeline import run_study
from tests.test_pipeline import _notebook
from tests.test_stage_commits import _stand_in_notebooks
from tests.test_study import make_study

#: What jupyter_client / ipykernel printed on every normal run before the kernels got their own manager.
NOISE = ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in kernel")


def _linked_and_stale(index: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The index's stage pages: linked page → its run, and stale title → its run."""
    text = index.read_text(encoding="utf-8")
    linked = dict(re.findall(r'<li><a href="(0\d_[a-z_]+\.html)">.*?lavet i kørsel ([\w-]+)</span></li>', text))
    stale_block = re.search(r'<ul class="stale">(.*?)</ul>', text, re.S)
    stale = (
        dict(
            re.findall(
                r"<li>(.*?) &middot; <span class=\"run\">lavet i kørsel ([\w-]+)</span></li>", stale_block.group(1)
            )
        )
        if stale_block
        else {}
    )
    return linked, stale


def test_only_scoring_leaves_the_later_pages_stale_and_unlinked_and_the_run_is_quiet(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    study = make_study(tmp_path / "raw" / "lille")
    notebooks = _stand_in_notebooks(tmp_path / "notebooks")
    _notebook(notebooks / "04_report.ipynb", "print('syntese')")
    where = {
        "notebooks_dir": notebooks,
        "processed_base": tmp_path / "processed",
        "reports_base": tmp_path / "reports",
        "progress": False,
    }

    first = run_study(study, **where)
    out, err = capfd.readouterr()
    assert not [line for line in (out + err).splitlines() if any(n in line for n in NOISE)], (
        "a normal run printed kernel noise"
    )
    linked, stale = _linked_and_stale(first.index)
    assert set(linked) == {
        "01_screening.html",
        "02_interview_coding.html",
        "03_subjectivity_bias.html",
        "04_report.html",
    }
    assert len(set(linked.values())) == 1 and not stale
    run_1 = next(iter(linked.values()))

    second = run_study(study, only=["scoring"], **where)
    linked, stale = _linked_and_stale(second.index)
    run_2 = linked["02_interview_coding.html"]
    # 01 still shows the screening in place (made by the first run); 02 is this run's; 03 and 04 were made
    # from the scores this run replaced: named with their run, not linked.
    assert linked["01_screening.html"] == run_1
    assert (
        set(linked) == {"01_screening.html", "02_interview_coding.html"} and linked["02_interview_coding.html"] != run_1
    )
    assert set(stale) == {"Tjek af subjektivitetsbias", "Samlet rapport"} and set(stale.values()) == {run_1}
    reports = second.index.parent
    for page in ("03_subjectivity_bias.html", "04_report.html"):
        assert 'class="stale-page"' in (reports / page).read_text(encoding="utf-8"), f"{page} carries no stale banner"
    assert 'class="stale-page"' not in (reports / "02_interview_coding.html").read_text(encoding="utf-8")

    third = run_study(study, only=["bias", "report"], **where)
    linked, stale = _linked_and_stale(third.index)
    assert len(linked) == 4 and not stale
    # 02 from the second run is still current: 03 and 04 of this run were computed from its scores
    assert linked["02_interview_coding.html"] == run_2 and linked["03_subjectivity_bias.html"] == linked[
        "04_report.html"
    ] not in (run_1, run_2)
    assert 'class="stale-page"' not in (reports / "03_subjectivity_bias.html").read_text(encoding="utf-8")
