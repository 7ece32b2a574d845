"""Atomic outputs and the raw-data guard (``lovende_research.io``), checked by injecting failures.

The module's promise is that a reader never sees a half-written file and that ``data/raw/`` is never a
target, whichever way a path to it is spelt. Each test below breaks one step of a write on purpose (the
rename, the write itself) or spells a raw path another way, and asserts what is on disk afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from lovende_research import io
from lovende_research.config import PROCESSED_DIR, PROJECT_ROOT, RAW_DIR
from lovende_research.errors import LovendeError

OLD, NEW = b"old complete contents\n", b"new contents, much longer than the old ones\n" * 100


def _leftovers(folder: Path, target: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p != target)


def test_new_bytes_arrive_by_one_rename_from_a_temporary_file_beside_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins down *atomic*: until the rename the target holds its old bytes whole, the new bytes sit in a
    temporary file in the same folder (a rename across file systems would not be atomic), and after it
    the target holds the new bytes and nothing else is left in the folder."""
    target = tmp_path / "scores.parquet"
    target.write_bytes(OLD)
    seen: list[tuple[Path, bytes, bytes]] = []
    real_replace = os.replace

    def watching_replace(source: str | Path, destination: str | Path) -> None:
        seen.append((Path(source), Path(source).read_bytes(), Path(destination).read_bytes()))
        real_replace(source, destination)

    monkeypatch.setattr(io.os, "replace", watching_replace)
    io.atomic_write_bytes(target, NEW)
    assert len(seen) == 1
    source, source_bytes, target_bytes_before = seen[0]
    assert source.parent == target.parent and source != target
    # Hidden and with a suffix of its own, so a listing or a glob for "*.parquet" never picks it up.
    assert source.name.startswith(".scores.parquet.") and source.name.endswith(".tmp")
    assert (source_bytes, target_bytes_before) == (NEW, OLD)
    assert target.read_bytes() == NEW
    assert _leftovers(tmp_path, target) == []


