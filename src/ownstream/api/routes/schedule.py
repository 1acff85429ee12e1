"""Scheduled streams (Owncast's development branch, reference newer §14.1): the admin's schedule and its
settings, the public schedule and its iCalendar feed.

Errors come in the shapes §14 gives: the schedule routes answer `{"error": …}` with 400 (and with 200 for
a failure after the write, as Owncast); the setters answer a wrong value with `{"error": …}` 400 and a
body that is not JSON with the simple 400 "unable to parse new value".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from ownstream.api.errors import error_shape, parse_json
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, public, requires
from ownstream.errors import Invalid
from ownstream.schedule import setting_values
from ownstream.schedule.event_input import (
    InputError,
    parse_delete_input,
    parse_event_input,
    parse_preview_input,
)
from ownstream.schedule.service import ScheduleError, ScheduleInternalError

routes = web.RouteTableDef()

CORS_ANY = {"Access-Control-Allow-Origin": "*"}


def _error(message: str, status: int = 400) -> web.Response:
    return json_response({"error": message}, status=status)


async def _answer(work: Awaitable[Any]) -> web.Response:
    """The admin schedule (or another document) from `work`, or its error in Owncast's shape."""
    try:
        return json_response(await work, no_cache=True)
    except ScheduleInternalError as error:
        return _error(error.message, status=200)
    except (ScheduleError, InputError) as error:
        return _error(error.message)


@routes.get("/api/admin/schedule")
@requires(Admin())
@error_shape("error")
async def admin_schedule(request: web.Request) -> web.Response:
    return await _answer(services(request).schedule.admin_schedule())


@routes.post("/api/admin/schedule/event")
@requires(Admin())
@error_shape("error")
async def save_event(request: web.Request) -> web.Response:
    try:
        given = parse_event_input(await request.read())
    except InputError as error:
        return _error(error.message)
    return await _answer(services(request).schedule.save(given))


@routes.post("/api/admin/schedule/event/delete")
@requires(Admin())
@error_shape("error")
async def delete_event(request: web.Request) -> web.Response:
    try:
        given = parse_delete_input(await request.read())
    except InputError as error:
        return _error(error.message)
    return await _answer(services(request).schedule.delete(given))


@routes.post("/api/admin/schedule/preview")
@requires(Admin())
@error_shape("error")
async def preview(request: web.Request) -> web.Response:
    try:
        value = parse_preview_input(await request.read())
    except InputError as error:
        return _error(error.message)

    async def occurrences() -> dict[str, list[str]]:
        return {"occurrences": await services(request).schedule.preview(value)}

    return await _answer(occurrences())


# --- settings ---------------------------------------------------------------------------------------

Parse = Callable[[Any], Any]


def _setter(path: str, field: str, parse: Parse, message: str) -> web.RouteDef:
    @requires(Admin())
    @error_shape("simple")
    async def handle(request: web.Request) -> web.Response:
        try:
            body = parse_json(await request.read(), "unable to parse new value")
        except Invalid as error:
            return simple_response(False, error.message)
        value = body.get("value") if isinstance(body, dict) else None
        try:
            parsed = parse(value)
        except setting_values.WrongValue as error:
            return _error(error.message)
        try:
            await services(request).config.update(**{field: parsed})
        except Invalid as error:  # the store refused it
            return simple_response(False, error.message)
        return simple_response(True, message)

    handle.__name__ = f"set_schedule_{field}"
    return web.post(f"/api/admin/config/schedule/{path}", handle)


SETTERS: tuple[tuple[str, str, Parse, str], ...] = (
    ("enabled", "schedule_enabled", setting_values.boolean, "schedule feature updated"),
    (
        "showcountdown",
        "schedule_show_countdown",
        setting_values.boolean,
        "schedule countdown setting updated",
    ),
    (
        "chatopenminutes",
        "schedule_chat_open_minutes",
        setting_values.chat_open_minutes,
        "schedule chat open setting updated",
    ),
    (
        "remindermessage",
        "schedule_reminder_message",
        setting_values.reminder_message,
        "schedule reminder message updated",
    ),
    (
        "firstreminderminutes",
        "schedule_first_reminder_minutes",
        setting_values.reminder_minutes,
        "schedule reminder setting updated",
    ),
    (
        "secondreminderminutes",
        "schedule_second_reminder_minutes",
        setting_values.reminder_minutes,
        "schedule reminder setting updated",
    ),
)
setter_routes: list[web.RouteDef] = [_setter(*row) for row in SETTERS]


# --- public ------------------------------------------------------------------------------------------


def _query_time(request: web.Request, name: str) -> datetime | None:
    text = request.query.get(name)
    if text is None or text == "":
        return None
    parsed = setting_values.rfc3339(text.replace(" ", "+"))  # an unescaped "+" of the offset
    if parsed is None:
        raise web.HTTPBadRequest(
            text=f'Invalid format for parameter {name}: parsing time "{text[:64]}" as RFC 3339 failed'
        )
    return parsed


@routes.route("*", "/api/schedule")
@public
@error_shape("error")
async def public_schedule(request: web.Request) -> web.StreamResponse:
    if request.method == "OPTIONS":
        return web.Response(status=204, headers=CORS_ANY | {"Access-Control-Allow-Methods": "GET, OPTIONS"})
    if request.method not in ("GET", "HEAD"):
        raise web.HTTPMethodNotAllowed(request.method, ["GET", "OPTIONS"])
    schedule = services(request).schedule
    if not services(request).config.current.schedule_enabled:
        return json_response([], headers=CORS_ANY, no_cache=True)
    start, end = _query_time(request, "from"), _query_time(request, "to")
    try:
        events = await schedule.public_events(start, end)
    except ScheduleError as error:
        return _error(error.message)
    return json_response(events, headers=CORS_ANY, no_cache=True)


@routes.get("/api/schedule.ics")
@public
async def schedule_calendar(request: web.Request) -> web.Response:
    text = await services(request).schedule.ics()
    return web.Response(
        text=text,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": "no-cache, no-store, must-revalidate"},
    )


@routes.get("/schedule/{id}")
@public
async def event_page(request: web.Request) -> web.Response:
    """The link a reminder carries: the viewer page, which shows the next stream and its countdown."""
    raise web.HTTPFound("/")
