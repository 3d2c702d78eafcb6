"""What the scrapers package contributes: sync commands, jobs, the review pages and API, its demo."""

from __future__ import annotations

from scrapers import cli
from ses.extensions import Extension

EXTENSION = Extension(name="scrapers", commands=cli.COMMANDS)
