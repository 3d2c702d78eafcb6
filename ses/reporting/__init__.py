"""OWES periodic reports: definitions as data, validation, approval workflow and follow-up."""
