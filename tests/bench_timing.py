"""The benches' one timing loop (no Django: importable before any settings are chosen)."""
import gc
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


def interleaved_ns(fns, runs, warmup):
    """``{name: [nanoseconds, …]}`` of ``runs`` rounds, each calling every function of ``fns``
    (``{name: fn}``) once, after ``warmup`` untimed rounds.

    Figures that are compared with each other are taken this way: a burst of load from the
    machine's other users falls on all of them alike instead of on whichever loop it hits; the
    order rotates from round to round, so no function always runs after the same one (and finds
    its caches warmed or cooled by it); a garbage collection left over from earlier work is run
    before the first timed round.
    """
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    gc.collect()
    samples = {name: [] for name in fns}
    order = list(fns.items())
    for round_ in range(runs):
        shift = round_ % len(order)
        for name, fn in order[shift:] + order[:shift]:
            start = time.perf_counter_ns()
            fn()
            samples[name].append(time.perf_counter_ns() - start)
    return samples


def median_ms(samples):
    """The median of nanosecond samples, in milliseconds."""
    return statistics.median(samples) / 1e6
