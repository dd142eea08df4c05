"""`make report`: a clinic report from the stored conversations (report.html + report.csv).

Reads the SQL tracker store configured in endpoints.yml (SQLite `rasa.db` by default,
PostgreSQL likewise), with ${ENV_VAR} values resolved as the Rasa server resolves them.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Rasa 3.6, SQLAlchemy 1.4 and matplotlib's pyparsing warn about their own deprecations on
# every run; they say nothing about the report. Sanic (imported by Rasa) turns them back on
# when imported, so it goes first and the filter after it.
warnings.filterwarnings("ignore", category=DeprecationWarning)
import sanic  # noqa: E402,F401
warnings.filterwarnings("ignore", category=DeprecationWarning)

# Rasa's own reading: the same ${ENV_VAR} expansion, URL and engine options as the server.
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, validate_port  # noqa: E402
from rasa.shared.exceptions import RasaException  # noqa: E402
from rasa.utils.endpoints import read_endpoint_config  # noqa: E402

from backcare.report.build import build_report  # noqa: E402
from backcare.report.store import StoreError  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def open_store(endpoints: Path) -> sa.engine.Engine:
    """An engine on the tracker store of ``endpoints``, built as Rasa's SQLTrackerStore builds it.

    A SQLite file that does not exist is an error here: connecting would create it empty.
    """
    if not endpoints.is_file():
        raise StoreError(f"{endpoints}: file not found")
    try:
        config = read_endpoint_config(str(endpoints), "tracker_store")
        if config is None:
            raise StoreError(f"{endpoints}: no tracker_store section")
        if (config.type or "").lower() != "sql":
            raise StoreError(f"{endpoints}: tracker_store must be of type SQL, not {config.type!r}")
        options = config.kwargs
        dialect, db = str(options.get("dialect", "sqlite")), str(options.get("db", "rasa.db"))
        if dialect.startswith("sqlite") and not config.url:
            path = Path(db)  # relative to the current folder, as for the Rasa server
            if not path.is_file():
                raise StoreError(f"no tracker database at {path.resolve()}: has the assistant been run yet?")
        url = SQLTrackerStore.get_db_url(
            dialect=dialect, host=config.url, port=validate_port(options.get("port")), db=db,
            username=options.get("username"), password=options.get("password"), query=options.get("query"),
        )
        return sa.create_engine(url, **create_engine_kwargs(url))
    except (RasaException, sa.exc.SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"{endpoints}: {str(exc).strip().splitlines()[0]}") from None


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
