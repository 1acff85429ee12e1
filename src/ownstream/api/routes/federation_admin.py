"""Admin federation endpoints: follower lists, follow approval, accepted activities and manual posts
(reference §2.3, §8). The admin gate is a middleware.

Beyond Owncast: an unknown follower IRI is a 400 for rejections too, an approval without `approved`
is a 400 rather than a rejection, and mistyped bodies are a 400 rather than a dropped connection.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from ownstream.api.bodies import read_body, unsupported_method
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.routes.followers import approved_followers, follower_json
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.clock import rfc3339
from ownstream.database.repos.activities import AcceptedActivity

routes = web.RouteTableDef()


class FollowerApproval(BaseModel):
    model_config = ConfigDict(extra="ignore")

    actor_iri: StrictStr = Field(alias="actorIRI")
    approved: StrictBool


class PostText(BaseModel):
    model_config = ConfigDict(extra="ignore")

    value: StrictStr


def activity_json(activity: AcceptedActivity) -> dict[str, str]:
    return {
        "iri": activity.iri,
        "actorIRI": activity.actor,
        "type": activity.type,
        "timestamp": rfc3339(activity.timestamp),
    }


@routes.route("*", "/api/admin/followers")
@requires(Admin())
async def list_followers(request: web.Request) -> web.Response:
    return await approved_followers(request)


@routes.route("*", "/api/admin/followers/pending")
@requires(Admin())
async def list_pending(request: web.Request) -> web.Response:
    followers = await services(request).federation.followers.pending()
    return json_response([follower_json(follower) for follower in followers])


@routes.route("*", "/api/admin/followers/blocked")
@requires(Admin())
async def list_blocked(request: web.Request) -> web.Response:
    followers = await services(request).federation.followers.blocked()
    return json_response([follower_json(follower) for follower in followers])


@routes.route("*", "/api/admin/federation/actions")
@requires(Admin())
async def list_actions(request: web.Request) -> web.Response:
    activities = await services(request).federation.recent_activities()
    return json_response([activity_json(activity) for activity in activities])


@routes.route("*", "/api/admin/followers/approve")
@requires(Admin())
@error_shape("simple")
async def approve_follower(request: web.Request) -> web.Response:
    if refused := unsupported_method(request):
        return refused
    invalid = "unable to handle follower state with provided values"
    body = await read_body(request, FollowerApproval, unparsable=invalid, invalid=invalid)
    await services(request).federation.set_approval(body.actor_iri, body.approved)
    return simple_response(True, "follower updated")


@routes.route("*", "/api/admin/federation/send")
@requires(Admin())
@error_shape("simple")
async def send_post(request: web.Request) -> web.Response:
    if refused := unsupported_method(request):
        return refused
    body = await read_body(
        request, PostText, unparsable="unable to parse new value", invalid="unable to send message"
    )
    await services(request).federation.publish_post(body.value)
    return simple_response(True, "sent")
