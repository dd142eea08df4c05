"""`make report`: a clinic report from the stored conversations (report.html + report.csv).

Reads the SQL tracker store configured in endpoints.yml (SQLite `rasa.db` by default,
PostgreSQL likewise), with ${ENV_VAR} values resolved as the Rasa server resolves them.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

# Rasa 3.6, SQLAlchemy 1.4 and matplotlib's pyparsing warn about their own deprecations on
# every run; they say nothing about the report. Sanic (imported by Rasa) turns them back on
# when imported, so it goes first and the filter after it.
warnings.filterwarnings("ignore", category=DeprecationWarning)
import sanic  # noqa: E402,F401 - after the first filter (see above); imported for that effect

warnings.filterwarnings("ignore", category=DeprecationWarning)

from backcare.report.build import build_report  # noqa: E402 - after the filters (see above)
from backcare.tracker_db import StoreError, open_store  # noqa: E402 - after the filters (see above)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoints", type=Path, default=PROJECT_ROOT / "endpoints.yml")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="folder for report.html and report.csv")
    parser.add_argument("--days", type=float, help="only the last N days (default: everything stored)")
    parser.add_argument("--no-text", action="store_true", help="leave every message text out of both files")
    args = parser.parse_args(argv)
    if args.days is not None and args.days <= 0:
        print("report: --days must be more than zero", file=sys.stderr)
        return 2
    try:
        report = build_report(open_store(args.endpoints), args.out, days=args.days, with_text=not args.no_text)
    except StoreError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {report.html_path} and {report.csv_path}")
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
