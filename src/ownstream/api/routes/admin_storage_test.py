"""`POST /api/admin/config/s3/test`: try S3 settings without storing them (the dashboard's Test connection).

Body `{"value": {…}}` with the fields of `/api/admin/config/s3`. Incomplete settings are a 400 with the
setter's own message; otherwise 200 `{"success": true, …}` when an upload and a delete worked, or 400
`{"success": false, "message": <the bucket's error>}`. Ours: Owncast has no such endpoint.
"""

from __future__ import annotations

from aiohttp import web

from ownstream.api.bodies import unsupported_method
from ownstream.api.errors import error_shape
from ownstream.api.responses import simple_response
from ownstream.api.routes.admin_config import read_config_value
from ownstream.auth.requirements import Admin, requires
from ownstream.config.video_validation import check_s3_complete, parse_s3
from ownstream.hls_storage.bucket_check import check_bucket

routes = web.RouteTableDef()


@routes.route("*", "/api/admin/config/s3/test")
@requires(Admin())
@error_shape("simple")
async def test_s3_settings(request: web.Request) -> web.Response:
    if refused := unsupported_method(request):
        return refused
    settings = parse_s3(await read_config_value(request))
    check_s3_complete(settings)
    result = await check_bucket(settings)
    return simple_response(result.ok, result.message)
