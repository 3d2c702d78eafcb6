"""OpenAPI at /schema, read by Stoplight Elements, which understands OpenAPI 3.1 (the Swagger UI
bundle did not: "Unable to render this definition").

Elements comes from the npm registry (`@stoplight/elements`, its version in
ses/web/static/apidocs/VERSION); its two built files and licence are vendored into
ses/web/static/apidocs so a pip install serves them with no CDN and no request leaving the
intranet (the favicon is SES's own). The page itself has no inline script.
Refresh: `npm install --prefix /tmp/el @stoplight/elements@9` and copy
`web-components.min.js`, `styles.min.css`, `LICENSE` from node_modules/@stoplight/elements.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import StoplightRenderPlugin

import ses

ASSETS = "/static/ses/apidocs"


class ApiDocsPage(StoplightRenderPlugin):
    """Litestar's Stoplight Elements plugin with local assets, a local favicon and no inline code."""

    def __init__(self) -> None:
        super().__init__(
            js_url=f"{ASSETS}/web-components.min.js",
            css_url=f"{ASSETS}/styles.min.css",
            path="/",
            favicon='<link rel="icon" href="/static/ses/favicon.svg" type="image/svg+xml">',
        )

    def render(self, request: Any, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(openapi_schema["info"]["title"])
        spec = self.get_openapi_json_route(request)
        return f"""<!doctype html>
<html lang="pl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>API — {title}</title>
  {self.favicon}
  <link rel="stylesheet" href="{self.css_url}">
  <link rel="stylesheet" href="/static/ses/apidocs.css">
  <script src="{self.js_url}"></script>
</head>
<body>
  <p class="apidocs-back"><a href="/">← SES</a> · OpenAPI: <a href="{spec}">openapi.json</a></p>
  <elements-api apiDescriptionUrl="{spec}" router="hash" layout="sidebar"
    hideTryIt="false"></elements-api>
</body>
</html>""".encode()


def openapi_config() -> OpenAPIConfig:
    from litestar import Router

    from ses.auth.policy import Role, allow

    return OpenAPIConfig(
        title="SES — rejestr i monitoring ekonomii społecznej",
        version=ses.__version__,
        # The API's description is public, like the API documentation of any public body.
        openapi_router=Router(
            path="/schema", route_handlers=[], guards=[allow(Role.PUBLIC)], include_in_schema=False
        ),
        render_plugins=[ApiDocsPage()],
    )
