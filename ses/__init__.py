"""SES — the register and monitoring system of a Regional Social Policy Centre (ROPS)."""

__version__ = "0.1.0"
