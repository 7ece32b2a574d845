"""``lovende …``: the command line. Each subcommand is a thin shell over a package function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from lovende_research.config import PROCESSED_DIR
from lovende_research.errors import LovendeError


def _validate(args: argparse.Namespace) -> int:
    from lovende_research.run_checks import run_problems
    from lovende_research.study import study_warnings

    warnings = study_warnings(args.study_dir)
    if warnings:
        print(f"{args.study_dir}: {len(warnings)} advarsel{'er' if len(warnings) != 1 else ''} om mulige personnavne")
        for warning in warnings:
            print(f"  - {warning}")
    problems = run_problems(args.study_dir, args.stage)
    if problems:
        print(f"{args.study_dir}: {len(problems)} problem{'er' if len(problems) != 1 else ''}", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"{args.study_dir}: ingen problemer fundet")
    return 0


def _new_study(args: argparse.Namespace) -> int:
    from lovende_research.templates import new_study

    target = new_study(args.study_dir, language=args.lang, title=args.title)
    print(f"ny studiemappe: {target}")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from lovende_research.simulate import SimulationSpec, simulate_study

    if args.rounds > 1:
        from lovende_research.rounds.simulation import RoundsSpec, write_rounds

        folders = write_rounds(args.out_dir, RoundsSpec(n_rounds=args.rounds, change=args.change), args.seed)
        print(f"simulerede runder (ændring {args.change}, seed {args.seed}): {', '.join(str(f) for f in folders)}")
        return 0
    target = simulate_study(args.out_dir, SimulationSpec.preset(args.preset), args.seed)
    print(f"simuleret studie ({args.preset}, seed {args.seed}): {target}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from lovende_research.pipeline import run_study

    result = run_study(
        args.study_dir,
        params_file=args.params,
        language=args.lang,
        only=args.only.split(",") if args.only else None,
        jobs=args.jobs,
        reports_base=args.out,
        processed_base=args.processed,
        wait=args.wait,
        allow_mixed_runs=args.allow_mixed_runs,
    )
    print(f"rapporter: {result.index}")
    return 0


def _pdf(args: argparse.Namespace) -> int:
    from lovende_research.config import REPORTS_DIR
    from lovende_research.pdf_export import write_pdfs

    written = write_pdfs((args.out if args.out is not None else REPORTS_DIR) / Path(args.study_dir).name)
    print(f"{len(written)} PDF-filer skrevet i {written[0].parent if written else '-'}")
    return 0


def _teach(args: argparse.Namespace) -> int:
    from lovende_research.teaching import make_handouts

    index = make_handouts(args.out, groups=args.groups, seed=args.seed, language=args.lang, jobs=args.jobs)
    print(f"lærerens oversigt: {index}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from lovende_research.i18n import phrase
    from lovende_research.scoring.planner import PHRASES, plan_study
    from lovende_research.study import Study

    study = Study.load(args.study_dir)
    plan = plan_study(study, n_boot=args.n_boot, seed=args.seed)
    print(plan.text(args.lang))
    written = plan.write(args.out if args.out is not None else args.processed / study.name / "design")
    print(phrase(PHRASES, "written", args.lang, paths=", ".join(str(path) for path in written)))
    return 0


def _compare(args: argparse.Namespace) -> int:
    from lovende_research.rounds.comparison import compare_rounds

    page = compare_rounds(args.rounds, mapping=args.mapping, language=args.lang, reports_base=args.out, n_boot=args.n_boot, seed=args.seed)
    print(f"udvikling: {page}")
    return 0


def _lab(args: argparse.Namespace) -> int:
    from lovende_research.lab import open_lab

    return open_lab(port=args.port, no_browser=args.no_browser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lovende", description="Kortlægning af lovende praksis (lovende-research)")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="tjek en studiemappe og vis alle problemer")
    validate.add_argument("study_dir", type=Path)
    validate.add_argument("--stage", choices=("screening",), default=None, help="tjek kun det, trinnet læser (screening: kandidater og screening)")
    validate.set_defaults(handler=_validate)

    new = commands.add_parser("new-study", help="opret en tom studiemappe med skabeloner og kodeark")
    new.add_argument("study_dir", type=Path)
    new.add_argument("--lang", choices=("da", "en"), default="da")
    new.add_argument("--title", default=None)
    new.set_defaults(handler=_new_study)

    simulate = commands.add_parser("simulate", help="skriv et syntetisk studie med kendt, indplantet sandhed")
    simulate.add_argument("out_dir", type=Path)
    simulate.add_argument("--preset", choices=("example", "small", "national"), default="example")
    simulate.add_argument("--seed", type=int, default=2017)
    simulate.add_argument("--rounds", type=int, default=1, help="2 eller flere: gentagne kortlægninger med indplantet ændring (runde-1, runde-2, ...)")
    simulate.add_argument("--change", type=float, default=0.3, help="med --rounds: den indplantede ændring pr. runde på 0-1-skalaen")
    simulate.set_defaults(handler=_simulate)

    run = commands.add_parser("run", help="kør kortlægningens notebooks på et studie og skriv rapporterne")
    run.add_argument("study_dir", type=Path)
    run.add_argument("--params", type=Path, default=None, help="YAML-fil med parametre pr. notebook")
    run.add_argument("--lang", choices=("da", "en"), default=None)
    run.add_argument("--only", default=None, help="kommasepareret liste af trin, fx screening,scoring")
    run.add_argument("--jobs", type=int, default=1, help="antal processer til siderne pr. praksis")
    run.add_argument("--out", type=Path, default=None, help="mappe til rapporterne (standard: reports/)")
    run.add_argument("--processed", type=Path, default=PROCESSED_DIR, help="mappe til tabellerne (standard: data/processed/)")
    run.add_argument("--wait", action="store_true", help="vent på en anden kørsel af samme studie i stedet for at stoppe")
    run.add_argument("--allow-mixed-runs", action="store_true", help="lad rapporten kombinere trin fra kørsler, der ikke passer sammen")
    run.set_defaults(handler=_run)

    pdf = commands.add_parser("pdf", help="udskriv oversigten, den samlede rapport og praksissiderne som PDF (headless Chromium)")
    pdf.add_argument("study_dir", type=Path)
    pdf.add_argument("--out", type=Path, default=None, help="mappe med rapporterne (standard: reports/)")
    pdf.set_defaults(handler=_pdf)

    teach = commands.add_parser("teach", help="lav et undervisningshæfte pr. gruppe, hver på sit eget simulerede studie")
    teach.add_argument("--groups", type=int, required=True)
    teach.add_argument("--seed", type=int, default=2017)
    teach.add_argument("--out", type=Path, required=True)
    teach.add_argument("--lang", choices=("da", "en"), default="da")
    teach.add_argument("--jobs", type=int, default=1)
    teach.set_defaults(handler=_teach)

    plan = commands.add_parser("plan", help="designplan: G- og Φ-koefficienter for 1-6 informanter og 1-3 kodere (fx på et pilotstudie)")
    plan.add_argument("study_dir", type=Path)
    plan.add_argument("--n-boot", type=int, default=200, help="genudtræk af praksisserne til intervallerne")
    plan.add_argument("--seed", type=int, default=None, help="seed (standard: studiets eget)")
    plan.add_argument("--lang", choices=("da", "en"), default="da")
    plan.add_argument("--out", type=Path, default=None, help="mappe til CSV-filerne (standard: data/processed/<studie>/design/)")
    plan.add_argument("--processed", type=Path, default=PROCESSED_DIR, help=argparse.SUPPRESS)
    plan.set_defaults(handler=_plan)

    compare = commands.add_parser("compare", help="sammenlign runder af en kortlægning: ændring pr. praksis og element med interval (reports/<studie>/udvikling.html)")
    compare.add_argument("rounds", type=Path, nargs="+", help="runderne, ældste først (eller kun den seneste, hvis dens study.yml har rounds:)")
    compare.add_argument("--mapping", type=Path, default=None, help="YAML med spørgsmål fra en ældre instrumentversion til en nyere (docs/rounds.md)")
    compare.add_argument("--lang", choices=("da", "en"), default=None, help="sidens sprog (standard: den seneste rundes)")
    compare.add_argument("--out", type=Path, default=None, help="mappe til rapporterne (standard: reports/)")
    compare.add_argument("--n-boot", type=int, default=2000, help="parametriske bootstrap-træk til intervallerne")
    compare.add_argument("--seed", type=int, default=None, help="seed (standard: den seneste rundes)")
    compare.set_defaults(handler=_compare)

    lab = commands.add_parser("lab", help="åbn JupyterLab på notebooks/ med projektets kerne (også som root; SIGTERM stopper server og kerner)")
    lab.add_argument("--port", type=int, default=8888, help="porten (optaget = fejl, ikke en anden port)")
    lab.add_argument("--no-browser", action="store_true", help="åbn ikke en browser (server, container)")
    lab.set_defaults(handler=_lab)
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
