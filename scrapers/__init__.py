"""Keeping the register current from public registers: sources, reconciliation, review, sync jobs."""
