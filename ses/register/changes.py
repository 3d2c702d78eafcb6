"""Every write to the register is announced here, whichever package makes it.

The register's write services (services.py, status_services.py, importer.py) call `announce_write()`
inside their transaction; once it commits, `count()` moves. Readers that keep answers derived
from the register (the list-page cache, ses/register/page_cache.py) compare `count()` with what
they last saw. A report acceptance that creates organisations or year figures goes through those
services, so it is announced like a change made on the register's own pages.
"""

from __future__ import annotations

from ses.db import after_commit

_count = 0


def _committed() -> None:
    global _count
    _count += 1


def announce_write() -> None:
    """Called inside a register write: announced when its transaction commits."""
    after_commit(_committed)


def count() -> int:
    """How many committed register writes this process has announced."""
    return _count
