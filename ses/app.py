"""The composition root: builds the Litestar application from every installed package's record."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.middleware.base import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from ses.db import db_lifespan
from ses.extensions import Extension
from ses.heap import heap_lifespan
from ses.logging import configure_logging
from ses.packages import install
from ses.register.expiry import sweep_once_a_day
from ses.scheduler import scheduler_lifespan
from ses.settings import Settings, get_settings
from ses.web import openapi
from ses.web.auth import AuthenticationMiddleware
from ses.web.dependencies import DEPENDENCIES
from ses.web.docs import openapi_config
from ses.web.i18n import LanguageMiddleware, install_jinja
from ses.web.input_guard import (
    CURRENT_REQUEST,
    add_location,
    refuse_nul_characters,
    refuse_out_of_range_path_ids,
)
from ses.web.problems import EXCEPTION_HANDLERS, record_refusal
from ses.web.query_guard import refuse_unknown_query
from ses.web.security import CSRFMiddleware, add_security_headers

WEB = Path(__file__).parent / "web"

log = logging.getLogger("ses")


def route_handlers(installed: tuple[Extension, ...]) -> list[Any]:
    return [handler for extension in installed for handler in extension.routes]


def template_directories(installed: tuple[Extension, ...]) -> list[Path]:
    return [WEB / "templates", *(extension.templates for extension in installed if extension.templates)]


def lifespans(installed: tuple[Extension, ...]) -> list[Any]:
    return [lifespan for extension in installed for lifespan in extension.lifespans]


async def before_request(request: Any) -> None:
    CURRENT_REQUEST.set(request)
    await refuse_nul_characters(request)
    refuse_out_of_range_path_ids(request)
    await sweep_once_a_day()


async def after_request(response: Any) -> Any:
    request = CURRENT_REQUEST.get()
    if request is not None:
        add_location(response, request)
    return response


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    installed = install()
    app = Litestar(
        route_handlers=route_handlers(installed),
        lifespan=[db_lifespan, scheduler_lifespan, *lifespans(installed), heap_lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        guards=[refuse_unknown_query],
        dependencies=DEPENDENCIES,
        middleware=[
            DefineMiddleware(AuthenticationMiddleware, exclude=["^/static/", "^/schema"]),
            CSRFMiddleware,
            LanguageMiddleware,
        ],
        template_config=TemplateConfig(
            directory=template_directories(installed),
            engine=JinjaTemplateEngine,
            engine_callback=lambda engine: install_jinja(engine.engine),
        ),
        after_exception=[record_refusal],
        before_send=[add_security_headers],
        before_request=before_request,
        after_request=after_request,
        openapi_config=openapi_config(),
        request_max_body_size=settings.max_request_bytes,
        debug=settings.debug,
        logging_config=None,
    )
    openapi.install(app)
    return app
