"""Typed request bodies: JSON parsed and validated by a pydantic model, or `Invalid` (a 400).

Owncast decoded bodies into Go structs and, on a type mistake, either answered 500 or dropped the
connection; here every such mistake is a 400 in the endpoint's own error shape.
"""

from __future__ import annotations

from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from ownstream.api.errors import read_json
from ownstream.api.responses import simple_response
from ownstream.errors import Invalid

M = TypeVar("M", bound=BaseModel)


def describe_validation_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


async def read_body(
    request: web.Request,
    model: type[M],
    *,
    unparsable: str = "unable to parse request",
    invalid: str | None = None,
) -> M:
    """The body as `model`. `unparsable` is the message for bad JSON; `invalid` (when given) replaces the
    validation detail for well-formed JSON of the wrong shape."""
    data = await read_json(request, unparsable)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid(invalid or describe_validation_error(exc)) from None


def method_not_supported(request: web.Request) -> web.Response:
    """Owncast's POST-only actions answer any other method with a simple 400 `<METHOD> not supported`."""
    return simple_response(False, f"{request.method} not supported")


def unsupported_method(request: web.Request) -> web.Response | None:
    """`method_not_supported` for anything but POST, else None."""
    return None if request.method == "POST" else method_not_supported(request)
