"""`make forget`: delete stored conversations whose last message is older than N days.

Works on the SQL tracker store configured in endpoints.yml (SQLite by default, PostgreSQL
likewise). N comes from --days, or from `retention_days` in clinic.yml.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from backcare.clinic import load_clinic
from backcare.tracker_db import StoreError, open_store

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def forget(endpoints: Path, days: float) -> tuple[int, int]:
    """Delete conversations idle for more than ``days``; return (conversations, events)."""
    engine = open_store(endpoints)
    cutoff = time.time() - days * 86400
    events = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return 0, 0
        last_seen = (
            sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
        )
        senders = [row[0] for row in connection.execute(last_seen)]
        deleted = 0
        for start in range(0, len(senders), 500):
            batch = senders[start : start + 500]
            deleted += connection.execute(sa.delete(events).where(events.c.sender_id.in_(batch))).rowcount
    return len(senders), deleted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=float, help="default: retention_days in clinic.yml")
    parser.add_argument("--endpoints", type=Path, default=PROJECT_ROOT / "endpoints.yml")
    args = parser.parse_args(argv)
    days = args.days if args.days is not None else load_clinic().retention_days
    if days < 0:
        print("--days must be zero or more", file=sys.stderr)
        return 2
    try:
        conversations, events = forget(args.endpoints, days)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Deleted {conversations} conversations ({events} events) idle for more than {days:g} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
