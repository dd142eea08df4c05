"""Warn about knowledge-base answers past their `next_review` month (run by `make validate`).

A warning, not a failure: an answer due for review is still the last checked wording. The
clinic report (`make report`) lists the same entries.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from backcare.knowledge import Entry, load_knowledge_base


def warning(due: list[Entry]) -> str:
    if not due:
        return "knowledge review dates: no answer is past its next_review month"
    lines = [
        f"WARNING: {len(due)} knowledge-base answers are past their next_review month "
        "(check them against their sources, then update reviewed and next_review):"
    ]
    lines += [f"  {e.next_review}  {e.key} ({e.title}), last reviewed {e.reviewed}" for e in due]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)
    print(warning(load_knowledge_base().review_due(args.today)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
