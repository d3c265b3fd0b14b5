"""The benches' one timing loop (no Django: importable before any settings are chosen)."""
import statistics
import time


def samples_ns(fn, runs, warmup):
    """Nanoseconds of each of ``runs`` calls of ``fn``, after ``warmup`` calls that are not timed."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - start)
    return samples


def median_ms(samples):
    """The median of nanosecond samples, in milliseconds."""
    return statistics.median(samples) / 1e6
