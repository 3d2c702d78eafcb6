"""What every file answer shares: the Content-Disposition of a download, once for every package."""

from __future__ import annotations

from urllib.parse import quote


def attachment(filename: str) -> str:
    """`attachment` with an ASCII fallback name for old clients and the exact UTF-8 name (RFC 6266),
    so a Polish file name arrives whole and a quote in it cannot end the header's value early."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
