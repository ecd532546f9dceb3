"""The ``ikz`` command line: key figures, reports for one district, or a batch of districts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from ikzlib import paths

SUMMARY_NOTES = 2  # notes per study shown by `ikz summary` (all of them with --json)


def _cmd_districts(args: argparse.Namespace) -> int:
    from ikzlib.catalog import all_districts

    districts = all_districts()
    if args.land:
        wanted = args.land.casefold()
        districts = [d for d in districts if wanted in (d.land.casefold(), d.land_key)]
        if not districts:
            from ikzlib.errors import ParameterError

            raise ParameterError(f"no district in a Land {args.land!r} (name or 2-digit key)")
    for district in districts:
        mark = "*" if district.curated else " "
        print(f"{district.key:14}{mark} {district.kreis_key}  {district.name} ({district.land})")
    print(f"{len(districts)} districts; * = curated, with extra data (data/raw/districts.csv)")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from ikzlib import studies
    from ikzlib.catalog import get_district
    from ikzlib.summary import summary_document

    district = get_district(args.district)
    results = sorted(studies.run_all(district).values(), key=lambda r: r.key_figures.section.order)
    if args.json:
        document = summary_document(
            district.key, {r.key_figures.section.name: r.key_figures.as_json() for r in results}
        )
        document["notes"] = {r.key_figures.section.name: list(r.notes) for r in results}
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    print(f"{district.name} (Kreis {district.kreis_key}, {district.land})")
    every = [f for r in results for f in r.key_figures.figures]
    width = max((len(f.spec.label) for f in every), default=0)
    value_width = max((len(f.text()) for f in every), default=0)
    for result in results:
        section = result.key_figures.section
        print(f"\n[{section.name}] {section.title}")
        for note in result.notes[:SUMMARY_NOTES]:
            print(f"  note: {note}")
        if len(result.notes) > SUMMARY_NOTES:
            print(f"  ({len(result.notes) - SUMMARY_NOTES} more notes with --json)")
        for f in result.key_figures.figures:
            print(f"  {f.spec.label:{width}}  {f.text():>{value_width}}  {f.kind:12}  {f.source}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from ikzlib.compare import key_figures_of
    from ikzlib.report import format_result, run_district_report
    from ikzlib.summary import load_report_summary

    result = run_district_report(
        args.district,
        args.notebooks,
        timeout=args.timeout,
        html=not args.no_html,
        shared_kernel=not args.kernel_per_notebook,
        lang=args.lang,
        figure_formats=args.figures,
        jobs=args.jobs or min(2, os.cpu_count() or 1),
    )
    print(format_result(result))
    document = load_report_summary(result.district) if result.ok else None
    for figures in key_figures_of(document) if document else []:
        headline = [f for f in figures.evidence() if f.spec.headline]
        others = len(figures.not_evidence())
        line = "; ".join(f"{f.spec.label} {f.text()}" for f in headline)
        note = f" (+{others} illustrative/synthetic, not evidence)" if others else ""
        print(f"  [{figures.section.name}] {line or '-'}{note}")
    return 0 if result.ok else 1


def _cmd_batch(args: argparse.Namespace) -> int:
    from ikzlib.batch import format_summary, run_batch, select_districts
    from ikzlib.catalog import district_keys

    districts = select_districts(
        district_keys() if args.curated else args.districts, land=args.land
    )
    batch = run_batch(
        districts,
        notebooks=args.notebooks,
        jobs=args.jobs,
        scheduler=args.scheduler,
        force=args.force,
        notebook_timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        html_export=not args.no_html,
        compare=not args.no_compare,
        progress=lambda line: print(line, flush=True),
        quiet=args.quiet,
        shared_kernel=not args.kernel_per_notebook,
        lang=args.lang,
        figure_formats=args.figures,
    )
    print()
    print(format_summary(batch))
    if batch.skipped:
        print(
            f"{len(batch.skipped)} up to date and skipped (inputs and code unchanged; "
            "--force re-runs them)"
        )
    return 0 if batch.ok else 1


CODEBOOK_FORMATS = ("qdc", "csv", "md", "guide")  # ikzlib.codebook.FORMATS, without importing it


def _cmd_codebook(args: argparse.Namespace) -> int:
    from ikzlib.codebook import export_codebook

    print(export_codebook(args.district, args.fmt, args.out, args.lang))
    return 0


def _cmd_register_init(args: argparse.Namespace) -> int:
    from ikzlib.register_template import init_register

    print(init_register(args.district, args.out))
    return 0


def _district_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--district",
        default=paths.DEFAULT_DISTRICT,
        help="curated key, 5-digit Kreis key or name (default: %(default)s)",
    )


def _report_options(parser: argparse.ArgumentParser) -> None:
    """Options that ``ikz report`` and ``ikz batch`` share."""
    parser.add_argument(
        "--lang",
        choices=("en", "de"),
        default="en",
        help="report language: table headers, figure labels, notes (default: %(default)s)",
    )
    parser.add_argument(
        "--figures",
        choices=("png", "svg", "all"),
        default="png",
        help="figure files: png (screen), svg (png + svg), all (png + svg + pdf) "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--kernel-per-notebook",
        action="store_true",
        help="a new kernel for every notebook (default: one per district, reset in between)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the ``ikz`` command."""
    parser = argparse.ArgumentParser(prog="ikz", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    districts = commands.add_parser("districts", help="list every district (Kreis)")
    districts.add_argument("--land", metavar="NAME", help="only this Land (name or 2-digit key)")
    districts.set_defaults(func=_cmd_districts)

    summary = commands.add_parser(
        "summary", help="key figures of one district, computed in-process with kind and source"
    )
    _district_option(summary)
    summary.add_argument("--json", action="store_true", help="print summary.json-style JSON")
    summary.set_defaults(func=_cmd_summary)

    report = commands.add_parser("report", help="run the notebooks for one district")
    _district_option(report)
    report.add_argument(
        "--notebooks",
        nargs="+",
        metavar="NB",
        help="only these notebooks (file name, stem or number prefix)",
    )
    report.add_argument("--timeout", type=int, default=900, help="per-cell timeout in seconds")
    report.add_argument("--no-html", action="store_true", help="skip the HTML export")
    report.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="kernels running independent notebooks at once (default: 2, or 1 on one core)",
    )
    _report_options(report)
    report.set_defaults(func=_cmd_report)

    batch = commands.add_parser(
        "batch",
        help="run the reports of many districts on Dask, then reports/index.html",
        description="Run the per-district notebook reports as Dask tasks (a local cluster, or "
        "an existing one with --scheduler), skip districts whose inputs and code did not "
        "change, then the cross-district notebooks, and write reports/index.html.",
    )
    which = batch.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--districts",
        nargs="+",
        metavar="KEY",
        help="these districts (curated key, 5-digit Kreis key or name)",
    )
    which.add_argument("--all", action="store_true", help="every district (all Kreise)")
    which.add_argument(
        "--curated", action="store_true", help="the curated districts (data/raw/districts.csv)"
    )
    which.add_argument("--land", metavar="NAME", help="every district of a Land (name or key)")
    batch.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes of the local Dask cluster (default: number of CPU cores)",
    )
    batch.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="use the existing Dask cluster of this scheduler (e.g. tcp://127.0.0.1:8786)",
    )
    batch.add_argument(
        "--force", action="store_true", help="re-run districts whose report is up to date"
    )
    batch.add_argument(
        "--quiet", action="store_true", help="no line per successful notebook, only per district"
    )
    batch.add_argument(
        "--notebooks",
        nargs="+",
        metavar="NB",
        help="only these notebooks (file name, stem or number prefix)",
    )
    batch.add_argument(
        "--timeout",
        type=float,
        default=1800,
        metavar="S",
        help="wall-clock seconds per notebook (default: %(default)s)",
    )
    batch.add_argument(
        "--cell-timeout",
        type=int,
        default=900,
        metavar="S",
        help="seconds per cell (default: %(default)s)",
    )
    _report_options(batch)
    batch.add_argument("--no-html", action="store_true", help="skip the HTML export")
    batch.add_argument(
        "--no-compare", action="store_true", help="skip the cross-district notebooks (9x_*.ipynb)"
    )
    batch.set_defaults(func=_cmd_batch)

    export = commands.add_parser(
        "codebook",
        help="export a district's codebook (REFI-QDA .qdc, CSV, Markdown) or an interview guide",
    )
    _district_option(export)
    export.add_argument(
        "--format",
        dest="fmt",
        choices=CODEBOOK_FORMATS,
        default="qdc",
        help="qdc (REFI-QDA codebook), csv, md (readable table) or guide (interview-guide "
        "template) (default: %(default)s)",
    )
    export.add_argument(
        "--out", metavar="PATH", help="output file (default: reports/<district>/codebook/)"
    )
    export.add_argument(
        "--lang",
        choices=("en", "de"),
        default="en",
        help="language of headings and framing text of md and guide (default: %(default)s)",
    )
    export.set_defaults(func=_cmd_codebook)

    register = commands.add_parser("register", help="cooperation register tools")
    register_commands = register.add_subparsers(dest="register_command", required=True)
    init = register_commands.add_parser(
        "init", help="write a register skeleton for a district (never overwrites)"
    )
    _district_option(init)
    init.add_argument(
        "--out",
        metavar="DIR",
        help="folder to create (default: data/raw/<district>/register; must not exist or be empty)",
    )
    init.set_defaults(func=_cmd_register_init)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ikz`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `ikz summary | head`: the reader left; end quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a clear one-line error instead of a traceback for users
        from ikzlib.errors import IkzError

        if isinstance(exc, IkzError):
            print(f"ikz: error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
