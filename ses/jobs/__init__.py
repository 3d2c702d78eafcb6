"""Scheduled jobs as people see them: every run on record, the reminders' outbox, run-now."""
