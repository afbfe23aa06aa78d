"""Per-document bounds that every caller shares: wall time (and, in workers, memory).

`deadline(seconds)` raises LimitExceeded in the parsing thread when time runs out (via
SIGALRM, so only on the main thread; elsewhere readers check their own page deadlines).
`cap_memory(mb)` bounds a worker process's address space.
"""
from __future__ import annotations

import resource
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from .errors import LimitExceeded


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expired(signum, frame):
        raise LimitExceeded(f"parsing took longer than the limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cap_memory(megabytes: int) -> None:
    """Cap this process's address space (call in a worker process, never the CLI itself)."""
    limit = megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or limit < hard:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
