"""plotly.js served from the installed `plotly` Python package (never a CDN), gzipped once.

plotly.js normally injects its own style rules in a <style> element, which SES's CSP forbids
(no inline styles). The same rules are read from the bundle and served as a stylesheet,
`/static/plotly/plotly.css`, so charts look as plotly intends without weakening the CSP."""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from litestar import Request, Response, get

from ses.auth.policy import Role, allow


@lru_cache(maxsize=1)
def _plotly() -> tuple[bytes, bytes]:
    raw = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    return raw, gzip.compress(raw, compresslevel=6)


@get(
    "/static/plotly/plotly.min.js", guards=[allow(Role.PUBLIC)], include_in_schema=False, sync_to_thread=False
)
def plotly_js(request: Request[Any, Any, Any]) -> Response[bytes]:
    raw, packed = _plotly()
    headers = {"Cache-Control": "public, max-age=604800", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type="text/javascript", headers=headers)
    return Response(raw, media_type="text/javascript", headers=headers)


_RULES = re.compile(r'\{"X,X div".*?\};for\(', re.S)
_PAIR = re.compile(r'"([^"]*)":(?:"([^"]*)"|\'([^\']*)\')')


@lru_cache(maxsize=1)
def plotly_css() -> bytes:
    """The style rules plotly.js would inject, as a stylesheet (empty if the bundle changes shape)."""
    source = _plotly()[0].decode("utf-8", "replace")
    found = _RULES.search(source)
    rules = []
    for selector, double, single in _PAIR.findall(found.group(0) if found else ""):
        body = double or single
        name = selector.replace(",", " ,") if selector.startswith(",") else selector
        name = name.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{name} {{{body}}}")
    return "\n".join(rules).encode()


@get("/static/plotly/plotly.css", guards=[allow(Role.PUBLIC)], include_in_schema=False, sync_to_thread=False)
def plotly_stylesheet() -> Response[bytes]:
    return Response(plotly_css(), media_type="text/css", headers={"Cache-Control": "public, max-age=604800"})
