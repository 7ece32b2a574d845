"""``lovende …``: the command line. Each subcommand is a thin shell over a package function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from lovende_research.config import PROCESSED_DIR
from lovende_research.errors import InputError, LovendeError, in_language, problem_count
from lovende_research.i18n import phrase

#: What the commands print, in the study's language or ``--lang`` (:func:`_language`).
PHRASES = {
    "warning": ("{study}: 1 advarsel om mulige personnavne", "{study}: 1 warning about possible names of people"),
    "warnings": (
        "{study}: {n} advarsler om mulige personnavne",
        "{study}: {n} warnings about possible names of people",
    ),
    "problems": ("{study}: {count}", "{study}: {count}"),
    "clean": ("{study}: ingen problemer fundet", "{study}: no problems found"),
    "new_study": ("ny studiemappe: {path}", "new study folder: {path}"),
    "reports": ("rapporter: {path}", "reports: {path}"),
    "error": ("fejl: {message}", "error: {message}"),
    "rounds": (
        "simulerede runder (ændring {change}, seed {seed}): {folders}",
        "simulated rounds (change {change}, seed {seed}): {folders}",
    ),
    "simulated": (
        "simuleret studie ({preset}, seed {seed}): {path}",
        "simulated study ({preset}, seed {seed}): {path}",
    ),
    "qdpx": (
        "REFI-QDA-projekt med skabelon-transskriptioner: {path}",
        "REFI-QDA project with template transcripts: {path}",
    ),
    "codebook": ("kodebog (REFI-QDA {format}): {path}", "codebook (REFI-QDA {format}): {path}"),
    "imported": (
        "{file} ({origin}): {n_codings} kodninger, {n_quotes} citater",
        "{file} ({origin}): {n_codings} codings, {n_quotes} quotes",
    ),
    "unknown_program": ("ukendt program", "unknown program"),
    "imported_files": ("  kodninger: {codings}\n  citater: {quotes}", "  codings: {codings}\n  quotes: {quotes}"),
    "foreign_codes": (
        "  {n_codings} kodninger med {n_codes} koder uden for instrumentet (ikke brugt):",
        "  {n_codings} codings with {n_codes} codes outside the instrument (not used):",
    ),
    "pdfs": ("{n} PDF-filer skrevet i {folder}", "{n} PDF files written in {folder}"),
    "teacher": ("lærerens oversigt: {path}", "the teacher's overview: {path}"),
    "rounds_page": ("udvikling: {path}", "development: {path}"),
}


def _language(args: argparse.Namespace) -> str:
    """``--lang`` when given, else the language of the study the command is about, else Danish."""
    if getattr(args, "lang", None):
        return str(args.lang)
    study_dir = getattr(args, "study_dir", None)
    if study_dir is not None:
        from lovende_research.study_config import declared_language

        return declared_language(Path(study_dir)) or "da"
    return "da"


def _validate(args: argparse.Namespace) -> int:
    from lovende_research.run_checks import run_problems
    from lovende_research.study import study_warnings

    language = _language(args)
    warnings = study_warnings(args.study_dir)
    if warnings:
        print(
            phrase(
                PHRASES,
                "warning" if len(warnings) == 1 else "warnings",
                language,
                study=args.study_dir,
                n=len(warnings),
            )
        )
        for warning in warnings:
            print(f"  - {warning.render(language)}")
    problems = run_problems(args.study_dir, args.stage)
    if problems:
        print(
            phrase(PHRASES, "problems", language, study=args.study_dir, count=problem_count(len(problems), language)),
            file=sys.stderr,
        )
        for problem in problems:
            print(f"  - {problem.render(language)}", file=sys.stderr)
        return 1
    print(phrase(PHRASES, "clean", language, study=args.study_dir))
    return 0


def _new_study(args: argparse.Namespace) -> int:
    from lovende_research.templates import new_study

    target = new_study(args.study_dir, language=args.lang, title=args.title)
    print(phrase(PHRASES, "new_study", args.lang, path=target))
    return 0


def _workbooks(args: argparse.Namespace) -> int:
    from lovende_research.coder_workbooks import write_coder_workbooks
    from lovende_research.consensus_sheet import write_consensus_sheet

    if args.consensus:
        print(write_consensus_sheet(args.study_dir, out=args.out, language=args.lang))
    if args.coders is not None or not args.consensus:
        for path in write_coder_workbooks(args.study_dir, args.coders or "", out=args.out, language=args.lang):
            print(path)
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from lovende_research.simulate import SimulationSpec, simulate_study

    if args.rounds > 1:
        from lovende_research.rounds.simulation import RoundsSpec, write_rounds

        folders = write_rounds(args.out_dir, RoundsSpec(n_rounds=args.rounds, change=args.change), args.seed)
        listed = ", ".join(str(f) for f in folders)
        print(phrase(PHRASES, "rounds", _language(args), change=args.change, seed=args.seed, folders=listed))
        return 0
    target = simulate_study(args.out_dir, SimulationSpec.preset(args.preset), args.seed)
    print(phrase(PHRASES, "simulated", _language(args), preset=args.preset, seed=args.seed, path=target))
    if args.qdpx:
        from lovende_research.qda.writer import write_study_project

        print(phrase(PHRASES, "qdpx", _language(args), path=write_study_project(target)))
    return 0


def _codebook(args: argparse.Namespace) -> int:
    from lovende_research.qda.commands import study_codebook

    path = study_codebook(args.study_dir, args.out, args.processed)
    print(phrase(PHRASES, "codebook", _language(args), format=args.format, path=path))
    return 0


def _import_qdpx(args: argparse.Namespace) -> int:
    from lovende_research.qda.commands import import_project

    result = import_project(args.file, args.study_dir, args.processed)
    language = _language(args)
    origin = result.origin or phrase(PHRASES, "unknown_program", language)
    print(
        phrase(
            PHRASES, "imported", language, file=args.file.name, origin=origin, n_codings=result.n_codings,
            n_quotes=result.n_quotes,
        )
    )  # fmt: skip
    print(phrase(PHRASES, "imported_files", language, codings=result.codings_file, quotes=result.quotes_file))
    if not result.foreign_codes.empty:
        n_codings, n_codes = int(result.foreign_codes["n_codings"].sum()), len(result.foreign_codes)
        print(phrase(PHRASES, "foreign_codes", language, n_codings=n_codings, n_codes=n_codes))
        for row in result.foreign_codes.itertuples():
            print(f"    - {row.code}: {row.n_codings}")
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
    print(phrase(PHRASES, "reports", _language(args), path=result.index))
    return 0


def _pdf(args: argparse.Namespace) -> int:
    from lovende_research.config import REPORTS_DIR
    from lovende_research.pdf_export import write_pdfs

    written = write_pdfs((args.out if args.out is not None else REPORTS_DIR) / Path(args.study_dir).name)
    print(phrase(PHRASES, "pdfs", _language(args), n=len(written), folder=written[0].parent if written else "-"))
    return 0


def _teach(args: argparse.Namespace) -> int:
    from lovende_research.teaching import make_handouts

    index = make_handouts(args.out, groups=args.groups, seed=args.seed, language=args.lang, jobs=args.jobs)
    print(phrase(PHRASES, "teacher", args.lang, path=index))
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

    page = compare_rounds(
        args.rounds, mapping=args.mapping, language=args.lang, reports_base=args.out, n_boot=args.n_boot, seed=args.seed
    )
    print(phrase(PHRASES, "rounds_page", _language(args), path=page))
    return 0


def _lab(args: argparse.Namespace) -> int:
    from lovende_research.lab import open_lab

    return open_lab(port=args.port, no_browser=args.no_browser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lovende", description="Kortlægning af lovende praksis (lovende-research)")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="tjek en studiemappe og vis alle problemer")
    validate.add_argument("study_dir", type=Path)
    validate.add_argument(
        "--stage",
        choices=("screening",),
        default=None,
        help="tjek kun det, trinnet læser (screening: kandidater og screening)",
    )
    validate.add_argument(
        "--lang", choices=("da", "en"), default=None, help="meddelelsernes sprog (standard: studiets)"
    )
    validate.set_defaults(handler=_validate)

    new = commands.add_parser("new-study", help="opret en tom studiemappe med skabeloner og kodeark")
    new.add_argument("study_dir", type=Path)
    new.add_argument("--lang", choices=("da", "en"), default="da")
    new.add_argument("--title", default=None)
    new.set_defaults(handler=_new_study)

    workbooks = commands.add_parser(
        "workbooks", help="skriv et kodeark pr. koder med ét ark pr. interview (uden for studiemappen)"
    )
    workbooks.add_argument("study_dir", type=Path)
    workbooks.add_argument("--coders", default=None, help="kommasepareret liste af koder-id, fx K1,K2")
    workbooks.add_argument(
        "--consensus", action="store_true", help="skriv koderuenighederne som ark til konsensusmødet (konsensus.xlsx)"
    )
    workbooks.add_argument(
        "--out", type=Path, default=None, help="mappe til kodearkene (standard: data/processed/<studie>/kodeark/)"
    )
    workbooks.add_argument("--lang", choices=("da", "en"), default=None, help="arkenes sprog (standard: studiets)")
    workbooks.set_defaults(handler=_workbooks)

    simulate = commands.add_parser("simulate", help="skriv et syntetisk studie med kendt, indplantet sandhed")
    simulate.add_argument("out_dir", type=Path)
    simulate.add_argument("--preset", choices=("example", "small", "national"), default="example")
    simulate.add_argument("--seed", type=int, default=2017)
    simulate.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="2 eller flere: gentagne kortlægninger med indplantet ændring (runde-1, runde-2, ...)",
    )
    simulate.add_argument(
        "--change", type=float, default=0.3, help="med --rounds: den indplantede ændring pr. runde på 0-1-skalaen"
    )
    simulate.add_argument(
        "--qdpx",
        action="store_true",
        help="skriv også kodningerne som REFI-QDA-projekt (<mappe>/qda/<mappe>.qdpx) med skabelon-transskriptioner",
    )
    simulate.add_argument(
        "--lang", choices=("da", "en"), default=None, help="meddelelsernes sprog (det simulerede studie er dansk)"
    )
    simulate.set_defaults(handler=_simulate)

    codebook = commands.add_parser(
        "codebook", help="skriv studiets instrument som REFI-QDA-kodebog til NVivo, MAXQDA, ATLAS.ti, QualCoder"
    )
    codebook.add_argument("study_dir", type=Path)
    codebook.add_argument("--format", choices=("qdc",), default="qdc", help="qdc: REFI-QDA Codebook Exchange")
    codebook.add_argument(
        "--out", type=Path, default=None, help="filen (standard: data/processed/<studie>/qda/<studie>-codebook.qdc)"
    )
    codebook.add_argument("--processed", type=Path, default=PROCESSED_DIR, help=argparse.SUPPRESS)
    codebook.set_defaults(handler=_codebook)

    import_qdpx = commands.add_parser(
        "import-qdpx", help="læs et kodet REFI-QDA-projekt (.qdpx/.qde) som studiets kodninger og citater"
    )
    import_qdpx.add_argument("file", type=Path)
    import_qdpx.add_argument("study_dir", type=Path)
    import_qdpx.add_argument(
        "--processed", type=Path, default=PROCESSED_DIR, help="mappe til tabellerne (standard: data/processed/)"
    )
    import_qdpx.set_defaults(handler=_import_qdpx)

    run = commands.add_parser("run", help="kør kortlægningens notebooks på et studie og skriv rapporterne")
    run.add_argument("study_dir", type=Path)
    run.add_argument("--params", type=Path, default=None, help="YAML-fil med parametre pr. notebook")
    run.add_argument("--lang", choices=("da", "en"), default=None)
    run.add_argument("--only", default=None, help="kommasepareret liste af trin, fx screening,scoring")
    run.add_argument("--jobs", type=int, default=1, help="antal processer til siderne pr. praksis")
    run.add_argument("--out", type=Path, default=None, help="mappe til rapporterne (standard: reports/)")
    run.add_argument(
        "--processed", type=Path, default=PROCESSED_DIR, help="mappe til tabellerne (standard: data/processed/)"
    )
    run.add_argument(
        "--wait", action="store_true", help="vent på en anden kørsel af samme studie i stedet for at stoppe"
    )
    run.add_argument(
        "--allow-mixed-runs",
        action="store_true",
        help="lad rapporten kombinere trin fra kørsler, der ikke passer sammen",
    )
    run.set_defaults(handler=_run)

    pdf = commands.add_parser(
        "pdf", help="udskriv oversigten, den samlede rapport og praksissiderne som PDF (headless Chromium)"
    )
    pdf.add_argument("study_dir", type=Path)
    pdf.add_argument("--out", type=Path, default=None, help="mappe med rapporterne (standard: reports/)")
    pdf.add_argument("--lang", choices=("da", "en"), default=None, help="meddelelsernes sprog (standard: studiets)")
    pdf.set_defaults(handler=_pdf)

    teach = commands.add_parser(
        "teach", help="lav et undervisningshæfte pr. gruppe, hver på sit eget simulerede studie"
    )
    teach.add_argument("--groups", type=int, required=True)
    teach.add_argument("--seed", type=int, default=2017)
    teach.add_argument("--out", type=Path, required=True)
    teach.add_argument("--lang", choices=("da", "en"), default="da")
    teach.add_argument("--jobs", type=int, default=1)
    teach.set_defaults(handler=_teach)

    plan = commands.add_parser(
        "plan", help="designplan: G- og Φ-koefficienter for 1-6 informanter og 1-3 kodere (fx på et pilotstudie)"
    )
    plan.add_argument("study_dir", type=Path)
    plan.add_argument("--n-boot", type=int, default=200, help="genudtræk af praksisserne til intervallerne")
    plan.add_argument("--seed", type=int, default=None, help="seed (standard: studiets eget)")
    plan.add_argument("--lang", choices=("da", "en"), default="da")
    plan.add_argument(
        "--out", type=Path, default=None, help="mappe til CSV-filerne (standard: data/processed/<studie>/design/)"
    )
    plan.add_argument("--processed", type=Path, default=PROCESSED_DIR, help=argparse.SUPPRESS)
    plan.set_defaults(handler=_plan)

    compare = commands.add_parser(
        "compare",
        help="sammenlign runder af en kortlægning: ændring pr. praksis og element med interval (reports/<studie>/udvikling.html)",
    )
    compare.add_argument(
        "rounds",
        type=Path,
        nargs="+",
        help="runderne, ældste først (eller kun den seneste, hvis dens study.yml har rounds:)",
    )
    compare.add_argument(
        "--mapping",
        type=Path,
        default=None,
        help="YAML med spørgsmål fra en ældre instrumentversion til en nyere (docs/rounds.md)",
    )
    compare.add_argument(
        "--lang", choices=("da", "en"), default=None, help="sidens sprog (standard: den seneste rundes)"
    )
    compare.add_argument("--out", type=Path, default=None, help="mappe til rapporterne (standard: reports/)")
    compare.add_argument("--n-boot", type=int, default=2000, help="parametriske bootstrap-træk til intervallerne")
    compare.add_argument("--seed", type=int, default=None, help="seed (standard: den seneste rundes)")
    compare.set_defaults(handler=_compare)

    lab = commands.add_parser(
        "lab",
        help="åbn JupyterLab på notebooks/ med projektets kerne (også som root; SIGTERM stopper server og kerner)",
    )
    lab.add_argument("--port", type=int, default=8888, help="porten (optaget = fejl, ikke en anden port)")
    lab.add_argument("--no-browser", action="store_true", help="åbn ikke en browser (server, container)")
    lab.add_argument("--lang", choices=("da", "en"), default=None, help="fejlmeddelelsernes sprog (standard: dansk)")
    lab.set_defaults(handler=_lab)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except LovendeError as exc:
        language = _language(args)
        message = (
            exc.render(language)
            if isinstance(exc, InputError)
            else (in_language(exc.args[0], language) if len(exc.args) == 1 else str(exc))
        )
        print(phrase(PHRASES, "error", language, message=message), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
