"""Moved to `ses.uploads` (one module for every upload, with its limits); kept for old imports."""

from ses.uploads import XLSX_MAGIC, Table, decode, read_csv, read_table, read_xlsx

__all__ = ["XLSX_MAGIC", "Table", "decode", "read_csv", "read_table", "read_xlsx"]
