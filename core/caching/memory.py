"""A small least-recently-used store in this worker's memory, with an age limit.

Every entry the caching package keeps in memory is keyed by the content version, so it
never goes stale; the bounds only keep a worker's memory flat.
"""

import threading
import time
from collections import OrderedDict


class LRU:
    def __init__(self, max_entries, ttl):
        self.max_entries = max_entries
        self.ttl = ttl
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[1] < time.monotonic():
                del self._entries[key]
                return None
            # Least recently used first out: a stream of one-off entries (new searches)
            # must not push out the pieces every page uses.
            self._entries.move_to_end(key)
            return entry[0]

    def set(self, key, value, ttl=None):
        expires = time.monotonic() + min(ttl or self.ttl, self.ttl)
        with self._lock:
            self._entries[key] = (value, expires)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)
