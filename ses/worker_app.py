"""The application of one worker of `ses serve --workers N`: SES's own, in the wrapper that evens out
the workers' shares of the connections (ses/serving.py names this module by its path)."""

from __future__ import annotations

from typing import Any

from ses.app import create_app
from ses.serving import shedding


def create_worker_app() -> Any:
    return shedding(create_app())
