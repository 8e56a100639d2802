"""Errors a service raises for the user to read (already translated)."""

from __future__ import annotations


class ServiceError(Exception):
    """Something the user asked for cannot be done; `str(exc)` says why, in their language."""


class PermissionDenied(ServiceError):
    """The signed-in role may not see or change this (house rule 6)."""


class NotFound(ServiceError):
    pass


class ValidationError(ServiceError):
    """Bad input; `field` names the input that is wrong so a form can point at it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
