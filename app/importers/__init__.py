"""File readers (CSV/TXT/XLSX) that turn a user's file into validated rows and row errors.

Importers never write to the store and never import Qt: the caller (a service, the
CLI or a GUI page) shows the report and applies the good rows in one transaction.
"""

from __future__ import annotations


class ImportFileError(Exception):
    """The whole file is unusable (unreadable, wrong encoding or format, wrong columns).

    `str(exc)` is for the user, already translated, and names the file.
    """
