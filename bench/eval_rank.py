"""nDCG@10/30, P@10 and R@30 of each ranking method on hand-labelled recorded days.

    python bench/eval_rank.py [--methods original keywords query +semantic +judge]

Profiles, labels, methods and metrics live in tests/rank/rank_eval.py (the quality-floor
test uses the same code); labels in tests/data/labels/ (see its README). Every method is one
function in ``rank_eval.METHODS``; a method that is not available here ("+semantic" without
its extra, "+judge" before its stand-in is wired) prints "—". Each case ranks the whole
recorded day with the default weights; the store is the earlier recorded days of June.
Ends with a Markdown table and whether keywords beat the original everywhere.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "rank"))
import rank_eval  # noqa: E402
from rank_eval import METHODS, Scores  # noqa: E402

COLUMNS = ("nDCG@10", "nDCG@30", "P@10", "R@30")


def _values(s: Scores) -> tuple[float, float, float, float]:
    return (s.ndcg10, s.ndcg30, s.p10, s.r30)


def _cells(s: Scores | None) -> str:
    if s is None:
        return " | ".join("—" for _ in COLUMNS) + " | —"
    return " | ".join(f"{v:.2f}" for v in _values(s)) + f" | {s.kept}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    args = parser.parse_args()
    started = time.perf_counter()
    rows = rank_eval.evaluate(args.methods)
    print(f"{len(rows)} labelled cases, {time.perf_counter() - started:.1f} s\n")
    header = " | ".join(COLUMNS)
    print(f"| profile | day | relevant | method | {header} | kept |")
    print("|---|---|---|---|" + "---|" * (len(COLUMNS) + 1))
    for case, row in rows:
        relevant = sum(1 for g in case.labels.values() if g > 0)
        for method, s in row.items():
            print(f"| {case.name} | {case.day} | {relevant} | {method} | {_cells(s)} |")
    print("\nMean over each profile's days:\n")
    print(f"| profile | method | {header} |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for name in dict.fromkeys(case.name for case, _ in rows):
        for method in args.methods:
            got = [r[method] for c, r in rows if c.name == name and r[method] is not None]
            if not got:
                print(f"| {name} | {method} | " + " | ".join("—" for _ in COLUMNS) + " |")
                continue
            means = [statistics.fmean(_values(s)[i] for s in got) for i in range(len(COLUMNS))]
            print(f"| {name} | {method} | " + " | ".join(f"{m:.2f}" for m in means) + " |")
    if {"original", "keywords"} <= set(args.methods):
        _verdict(rows)


def _verdict(rows: list[tuple[rank_eval.EvalCase, dict[str, Scores | None]]]) -> None:
    short = []
    for case, row in rows:
        ours, theirs = row["keywords"], row["original"]
        assert ours is not None and theirs is not None
        if not (ours.ndcg30 > theirs.ndcg30 and ours.r30 >= theirs.r30):
            short.append(
                f"{case.name} {case.day} (nDCG@30 {ours.ndcg30:.2f} vs {theirs.ndcg30:.2f}, "
                f"R@30 {ours.r30:.2f} vs {theirs.r30:.2f})"
            )
    wins = len(rows) - len(short)
    print(f"\nkeywords > original in nDCG@30 and >= in R@30: {wins}/{len(rows)} cases")
    for line in short:
        print(f"  not on: {line}")


if __name__ == "__main__":
    main()
