"""OpenAPI with the Swagger UI served from the installed package (no CDN: SES runs on intranets)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

import ses

SWAGGER_ASSETS = "/static/swagger"


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
        render_plugins=[
            SwaggerRenderPlugin(
                js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
                css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
                standalone_preset_js_url=f"{SWAGGER_ASSETS}/swagger-ui-standalone-preset.js",
                path="/",
            )
        ],
    )


def swagger_assets_router() -> object:
    from ses.auth.policy import Role, allow

    return create_static_files_router(
        path=SWAGGER_ASSETS,
        directories=[Path(swagger_ui_bundle.swagger_ui_path)],
        guards=[allow(Role.PUBLIC)],
        include_in_schema=False,
        name="swagger-assets",
    )