def test_a_failed_rename_leaves_the_old_file_whole_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins down the clean-up when the last step fails (disk full, a reader on Windows holding the file):
    the error reaches the caller, the old file is unchanged and the temporary file is removed."""
    target = tmp_path / "report.html"
    target.write_bytes(OLD)

    def failing_replace(source: str | Path, destination: str | Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(io.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        io.atomic_write_bytes(target, NEW)
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []


def test_a_write_that_fails_half_way_leaves_the_old_file_whole_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins down that the bytes are written aside: a stream that takes half the bytes and then fails
    (a full disk, an interrupted process) leaves the target as it was and no partial file beside it."""
    target = tmp_path / "element_scores.parquet"
    target.write_bytes(OLD)
    real_fdopen = os.fdopen

    class HalfWrite:
        def __init__(self, stream: object) -> None:
            self.stream = stream

        def __enter__(self) -> "HalfWrite":
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()  # type: ignore[attr-defined]

        def write(self, data: bytes) -> int:
            self.stream.write(data[: len(data) // 2])  # type: ignore[attr-defined]
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(io.os, "fdopen", lambda fd, mode: HalfWrite(real_fdopen(fd, mode)))
    with pytest.raises(OSError, match="Input/output"):
        io.atomic_write_bytes(target, NEW)
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []


def test_outputs_are_readable_by_others_as_the_umask_allows(tmp_path: Path) -> None:
    """Pins down the permissions: mkstemp makes owner-only files, but outputs are for sharing, so the
    written file has the mode a plain ``open`` would give (0o666 less the umask)."""
    target = io.atomic_write_text(tmp_path / "index.html", "<p>x</p>")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize(
    "spelling",
    [
        "absolute path into a study folder",
        "the raw folder itself",
        "a new study folder under data/raw",
        "relative to the project root",
        "through data/processed/..",
        "through a symlink to data/raw",
    ],
)
def test_refuse_raw_refuses_every_spelling_of_a_path_under_data_raw(
    spelling: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins down the raw-data guard against the spellings a caller could build: absolute, relative to
    the working folder, through ``..`` and through a symbolic link; every study folder under
    ``data/raw/`` is covered, not only the bundled example, and nothing is written."""
    monkeypatch.chdir(PROJECT_ROOT)
    link = tmp_path / "link_to_raw"
    link.symlink_to(RAW_DIR, target_is_directory=True)
    target = {
        "absolute path into a study folder": RAW_DIR / "example" / "codings.csv",
        "the raw folder itself": RAW_DIR,
        "a new study folder under data/raw": RAW_DIR / "not_yet_there" / "scores" / "x.parquet",
        "relative to the project root": Path("data/raw/example/interviews.csv"),
        "through data/processed/..": PROCESSED_DIR / ".." / "raw" / "example" / "study.yml",
        "through a symlink to data/raw": link / "example" / "new_file.csv",
    }[spelling]
    with pytest.raises(LovendeError, match="skrivebeskyttet"):
        io.refuse_raw(target)
    if target != RAW_DIR:
        with pytest.raises(LovendeError, match="skrivebeskyttet"):
            io.atomic_write_text(target, "overskrevet\n")
        assert not (RAW_DIR / "not_yet_there").exists()
        assert not (RAW_DIR / "example" / "new_file.csv").exists()


@pytest.mark.parametrize(
    "relative",
    ["data/processed/example/scores.parquet", "data/raw_backup/example/codings.csv", "reports/example/index.html"],
)
def test_refuse_raw_lets_through_paths_that_only_look_like_raw(relative: str) -> None:
    """Pins down that the guard compares whole folders, not text: ``data/raw_backup`` starts with the
    characters ``data/raw`` but is not under it, and processed and report folders are the normal targets."""
    io.refuse_raw(PROJECT_ROOT / relative)


def test_refuse_raw_lets_through_a_folder_called_raw_elsewhere(tmp_path: Path) -> None:
    """Pins down that only the project's ``data/raw/`` is guarded: a folder that happens to be called
    ``raw`` somewhere else (a researcher's own layout) is written as any other."""
    target = tmp_path / "data" / "raw" / "example" / "out.json"
    io.write_json(target, {"a": 1})
    assert target.read_text(encoding="utf-8") == '{\n  "a": 1\n}\n'


def test_create_new_files_never_replaces_a_file_and_removes_what_it_made(tmp_path: Path) -> None:
    """Pins down the one write allowed into a study folder: a name that exists stops the call, the
    existing file keeps its bytes, and the files this call had already made are removed again."""
    folder = tmp_path / "new_study"
    folder.mkdir()
    (folder / "b.csv").write_bytes(OLD)
    with pytest.raises(FileExistsError):
        io.create_new_files(folder, {"a.csv": b"a\n", "b.csv": NEW})
    assert (folder / "b.csv").read_bytes() == OLD
    assert sorted(p.name for p in folder.iterdir()) == ["b.csv"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_create_new_files_links_each_file_from_a_hidden_temporary_and_shares_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins down how a new study's files arrive: each from a hidden ``.<name>.….tmp`` file in the same
    folder by a hard link (which fails rather than replace), with the mode a plain ``open`` gives, and
    into a folder made with its parents."""
    folder = tmp_path / "studies" / "new_study"
    linked: list[tuple[str, str]] = []
    real_link = os.link

    def watching_link(source: str | Path, destination: str | Path) -> None:
        assert Path(source).parent == Path(destination).parent  # a hard link needs one file system: written beside
        linked.append((Path(source).name, Path(destination).name))
        real_link(source, destination)

    monkeypatch.setattr(io.os, "link", watching_link)
    io.create_new_files(folder, {"study.yml": b"title: x\n", "codings.csv": b"a\n"})
    assert [destination for _, destination in linked] == ["study.yml", "codings.csv"]
    assert all(source.startswith(f".{destination}.") and source.endswith(".tmp") for source, destination in linked)
    assert sorted(p.name for p in folder.iterdir()) == ["codings.csv", "study.yml"]
    assert (folder / "study.yml").read_bytes() == b"title: x\n"
    assert all((folder / name).stat().st_mode & 0o777 == 0o666 & ~_umask() for name in ("study.yml", "codings.csv"))
    io.create_new_files(tmp_path / "empty", {})
    io.create_new_files(tmp_path / "empty", {"a.csv": b"a\n"})  # an existing empty folder is allowed
    assert (tmp_path / "empty" / "a.csv").read_bytes() == b"a\n"


def test_create_new_files_removes_a_folder_it_made_when_a_later_file_fails(tmp_path: Path) -> None:
    """Pins down the clean-up: a bad name after a good one removes the good file and the folder the call
    made, so a failed ``new-study`` leaves nothing behind; a folder that was there before stays."""
    made = tmp_path / "made_here"
    with pytest.raises(LovendeError, match="ikke et filnavn"):
        io.create_new_files(made, {"study.yml": b"x\n", "../outside.csv": b"y\n"})
    assert not made.exists() and not (tmp_path / "outside.csv").exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    with pytest.raises(LovendeError, match="ikke et filnavn"):
        io.create_new_files(existing, {"study.yml": b"x\n", "sub/file.csv": b"y\n"})
    assert existing.is_dir() and list(existing.iterdir()) == []


@pytest.mark.parametrize("name", ["", ".", "..", "sub/file.csv", "../up.csv", "/etc/passwd", "sub/../inside.csv"])
def test_file_in_refuses_a_name_that_is_not_a_plain_file_name(name: str, tmp_path: Path) -> None:
    """Pins down the last guard for names built from data: empty, dot names and anything with a folder
    separator are refused, with the name and the folder in the message."""
    with pytest.raises(LovendeError) as raised:
        io.file_in(tmp_path, name)
    assert (
        repr(name) in str(raised.value)
        and str(tmp_path) in str(raised.value)
        and "mappeskilletegn" in str(raised.value)
    )


@pytest.mark.parametrize("name", ["", ".", ".."])
def test_file_in_refuses_dot_names_even_where_the_folder_is_its_own_parent(name: str) -> None:
    """Pins down the explicit list of dot names: in ``/`` the folder is its own parent, so only the list
    (not the resolved-parent comparison) stops ``""``, ``.`` and ``..`` there. Nothing is written."""
    with pytest.raises(LovendeError, match="ikke et filnavn"):
        io.file_in(Path("/"), name)


def test_file_in_refuses_a_symlink_that_leads_out_of_the_folder(tmp_path: Path) -> None:
    """Pins down the resolved check: a plain name that is a symbolic link to another folder's file would
    write through the link, so it is refused; a plain new name is returned as ``folder / name``."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "P01.html").symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(LovendeError, match="ikke et filnavn"):
        io.file_in(folder, "P01.html")
    assert io.file_in(folder, "P02.html") == folder / "P02.html"


def test_write_json_bytes_are_sorted_readable_and_take_any_value(tmp_path: Path) -> None:
    """Pins down the JSON form that makes reruns byte-identical and readable: keys sorted, two-space
    indent, Danish letters as they are (not ``\\u00e6``), paths and dates as text, a final newline."""
    target = io.write_json(tmp_path / "run.json", {"b": 1, "a": "æble", "path": Path("data/x")})
    assert target.read_bytes() == '{\n  "a": "æble",\n  "b": 1,\n  "path": "data/x"\n}\n'.encode("utf-8")


def test_write_parquet_keeps_an_index_only_when_it_carries_information(tmp_path: Path) -> None:
    """Pins down the index rule: a default 0…n−1 index is dropped, a named index is kept as a column."""
    plain = pd.DataFrame({"x": [1, 2]})
    named = plain.set_axis(pd.Index(["P1", "P2"], name="practice_id"))
    io.write_parquet(plain, tmp_path / "plain.parquet")
    io.write_parquet(named, tmp_path / "named.parquet")
    assert list(pd.read_parquet(tmp_path / "plain.parquet").reset_index().columns) == ["index", "x"]
    # Dropped, not kept as pandas metadata either: other readers (R arrow, DuckDB) see the columns only.
    assert pq.read_schema(tmp_path / "plain.parquet").pandas_metadata["index_columns"] == []
    assert pd.read_parquet(tmp_path / "named.parquet").index.tolist() == ["P1", "P2"]


# OWASP, "CSV Injection": cells beginning with =, +, -, @, tab or carriage return are evaluated by
# spreadsheet programs; the advice is to prefix them with a single quote.
RISKY = ["=1+2", "+A1", "-A1", "@SUM(A1)", "\tx", "\rx"]
HARMLESS = ["-3", "+4.5", "P03-L", "a=b", "", "1e5"]


def test_csv_text_quotes_every_formula_start_and_leaves_numbers_and_other_text() -> None:
    """Pins down each of the six formula starts and the number exemption, cell by cell."""
    assert [io.csv_text(v) for v in RISKY] == ["'" + v for v in RISKY]
    assert [io.csv_text(v) for v in HARMLESS] == HARMLESS
    assert io.csv_text(-3) == -3


def test_csv_safe_frame_agrees_with_csv_text_on_every_cell_and_leaves_the_input_alone() -> None:
    """Pins down that the column-wise fast path gives what :func:`csv_text` gives cell by cell, on text
    and on pandas' string dtype, leaves numeric columns as they are and does not change its argument."""
    frame = pd.DataFrame(
        {
            "n": range(12),  # a column to skip before the text columns, so skipping it must not end the loop
            "text": RISKY + HARMLESS,
            "typed": pd.array(HARMLESS + RISKY, dtype="string"),
            "mixed": pd.Series(["=1+2", 3, -4, "P03-L"] * 3, dtype=object),  # text among numbers in one column
        }
    )
    before = frame.copy()
    safe = io.csv_safe_frame(frame)
    assert safe["text"].tolist() == [io.csv_text(v) for v in RISKY + HARMLESS]
    assert safe["typed"].tolist() == [io.csv_text(v) for v in HARMLESS + RISKY]
    assert safe["n"].tolist() == list(range(12))
    assert safe["mixed"].tolist() == ["'=1+2", 3, -4, "P03-L"] * 3
    pd.testing.assert_frame_equal(frame, before)


def test_text_cells_makes_formula_like_cells_text_and_leaves_the_rest() -> None:
    """Pins down the XLSX guard: a cell beginning like a formula becomes a quoted text cell on every
    sheet; numbers and other text keep their type and no quote prefix."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.append(['=HYPERLINK("x")', "P03-L", 3])
    second = workbook.create_sheet("b")
    second.append(["@SUM(A1)", "-A1"])
    io.text_cells(workbook)
    assert [(c.data_type, bool(c.quotePrefix)) for c in first[1]] == [("s", True), ("s", False), ("n", False)]
    assert [(c.data_type, bool(c.quotePrefix)) for c in second[1]] == [("s", True), ("s", True)]
    assert first["A1"].value == '=HYPERLINK("x")'
