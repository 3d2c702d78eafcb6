"""plotly.js served from the installed `plotly` Python package (never a CDN), gzipped once.

plotly.js normally injects its own style rules in <style> elements, which SES's CSP forbids (no
inline styles). The same rules are read from the bundle and served as stylesheets:
`/static/plotly/plotly.css` (plotly's own; the page's <link> carries the id and class that tell
plotly.js not to inject them, see templates/panel/indicator.html.j2) and `/static/plotly/maplibre.css`
(the map library's, injected when the bundle loads unless an element with its id is there already).
So charts look as plotly intends and the browser refuses nothing; the one exception left, an empty
`style=""` the colour bar sets, is in `CSP_CHARTS`."""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from litestar import Request, Response, get

from ses.auth.policy import Role, allow
from ses.web.security import CSP

EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
"""The CSP hash of an empty string."""

CSP_CHARTS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-hashes' " + EMPTY_STYLE)
"""The CSP of a page with plotly charts: plotly's colour bar resets its rectangles with `style=""`
(d3's attr), which `style-src 'self'` refuses with a console error. The hash of the empty string with
'unsafe-hashes' admits that empty attribute and nothing else: no inline style can do anything."""


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


_INJECTED = re.compile(
    r'document\.getElementById\("([0-9a-f]{64})"\)\)\{var (\w)=document\.createElement\("style"\);'
    r"\2\.id=\"\1\",\2\.textContent='([^'\\]*)'"
)


@lru_cache(maxsize=1)
def maplibre_style() -> tuple[str, bytes]:
    """The id and the rules of the stylesheet the bundle injects for map traces when it loads (the
    id is the bundle's; empty if the bundle changes shape)."""
    found = _INJECTED.search(_plotly()[0].decode("utf-8", "replace"))
    return (found.group(1), found.group(3).encode()) if found else ("", b"")


@get(
    "/static/plotly/maplibre.css", guards=[allow(Role.PUBLIC)], include_in_schema=False, sync_to_thread=False
)
def maplibre_stylesheet() -> Response[bytes]:
    return Response(
        maplibre_style()[1], media_type="text/css", headers={"Cache-Control": "public, max-age=604800"}
    )


def chart_head() -> dict[str, str]:
    """What a page with charts passes its template: the id plotly.js looks for before injecting the
    map library's rules (templates/panel/indicator.html.j2 links them under that id)."""
    return {"maplibre_style_id": maplibre_style()[0]}
