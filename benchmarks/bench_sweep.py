"""Benchmark: sweeps of sat-to-nae in this process and in a pool of 2 processes.

Three workloads:

* ``default`` -- ``trials=100`` at each of the 5 default sizes (500 tiny CNFs, n <= 5),
  where a verification takes about 0.1 ms and the pool's start-up dominates;
* ``n5`` -- 100 CNFs with n = 5, m = 6;
* ``n11`` -- 100 CNFs with n = 11, m = 30, where the brute-force oracles enumerate
  2**11 and 2**12 assignments per instance and two processes pay off.

Run: ``python benchmarks/bench_sweep.py`` (numbers depend on the machine's load).
"""

from __future__ import annotations

import time
from typing import Any

from ermbit.checking.sweep import sweep

WORKLOADS: dict[str, dict[str, Any]] = {
    "default": {"sizes": None, "trials": 100},
    "n5": {"sizes": [{"n": "5", "m": "6"}], "trials": 100},
    "n11": {"sizes": [{"n": "11", "m": "30"}], "trials": 100},
}


def main() -> None:
    print(f"{'workload':10} {'instances':>9} {'1 worker':>10} {'2 workers':>10}")
    for name, kwargs in WORKLOADS.items():
        times = []
        for workers in (1, 2):
            start = time.perf_counter()
            result = sweep("sat-to-nae", family=None, seed=0, workers=workers, **kwargs)
            times.append(time.perf_counter() - start)
            assert result.passed
        count = len(result.reports)
        print(f"{name:10} {count:9d} {times[0]:9.2f}s {times[1]:9.2f}s")


if __name__ == "__main__":
    main()
