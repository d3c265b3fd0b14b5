"""A per-process memo bounded by bytes: least recently used entries go first.

Pure Python: imports neither Django nor XBlock. The role-play keeps its compiled scenarios
here under a digest of their content (immutable, content-addressed values with no user
data, which any worker rebuilds identically). The memo is bounded by the memory its values
take, measured once per value by :func:`deep_size`, not by how many it holds: a 1,000-node
scenario takes a thousand times the memory of a 10-node one.

Thread-safe without holding a lock while a value is built: the lock guards only the
bookkeeping. Threads that miss on the same key at once wait for the one that builds it
(a per-key event), so a scenario is compiled once per process, not once per thread; misses
on other keys build side by side.
"""
import gc
import sys
import threading
from collections import OrderedDict
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType

MiB = 2**20
_SHARED = (type, ModuleType, FunctionType, BuiltinFunctionType, MethodType)
WAIT_SECONDS = 60  # a waiter builds the value itself if the builder has not finished by then


def deep_size(value):
    """Bytes taken by ``value`` and everything it refers to, each object counted once.

    Classes, modules and functions are shared with the rest of the process and left out;
    so are objects the interpreter keeps anyway (``None``, booleans, small ints and
    interned strings are counted once, where they are met, which overstates slightly).
    """
    seen = set()
    total = 0
    layer = [value]
    while layer:
        fresh = []
        for obj in layer:
            if id(obj) in seen or isinstance(obj, _SHARED):
                continue
            seen.add(id(obj))
            total += sys.getsizeof(obj)
            fresh.append(obj)
        layer = gc.get_referents(*fresh)
    return total


class _Flight:
    """One build in progress, which other threads missing on its key wait for."""

    __slots__ = ("done", "ok", "value")

    def __init__(self):
        self.done = threading.Event()
        self.ok = False
        self.value = None


class ByteBudgetMemo:
    """``key -> value`` memo holding at most ``budget`` bytes of values, evicting the least
    recently used.

    A value larger than the whole budget is returned but not kept. ``sizeof`` measures a
    value (default :func:`deep_size`); it runs once per build, outside the lock.
    """

    def __init__(self, budget, sizeof=deep_size):
        self._lock = threading.Lock()
        self._entries = OrderedDict()  # key -> (value, bytes), least recently used first
        self._flights = {}
        self._bytes = 0
        self._sizeof = sizeof
        self.budget = int(budget)
        self.hits = self.misses = self.evictions = 0

    def get(self, key, build, budget=None, size=None):
        """The value under ``key``, built by ``build()`` (and kept) on a miss.

        ``budget`` (bytes), when given, replaces the memo's budget from now on: the setting
        is read per request, so a changed setting applies without a restart. ``size``: the
        value's size in bytes when it is known already (measured when it was saved), which
        saves measuring it here.
        """
        with self._lock:
            if budget is not None and budget != self.budget:
                self.budget = int(budget)
                self._evict(0)
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[0]
            self.misses += 1
            flight = self._flights.get(key)
            building = flight is None
            if building:
                flight = self._flights[key] = _Flight()
        if not building:
            if flight.done.wait(WAIT_SECONDS) and flight.ok:
                return flight.value
            return build()  # the builder failed or hangs: build here, keep nothing
        try:
            value = build()
            if size is None:
                size = self._sizeof(value)
        except BaseException:
            with self._lock:
                del self._flights[key]
            flight.done.set()
            raise
        with self._lock:
            del self._flights[key]
            flight.value, flight.ok = value, True
            if size <= self.budget:
                self._evict(size)
                self._entries[key] = (value, size)
                self._bytes += size
        flight.done.set()
        return value

    def _evict(self, room):
        """Drop least recently used entries until ``room`` more bytes fit (lock held)."""
        while self._entries and self._bytes + room > self.budget:
            _key, (_value, size) = self._entries.popitem(last=False)
            self._bytes -= size
            self.evictions += 1

    def stats(self):
        """Entries, bytes held, budget and counters, for the benchmark and operators."""
        with self._lock:
            return {"entries": len(self._entries), "bytes": self._bytes, "budget": self.budget,
                    "hits": self.hits, "misses": self.misses, "evictions": self.evictions}

    def sizes(self):
        """``{key: bytes}`` of the entries held, least recently used first."""
        with self._lock:
            return {key: size for key, (_value, size) in self._entries.items()}

    def clear(self):
        """Forget every entry (tests; a process that wants its memory back)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
