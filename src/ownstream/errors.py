"""The few domain errors services raise; `api/errors.py` maps them to Owncast-shaped responses."""

from __future__ import annotations


class DomainError(Exception):
    """Base for errors that become a 4xx response (or 503, `Unavailable`)."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(DomainError):
    """The request was understood but a value is wrong."""

    status = 400


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Unauthorized(DomainError):
    status = 401


class Conflict(DomainError):
    status = 409


class Unavailable(DomainError):
    """A working server cannot do this now (its disk is full): try again later."""

    status = 503


class TooManyRequests(DomainError):
    """The caller did this too often: try again later."""

    status = 429
