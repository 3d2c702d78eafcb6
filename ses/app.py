"""The composition root: builds the Litestar application and mounts every package's routes."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.middleware.base import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from ses.auth.policy import Role, allow
from ses.db import db_lifespan
from ses.heap import heap_lifespan
from ses.logging import configure_logging
from ses.register.api import OrganisationController
from ses.scheduler import scheduler_lifespan
from ses.settings import Settings, get_settings
from ses.territories.api import TerritoryController
from ses.web.auth import AuthenticationMiddleware
from ses.web.docs import openapi_config, swagger_assets_router
from ses.web.meta import health, vocab
from ses.web.problems import EXCEPTION_HANDLERS, record_refusal
from ses.web.security import CSRFMiddleware, add_security_headers, refuse_nul_characters

WEB = Path(__file__).parent / "web"

log = logging.getLogger("ses")


# Packages that contribute routes: each module exposes `ROUTES`, a list of Litestar route handlers
# or controllers, every one with a declared policy (see ses/auth/policy.py).
ROUTE_MODULES = (
    "ses.web.pages",
    "ses.web.admin_pages",
    "ses.web.register_pages",
    "ses.auth.api",
    "ses.reporting.api",
    "ses.reporting.pages",
    "accreditation.api",
    "network.api",
)


def route_handlers() -> list[Any]:
    contributed = [handler for name in ROUTE_MODULES for handler in importlib.import_module(name).ROUTES]
    return [
        health,
        vocab,
        OrganisationController,
        TerritoryController,
        *contributed,
        swagger_assets_router(),
        create_static_files_router(
            path="/static/ses", directories=[WEB / "static"], guards=[allow(Role.PUBLIC)],
            include_in_schema=False, name="ses-static",
        ),
    ]


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    return Litestar(
        route_handlers=route_handlers(),
        lifespan=[db_lifespan, scheduler_lifespan, heap_lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[
            DefineMiddleware(AuthenticationMiddleware, exclude=["^/static/", "^/schema"]),
            CSRFMiddleware,
        ],
        template_config=TemplateConfig(directory=WEB / "templates", engine=JinjaTemplateEngine),
        after_exception=[record_refusal],
        before_send=[add_security_headers],
        before_request=refuse_nul_characters,
        openapi_config=openapi_config(),
        request_max_body_size=settings.max_request_bytes,
        debug=settings.debug,
        logging_config=None,
    )
