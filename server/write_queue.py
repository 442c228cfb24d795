"""Writers of one database queue here before ``BEGIN IMMEDIATE``: the threads of a process
on a lock, the processes (``serve --workers N``) on a lock file beside the database.

SQLite lets one writer in at a time and makes the others wait in its busy handler, which
sleeps in steps of up to 100 ms: the write lock is often free while every waiter sleeps.
With several worker processes, that left the second process waiting a median 24 ms a batch
and the two served no more than one (bench/sync_ingest.py). A waiter here notices the
release within half a millisecond. SQLite's own locking still decides who writes: this
queue only keeps the wait short, so a writer that does not queue (another program, the
command line) is safe, merely slower to get in.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_THREADS = threading.Lock()
_POLL_SECONDS = 0.0005
"""How often a process waiting for the lock file tries again (flock cannot time out)."""


class QueueTimeout(Exception):
    """The turn did not come within the time allowed."""


@contextmanager
def turn(database: str, timeout: float) -> Iterator[None]:
    """Wait for this process's and then the database's turn to write, at most ``timeout``
    seconds in all; ``database`` is the file's path ('' for an in-memory database, which
    only this process's threads share)."""
    deadline = time.monotonic() + timeout
    if not _THREADS.acquire(timeout=timeout):
        raise QueueTimeout("writers queued in this process")
    try:
        with _lock_file(database, deadline):
            yield
    finally:
        _THREADS.release()


@contextmanager
def _lock_file(database: str, deadline: float) -> Iterator[None]:
    """The exclusive lock of ``<database>-writer``, held until the block ends (closing the
    descriptor releases it, whatever happens). Where the file cannot be made (a read-only
    directory), no queue: SQLite's locking alone, as before."""
    try:
        fd = os.open(f"{database}-writer", os.O_RDWR | os.O_CREAT, 0o600) if database else -1
    except OSError:
        fd = -1
    try:
        while fd >= 0:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise QueueTimeout("writers queued in other processes") from None
                time.sleep(_POLL_SECONDS)
        yield
    finally:
        if fd >= 0:
            os.close(fd)
