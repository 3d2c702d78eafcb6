"""The channel of a change: through which door it came in. Every audit record names one."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """Through which door a change came in; every audit record names one."""

    API = "api"
    WEB = "web"
    IMPORT = "import"
    SYNC = "sync"
    SYSTEM = "system"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.API: "API",
    Channel.WEB: "strona www",
    Channel.IMPORT: "import pliku",
    Channel.SYNC: "synchronizacja ze źródłem publicznym",
    Channel.SYSTEM: "system",
}
