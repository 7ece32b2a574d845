"""``lovende …``: the command line. Each subcommand is a thin shell over a package function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from lovende_research.errors import LovendeError


def _validate(args: argparse.Namespace) -> int:
    from lovende_research.study import validate_study

    problems = validate_study(args.study_dir)
    if problems:
        print(f"{args.study_dir}: {len(problems)} problem{'er' if len(problems) != 1 else ''}", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"{args.study_dir}: ingen problemer fundet")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lovende", description="Kortlægning af lovende praksis (lovende-research)")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="tjek en studiemappe og vis alle problemer")
    validate.add_argument("study_dir", type=Path)
    validate.set_defaults(handler=_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except LovendeError as exc:
        print(f"fejl: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
