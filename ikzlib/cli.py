"""The ``ikz`` command line: run reports for one district or a batch of districts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ikzlib import paths


def _cmd_districts(_args: argparse.Namespace) -> int:
    from ikzlib.catalog import load_catalog

    for district in load_catalog():
        print(f"{district.key:15} {district.kreis_key}  {district.official_name} ({district.land})")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from ikzlib.report import format_result, run_district_report

    result = run_district_report(args.district, args.notebooks, timeout=args.timeout,
                                 html=not args.no_html)
    print(format_result(result))
    if result.ok:
        summary_path = paths.reports_dir(args.district) / "summary.json"
        sections = json.loads(summary_path.read_text(encoding="utf-8"))["sections"]
        for section, values in sections.items():
            shown = {k: v for k, v in values.items() if not isinstance(v, (list, dict))}
            print(f"  [{section}] " + ", ".join(f"{k}={v}" for k, v in list(shown.items())[:6]))
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the ``ikz`` command."""
    parser = argparse.ArgumentParser(prog="ikz", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    districts = commands.add_parser("districts", help="list the configured districts")
    districts.set_defaults(func=_cmd_districts)

    report = commands.add_parser("report", help="run the notebooks for one district")
    report.add_argument("--district", default=paths.DEFAULT_DISTRICT,
                        help="district key from data/raw/districts.csv (default: %(default)s)")
    report.add_argument("--notebooks", nargs="+", metavar="NB",
                        help="only these notebooks (file name, stem or number prefix)")
    report.add_argument("--timeout", type=int, default=900, help="per-cell timeout in seconds")
    report.add_argument("--no-html", action="store_true", help="skip the HTML export")
    report.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ikz`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:  # a clear one-line error instead of a traceback for users
        from ikzlib.errors import IkzError

        if isinstance(exc, IkzError):
            print(f"ikz: error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
