"""Shared helpers for the benchmarks: time a call, summarise samples, print one figure a line.

Figures are printed as ``name: value unit`` (e.g. ``argon2id_hash_ms: 41.2 ms``) so they
are easy to read, grep and diff between runs. Benchmarks print figures only: no assertions.
"""
from __future__ import annotations

import math
import sys
import time
from typing import Callable, Iterable


def percentile(samples: Iterable[float], pct: float) -> float:
    """The pct-th percentile (0-100) by linear interpolation between closest ranks."""
    data = sorted(samples)
    if not data:
        raise ValueError("no samples")
    if len(data) == 1:
        return data[0]
    rank = (len(data) - 1) * pct / 100.0
    lo, hi = math.floor(rank), math.ceil(rank)
    return data[lo] + (data[hi] - data[lo]) * (rank - lo)


def p50(samples: Iterable[float]) -> float:
    return percentile(samples, 50)


def p95(samples: Iterable[float]) -> float:
    return percentile(samples, 95)


def time_ms(fn: Callable[[], object]) -> tuple[float, object]:
    """Run fn once; return (elapsed milliseconds, fn's result)."""
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000.0, result


def sample_ms(fn: Callable[[], object], n: int, warmup: int = 0,
              after: Callable[[object], None] | None = None) -> list[float]:
    """Call fn warmup times untimed, then n times timed; after(result), if given, runs
    outside the timed part (checks, cleanup). Returns the n timings in milliseconds."""
    for _ in range(warmup):
        result = fn()
        if after:
            after(result)
    samples = []
    for _ in range(n):
        elapsed, result = time_ms(fn)
        samples.append(elapsed)
        if after:
            after(result)
    return samples


def report(name: str, value, unit: str = "") -> None:
    """Print one figure: ``name: value unit``; floats get one decimal (more when tiny)."""
    if isinstance(value, float):
        text = f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"
    else:
        text = str(value)
    print(f"{name}: {text} {unit}".rstrip(), flush=True)


def report_samples(name: str, samples: list[float], unit: str = "ms") -> None:
    """Print ``<name>_p50_<unit>`` and ``<name>_p95_<unit>`` for a list of samples."""
    report(f"{name}_p50_{unit}", p50(samples), unit)
    report(f"{name}_p95_{unit}", p95(samples), unit)


def note(message: str) -> None:
    """Progress on stderr, so stdout holds figures only."""
    print(message, file=sys.stderr, flush=True)
