"""Outcomes statistics benchmark: ranking indicators and backtesting scorecards on a large synthetic history.

Usage, from the repository root (no database: the statistics are pure)::

    .venv/bin/python bench/outcomes_stats.py                              # 30,000 renewals x 46 indicators
    .venv/bin/python bench/outcomes_stats.py --renewals 400 --repeat 3   # a typical tenant

The history: ``--renewals`` closed renewals, ``--churn`` of them churned; 46 indicators, three of
them real drivers of different strength and 43 noise, each missing on a random ``--missing`` share
of the renewals (a different share per indicator, so no two share a set of renewals), directions
fixed half each way; two scorecards (the current one and a sharper draft) scored on every renewal
but ``--missing`` of them. Timed, one core: ``rank_indicators`` with thresholds, ``backtest`` of one
scorecard, ``compare_scorecards`` of both. The target for the three together (and the forecast,
not measured here) is well under 60 s for 30,000 x 46.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(REPO))

from outcomes.backtest import ScoredRenewal, backtest, compare_scorecards  # noqa: E402
from outcomes.ranking import PRECEDED_CHURN, Sample, rank_indicators  # noqa: E402

INDICATORS = 46
DRIVER_SHIFTS = {"driver_strong": 1.0, "driver_medium": 0.5, "driver_weak": 0.2}  # in SDs, low is risk


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--renewals", type=int, default=30_000, help="closed renewals (default 30,000)")
    parser.add_argument("--churn", type=float, default=0.1, help="share churned (default 0.1)")
    parser.add_argument("--missing", type=float, default=0.2, help="largest share without a value (default 0.2)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs; the best is reported (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def history(args: argparse.Namespace):
    rng = np.random.default_rng(args.seed)
    n = args.renewals
    churned = rng.random(n) < args.churn
    names = list(DRIVER_SHIFTS) + [f"noise_{i:02d}" for i in range(INDICATORS - len(DRIVER_SHIFTS))]
    columns = {}
    for name in names:
        values = np.round(rng.normal(size=n) - DRIVER_SHIFTS.get(name, 0.0) * churned, 2)  # rounded: ties
        columns[name] = np.where(rng.random(n) < rng.uniform(0, args.missing), np.nan, values)
    samples = [
        Sample(bool(churned[i]), {name: None if np.isnan(col[i]) else float(col[i]) for name, col in columns.items()})
        for i in range(n)
    ]
    directions = {name: 1 if i % 2 == 0 or name in DRIVER_SHIFTS else -1 for i, name in enumerate(names)}
    for name, direction in directions.items():
        if name not in DRIVER_SHIFTS and direction == -1:
            for sample, value in zip(samples, -columns[name], strict=True):  # noise either way round
                if sample.values[name] is not None:
                    sample.values[name] = float(value)
    thresholds = {name: -0.5 * direction for name, direction in directions.items()}
    signal = rng.normal(size=n) - 1.0 * churned
    current = np.clip(60 + 15 * (0.5 * signal + rng.normal(size=n)), 0, 100)
    draft = np.clip(60 + 15 * signal, 0, 100)
    scored = rng.random(n) >= args.missing
    return samples, directions, thresholds, scorecard(churned, current, scored), scorecard(churned, draft, scored)


def scorecard(churned, scores, scored) -> list[ScoredRenewal]:
    def band(score: float) -> str:
        return "green" if score >= 70 else "yellow" if score >= 40 else "red"

    return [
        ScoredRenewal(bool(c), float(s), band(s)) if has else ScoredRenewal(bool(c), None, None)
        for c, s, has in zip(churned, scores, scored, strict=True)
    ]


def timed(repeat: int, work):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    samples, directions, thresholds, current, draft = history(args)
    print(f"{args.renewals:,} renewals x {len(directions)} indicators, churn {args.churn:.0%}")
    ranking_s, results = timed(
        args.repeat, lambda: rank_indicators(samples, directions=directions, thresholds=thresholds)
    )
    backtest_s, single = timed(args.repeat, lambda: backtest(current))
    compare_s, comparison = timed(args.repeat, lambda: compare_scorecards(current, draft))
    for result in results[:5]:
        print(f"  {result.indicator:14} {result.verdict:31} {result.reason}")
    ranked = [r.indicator for r in results if r.verdict == PRECEDED_CHURN]
    print(f"  preceded churn: {', '.join(ranked) or 'none'}")
    print(
        f"  replicates {results[0].bootstrap_replicates}, p-value by {results[0].p_value_method}; "
        f"backtest AUC {single.auc:.3f} [{single.auc_low:.3f}, {single.auc_high:.3f}]; "
        f"draft - current {comparison.difference:+.3f} "
        f"[{comparison.difference_low:+.3f}, {comparison.difference_high:+.3f}]"
    )
    total = ranking_s + backtest_s + compare_s
    print(f"ranking {ranking_s:.2f} s, backtest {backtest_s:.2f} s, comparison {compare_s:.2f} s: {total:.2f} s")


if __name__ == "__main__":
    main()
