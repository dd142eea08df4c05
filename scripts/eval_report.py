"""`make eval`, part 1: per-intent precision/recall/F1 from `rasa test nlu`'s report."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(results: Path) -> int:
    report = json.loads((results / "intent_report.json").read_text())
    print(f"{'intent':28} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>4}")
    for name, row in sorted(report.items()):
        if isinstance(row, dict) and "f1-score" in row and not name.endswith("avg"):
            print(f"{name:28} {row['precision']:9.2f} {row['recall']:7.2f} {row['f1-score']:6.2f} {row['support']:4d}")
    print(
        f"\nHeld-out NLU (rasa test nlu): accuracy {report['accuracy']:.3f}, "
        f"weighted F1 {report['weighted avg']['f1-score']:.3f}"
    )
    entities = results / "RegexEntityExtractor_report.json"
    if entities.exists():
        ent = json.loads(entities.read_text())
        print(f"Entities (RegexEntityExtractor): weighted F1 {ent['weighted avg']['f1-score']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
