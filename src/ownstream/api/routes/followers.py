"""Public federation endpoints: the follower list and remote follows (reference §2.2; the remote follow
itself is federation/remote_follow.py).

Both work with federation off, as Owncast's do.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, StrictStr

from ownstream.api.bodies import read_body
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response
from ownstream.api.state import services
from ownstream.auth.requirements import public
from ownstream.clock import rfc3339_seconds
from ownstream.database.repos.followers import Follower

UNPARSABLE = "unable to parse request"

routes = web.RouteTableDef()


class RemoteFollowRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    account: StrictStr = ""


def follower_json(follower: Follower) -> dict[str, Any]:
    return {
        "link": follower.iri,
        "name": follower.name or "",
        "username": follower.username,
        "image": follower.image or "",
        "timestamp": rfc3339_seconds(follower.created_at),
        "disabledAt": rfc3339_seconds(follower.disabled_at),
    }


async def approved_followers(request: web.Request) -> web.Response:
    followers = await services(request).federation.followers.approved()
    return json_response([follower_json(follower) for follower in followers])


@routes.get("/api/followers")
@public
async def get_followers(request: web.Request) -> web.Response:
    return await approved_followers(request)


@routes.route("*", "/api/remotefollow")
@public
@error_shape("simple")
async def remote_follow(request: web.Request) -> web.Response:
    body = await read_body(request, RemoteFollowRequest, unparsable=UNPARSABLE, invalid=UNPARSABLE)
    redirect = await services(request).remote_follow.redirect_url(body.account)
    return json_response({"redirectUrl": redirect})
