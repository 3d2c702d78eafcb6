"""The composition root's one list of installed packages.

Adding a package: give it an `extension.py` with its `EXTENSION` record, add it here (and its
Piccolo app to `piccolo_conf.py`). Nothing else in the core names an outer package; a test reads
every core module's imports to keep it so (tests/ses/test_architecture.py).
"""

from __future__ import annotations

from accreditation.extension import EXTENSION as ACCREDITATION
from network.extension import EXTENSION as NETWORK
from scrapers.extension import EXTENSION as SCRAPERS
from ses import extensions
from ses.activities.extension import EXTENSION as ACTIVITIES
from ses.committee.extension import EXTENSION as COMMITTEE
from ses.core import EXTENSION as CORE
from ses.directory.extension import EXTENSION as DIRECTORY
from ses.reporting.extension import EXTENSION as REPORTING

# In this order: demo steps run in it (accreditation's periods before the reports they make owed).
INSTALLED: tuple[extensions.Extension, ...] = (
    CORE,
    ACCREDITATION,
    REPORTING,
    NETWORK,
    COMMITTEE,
    ACTIVITIES,
    DIRECTORY,
    SCRAPERS,
)


def install() -> tuple[extensions.Extension, ...]:
    return extensions.install(INSTALLED)
