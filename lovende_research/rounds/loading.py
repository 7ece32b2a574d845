"""Rounds as data: two or more study folders of one mapping, matched practice by practice.

A repeated mapping is a study folder per round. They are compared only on what they share: practices
are matched by ``practice_id`` (those found in one round only are listed, not guessed at), and every
round must be coded with the same questionnaire, the same title and version, or a declared item
mapping (``docs/rounds.md``) says which item of the earlier version is which item of the later one.
A round's codings are then renamed to the last round's item ids, so every round is scored by the
same instrument and an element means the same items in each.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from lovende_research.errors import InputError, LovendeError, Problem, Text
from lovende_research.instrument import Instrument
from lovende_research.study import Study
from lovende_research.study_config import STUDY_FILE, read_config

#: The keys an item-mapping file holds (``docs/rounds.md``).
MAPPING_KEYS: tuple[str, ...] = ("from_version", "to_version", "items")


class RoundsError(LovendeError):
    """Rounds that cannot be compared: names both versions, or the folders, and what was expected."""


@dataclass(frozen=True)
class ItemMapping:
    """Which item of instrument version ``from_version`` is which item of ``to_version``."""

    from_version: str
    to_version: str
    #: Earlier item id → later item id, or ``None`` for an earlier item that has no counterpart.
    items: dict[str, str | None]


@dataclass(frozen=True)
class Rounds:
    """Loaded rounds, oldest first, with the practices they share.

    ``studies`` are as loaded, except that the codings of a round coded with an earlier instrument
    version carry the later version's item ids (:func:`load_rounds`); ``instrument`` is the last
    round's, by which every round is scored.
    """

    studies: tuple[Study, ...]
    instrument: Instrument
    matched: tuple[str, ...]
    only_in: dict[str, tuple[str, ...]]

    @property
    def labels(self) -> tuple[str, ...]:
        """Each round's name: its folder's name."""
        return tuple(study.name for study in self.studies)

    def unmatched_table(self) -> pd.DataFrame:
        """``round``, ``practice_id``: every interviewed practice found in that round only."""
        rows = [(label, pid) for label, pids in self.only_in.items() for pid in pids]
        return pd.DataFrame(rows, columns=["round", "practice_id"])


def instrument_label(instrument: Instrument, language: str = "da") -> str:
    """How an error names an instrument: its title in ``language`` and its version."""
    return f"'{instrument.title(language)}' version '{instrument.version}'"


def read_item_mapping(path: Path) -> ItemMapping:
    """Parse an item-mapping YAML file; every problem names the file and the key."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError.single(
            path,
            Text(f"kan ikke læses som YAML: {exc}", f"cannot be read as YAML: {exc}"),
            expected=Text("from_version, to_version og items", "from_version, to_version and items"),
        ) from None
    if not isinstance(raw, dict):
        raise InputError.single(
            path, Text("indeholder ingen nøgler", "holds no keys"), expected=", ".join(MAPPING_KEYS)
        )
    problems = [
        Problem(
            str(path),
            Text(f"ukendt nøgle '{key}'", f"unknown key '{key}'"),
            expected=", ".join(MAPPING_KEYS),
            column=str(key),
        )
        for key in raw
        if key not in MAPPING_KEYS
    ]
    for key in ("from_version", "to_version"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(
                Problem(
                    str(path),
                    Text(f"{key} mangler", f"{key} is missing"),
                    expected=Text("instrumentets version som tekst", "the instrument's version as text"),
                    column=key,
                    value=raw.get(key),
                )
            )
    items = raw.get("items")
    if (
        not isinstance(items, dict)
        or not items
        or not all(isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in items.items())
    ):
        problems.append(
            Problem(
                str(path),
                Text(
                    "items er ikke en mapping fra gammelt til nyt spørgsmåls-id",
                    "items is not a mapping from old to new item id",
                ),
                expected="items: {teori_1: teori_1a, oekonomi_3: null}",
                column="items",
                value=items,
            )
        )
    elif len({v for v in items.values() if v is not None}) != sum(v is not None for v in items.values()):
        problems.append(
            Problem(
                str(path),
                Text("to gamle spørgsmål peger på samme nye", "two old items point to the same new one"),
                expected=Text("hvert nyt id højst én gang", "each new id at most once"),
                column="items",
            )
        )
    if problems or not isinstance(items, dict):
        raise InputError(problems)
    return ItemMapping(
        raw["from_version"].strip(),
        raw["to_version"].strip(),
        {k.strip(): v.strip() if v is not None else None for k, v in items.items()},
    )


def _mapped_codings(study: Study, later: Instrument, mapping: ItemMapping | None, later_name: str) -> Study:
    """``study`` with its codings in ``later``'s item ids, or a :class:`RoundsError` naming both versions."""
    earlier = study.instrument
    if (earlier.title("da"), earlier.version) == (later.title("da"), later.version):
        return study
    versions = Text(
        f"{study.name} har {instrument_label(earlier)}, {later_name} har {instrument_label(later)}",
        f"{study.name} has {instrument_label(earlier, 'en')}, {later_name} has {instrument_label(later, 'en')}",
    )
    if mapping is None:
        raise RoundsError(
            Text(
                f"runderne er kodet med forskellige instrumenter: {versions}; forventet: samme titel og version, "
                "eller en spørgsmålsmapping (--mapping, se docs/rounds.md)",
                f"the rounds are coded with different instruments: {versions.en}; expected: the same title and "
                "version, or an item mapping (--mapping, see docs/rounds.md)",
            )
        )
    if (mapping.from_version, mapping.to_version) != (earlier.version, later.version):
        applies = f"'{mapping.from_version}' → '{mapping.to_version}'"
        raise RoundsError(
            Text(f"mappingen gælder {applies}, men {versions}", f"the mapping is for {applies}, but {versions.en}")
        )
    if earlier.scale_codes != later.scale_codes:
        scales = (earlier.scale_codes, later.scale_codes)
        raise RoundsError(
            Text(
                f"svarskalaerne er forskellige ({scales[0]} og {scales[1]}): {versions}",
                f"the answer scales differ ({scales[0]} and {scales[1]}): {versions.en}",
            )
        )
    targets = {v for v in mapping.items.values() if v is not None}
    unknown = ", ".join(sorted(set(mapping.items) - set(earlier.item_ids)) + sorted(targets - set(later.item_ids)))
    if unknown:
        raise RoundsError(
            Text(
                f"mappingen nævner spørgsmål, som instrumenterne ikke har: {unknown} ({versions})",
                f"the mapping names items the instruments do not have: {unknown} ({versions.en})",
            )
        )
    # An item id both versions have is the same item unless the mapping says otherwise.
    same = {i: i for i in set(earlier.item_ids) & set(later.item_ids) if i not in targets}
    names = {
        **same,
        **{k: v for k, v in mapping.items.items() if v is not None},
        earlier.screen_item.id: later.screen_item.id,
    }
    names = {k: v for k, v in names.items() if mapping.items.get(k, v) is not None}
    codings = study.codings[study.codings["item_id"].isin(names)].copy()
    codings["item_id"] = codings["item_id"].map(names)
    return dataclasses.replace(study, codings=codings.reset_index(drop=True), instrument=later)


def load_rounds(paths: list[Path], mapping: Path | None = None) -> Rounds:
    """Load two or more study folders, oldest first, and match their practices by id.

    Parameters
    ----------
    paths : list of Path
        The rounds' study folders, oldest first.
    mapping : Path, optional
        An item-mapping YAML (``docs/rounds.md``) for rounds coded with different instrument versions.

    Returns
    -------
    Rounds
        The studies (earlier rounds' codings in the last round's item ids), the practices interviewed
        in every round (``matched``) and, per round, those interviewed in that round only.

    Raises
    ------
    RoundsError
        Fewer than two rounds, a folder given twice, no practice in common, or instruments that
        differ without a mapping that fits them (the message names both versions).
    """
    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        raise RoundsError(
            Text(
                f"en sammenligning kræver mindst to runder, fandt {len(paths)}; forventet: lovende compare RUNDE1 RUNDE2",
                f"a comparison needs at least two rounds, found {len(paths)}; expected: lovende compare ROUND1 ROUND2",
            )
        )
    folders = ", ".join(str(p) for p in paths)
    resolved = [p.resolve() for p in paths]
    if len(set(resolved)) != len(resolved):
        raise RoundsError(
            Text(f"samme mappe er angivet to gange: {folders}", f"the same folder is given twice: {folders}")
        )
    if len({p.name for p in resolved}) != len(resolved):
        raise RoundsError(
            Text(
                f"runderne skal ligge i mapper med forskellige navne (navnet er rundens etiket): {folders}",
                f"the rounds must lie in folders with different names (the name is the round's label): {folders}",
            )
        )
    studies = [Study.load(p) for p in paths]
    item_mapping = read_item_mapping(mapping) if mapping is not None else None
    later = studies[-1].instrument
    studies = [_mapped_codings(s, later, item_mapping, studies[-1].name) for s in studies[:-1]] + [studies[-1]]
    interviewed = [set(s.interviews["practice_id"].astype(str)) for s in studies]
    matched = tuple(sorted(set.intersection(*interviewed)))
    if not matched:
        raise RoundsError(
            Text(
                f"runderne har ingen interviewet praksis tilfælles (praksisser matches på practice_id): {folders}",
                f"the rounds have no interviewed practice in common (practices are matched on practice_id): {folders}",
            )
        )
    only_in = {s.name: tuple(sorted(ids - set(matched))) for s, ids in zip(studies, interviewed, strict=True)}
    return Rounds(studies=tuple(studies), instrument=later, matched=matched, only_in=only_in)


def round_folders(study_dir: Path) -> list[Path]:
    """The rounds a study names in ``study.yml`` (``rounds:``, relative to its folder), then the study itself.

    A named folder that does not exist is an :class:`~lovende_research.errors.InputError` naming
    ``study.yml`` and the key.
    """
    study_dir = Path(study_dir)
    config = read_config(study_dir)
    earlier = [(study_dir / name) for name in config.rounds]
    missing = [
        Problem(
            STUDY_FILE,
            Text(f"runden '{name}' findes ikke", f"the round '{name}' does not exist"),
            expected=Text(
                "en studiemappe, angivet i forhold til studiets egen mappe",
                "a study folder, given relative to the study's own folder",
            ),
            column="rounds",
            value=name,
        )
        for name, folder in zip(config.rounds, earlier, strict=True)
        if not folder.is_dir()
    ]
    if missing:
        raise InputError(missing)
    return [*earlier, study_dir]
