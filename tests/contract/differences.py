"""Where Ownstream follows what Owncast 0.0.11 really does (which clients depend on) over the spec.

Each entry names the operation and the difference. The contract tests read this table: an operation
listed here is checked against the real server's behaviour instead of the spec's.
"""

from __future__ import annotations

SECURITY = {
    ("POST", "/api/chat/register"): (
        None,
        "The spec asks for a user token; the real server registers anyone (that is how a token is got).",
    ),
    ("POST", "/api/admin/config/customstyles"): (
        "AdminBasicAuth",
        "The spec lists no security; the real server guards every /api/admin route with Basic auth.",
    ),
}

EXTRA_PATHS = {
    ("GET", "/api/admin/chat/users/disabled"): (
        "GET /api/admin/users/disabled",
        "The real server's path; the spec's is served too.",
    ),
    ("POST", "/api/integrations/chat/messagevisibility"): (
        "POST /api/integrations/chat/updatemessagevisibility",
        "The path the real server answers (0.0.12 fixed the docs to it); the spec's is served too.",
    ),
}

OUR_PATHS = {
    ("POST", "/api/admin/config/s3/test"): "The dashboard's S3 Test connection; Owncast has none.",
    ("POST", "/api/admin/preview/markdown"): "The dashboard's Markdown previews; Owncast has none.",
    ("GET", "/api/admin/restream/destinations"): (
        "Simulcast destinations (issue 14; Owncast has none): `{id, name, url, displayUrl, enabled, variant, "
        "createdAt, updatedAt}`, the stream key whole in `url` (admin only), masked in `displayUrl`."
    ),
    ("POST", "/api/admin/restream/destinations/create"): (
        "`{name, url, enabled?, variant?}` → the created destination; a bad URL, name or variant is a 400 "
        "simple response and stores nothing."
    ),
    ("POST", "/api/admin/restream/destinations/update"): "`{id, …}`: only the fields given change.",
    ("POST", "/api/admin/restream/destinations/delete"): "`{id}` → a simple response.",
    ("GET", "/api/admin/restream/status"): (
        "Per destination: `state` (idle, connecting, live, retrying, failed), `bitrate` (kbit/s), `uptime` "
        "and `retryIn` (s), `lastError` (ffmpeg's line, the key masked), `restarts`, `bytesSent`."
    ),
    ("GET", "/admin/"): (
        "The dashboard answers 401 with its login page and no Basic challenge (Owncast: a Basic "
        "challenge), and accepts a session cookie from POST /admin/login as well as Basic."
    ),
    ("GET", "/admin"): "Redirects to /admin/ before any auth check, as Owncast's dashboard does.",
    ("GET", "/admin/assets/{name}"): "The dashboard's static files, open to anyone (the login page's style).",
    ("POST", "/admin/login"): "The dashboard's login form (JSON or a form post); it sets the session cookie.",
    (
        "POST",
        "/admin/logout",
    ): "Ends the dashboard's session (revoked with its CSRF token) and clears the cookie.",
    # Federation (issue 10; reference §2.5, §8): routes of Owncast's that the spec leaves out.
    ("GET", "/.well-known/webfinger"): (
        "WebFinger (newer §13 links); 400 without a resource or for a scheme other than acct:, 404 for "
        "another user or host (0.0.11: an empty 200 and 501)."
    ),
    ("GET", "/.well-known/host-meta"): "XRD with the WebFinger template; 404 while federation is off.",
    ("GET", "/.well-known/nodeinfo"): "The NodeInfo 2.0 link.",
    ("GET", "/nodeinfo/2.0"): (
        "NodeInfo 2.0 as newer Owncast: software `owncast` (lower-case), `services`, `metadata`."
    ),
    ("GET", "/.well-known/x-nodeinfo2"): "x-nodeinfo2 as Owncast.",
    ("GET", "/api/v1/instance"): "Mastodon's instance document as Owncast fills it.",
    ("GET", "/federation/user/{name}"): (
        "The Service actor; AS2 JSON to application/activity+json, application/ld+json (0.0.11 missed "
        "it with the ActivityStreams profile) and application/json; 307 to / for anything else."
    ),
    ("GET", "/federation/user/{name}/followers"): "OrderedCollection of followers, 50 a page.",
    ("GET", "/federation/user/{name}/outbox"): (
        "OrderedCollection of Create activities wrapping the stored Notes (0.0.11's pages were empty); "
        "empty in private mode."
    ),
    ("GET", "/federation/user/{name}/following"): "404, as Owncast.",
    ("GET", "/federation/{id}"): "A published Note at its IRI; 404 in private mode.",
    ("GET", "/federation/events/{id}"): (
        "An announced scheduled stream as an ActivityPub Event (newer §14.1, federation of the schedule); "
        "404 in private mode or once deleted."
    ),
    ("POST", "/federation/user/{name}/inbox"): (
        "Signed POSTs only (draft-cavage, rsa-sha256 or hs2019): 202 handled, 401 bad, missing, stale or "
        "RFC 9421-only signature, 403 blocked domain, 400 unparseable body, 413 above 1 MiB. 0.0.11 "
        "answered 202 to everything and dropped what failed."
    ),
    ("POST", "/federation/inbox"): "The shared inbox (not in 0.0.11), as the actor's inbox.",
    ("POST", "/api/admin/config/replays/enabled"): "Replays on or off (issue 13; Owncast 0.0.11 has none).",
    (
        "POST",
        "/api/admin/config/replays/reconnectwindow",
    ): "Seconds a publisher may reconnect into one replay.",
    (
        "POST",
        "/api/admin/config/replays/retention",
    ): 'Replay retention: {"days": N, "bytes": N}, 0 = unlimited.',
    (
        "POST",
        "/api/admin/config/replays/dvrwindow",
    ): "Seconds a live viewer can rewind (DVR), 0 = off.",
    ("DELETE", "/api/admin/replays/{id}"): "Deletes a replay (not the one being recorded: 409).",
    ("POST", "/api/admin/config/clips/enabled"): "Clips on or off (issue 13; Owncast 0.0.11 has none).",
    ("POST", "/api/admin/config/clips/maxduration"): "The longest clip one may ask for, seconds (1-3600).",
    (
        "POST",
        "/api/admin/config/clips/permission",
    ): "Who besides the admin may clip: `admin`, `moderators` (default) or `everyone`.",
    ("POST", "/api/admin/clips"): (
        "The admin cuts a clip: `{title?, replayId?, start, end?}` (no replayId: the live stream; times "
        "RFC 3339 or seconds into the video, negative from its end) → 201 and the clip; `{error}` 4xx."
    ),
    ("DELETE", "/api/admin/clips/{id}"): "Deletes a clip and its video (a simple response).",
    ("GET", "/api/admin/replays"): (
        "The dashboard's replay list: /api/replays's items plus `recording` (true: live or waiting for a "
        "reconnect; cannot be deleted)."
    ),
    ("GET", "/api/admin/replays/usage"): (
        "Recording disk use: `usedBytes`, `diskBudgetBytes`, `limitBytes` (the budget or the byte "
        "retention, the smaller), `diskFreeBytes`, `bucketBytes` (replays recorded to S3), `share`, "
        "`warning` (share ≥ 0.9), `recording`."
    ),
}
"""Routes beyond Owncast's API (tests/api/test_admin_pages.py, tests/api/test_admin_dashboard_endpoints.py):
`/api/admin/…` behind the admin gate (Basic or the dashboard's cookie), the dashboard's pages behind
theirs (the login page instead of a challenge), and only what it takes to log in open to anyone. The
contract test reads their declarations back (tests/contract/test_routes.py)."""

OUR_PUBLIC_PATHS = {
    (
        "GET",
        "/api/replays",
    ): "Past streams, newest first (issue 13; Owncast's unreleased routes not followed).",
    ("GET", "/api/replays/{id}"): "One replay.",
    ("GET", "/api/replays/{id}/chat"): "A replay's chat, moderation applied, in /api/chat's item shape.",
    ("GET", "/replay/{id}"): "The replay page: the video with its chat in sync.",
    ("GET", "/replay/{id}/stream.m3u8"): "A replay's playlist: EVENT while it may grow, then VOD.",
    ("GET", "/replay/{id}/media/{name}"): "A replay's init and media segments.",
    ("GET", "/replay/{id}/thumbnail.jpg"): "A replay's thumbnail.",
    ("GET", "/replay/{id}/download.mp4"): "A replay remuxed into one MP4 as it is sent.",
    ("GET", "/api/clips"): "Clips, newest first (issue 13; Owncast's unreleased clip routes not followed).",
    ("GET", "/api/clips/{id}"): "One clip.",
    ("GET", "/clip/{id}"): "The clip page: its video, title and links back to the stream.",
    ("GET", "/clip/{id}/stream.m3u8"): "A clip's VOD playlist, a program date time on every segment.",
    (
        "GET",
        "/clip/{id}/media/{name}",
    ): "A clip's init and media segments (its own links: it outlives its replay).",
    ("GET", "/clip/{id}/download.mp4"): "A clip remuxed into one MP4 as it is sent.",
    ("GET", "/api/dvr"): "DVR while live: the window, the DVR playlist's URL, the server's clock.",
    ("GET", "/replay/{id}/dvr.m3u8"): "The recording being made from `since` on (EVENT): the DVR playlist.",
}
"""Our routes open to anyone (tests/contract/test_routes.py reads their declarations back)."""

OUR_CHAT_USER_PATHS = {
    ("POST", "/api/clips"): (
        "A chat user (`?accessToken=`) cuts a clip as POST /api/admin/clips, when the admin's clip "
        "permission lets them (403 otherwise; 429 past 10 an hour for non-moderators)."
    ),
}
"""Our routes for chat users' tokens (tests/contract/test_clip_routes.py reads their declarations back)."""

RESPONSE_SHAPES = {
    (
        "GET",
        "/api/status",
    ): "The spec's example shows peak viewer counts; the real server does not send them.",
    (
        "GET",
        "/api/admin/status",
    ): "`streamDetails.framerate` (the real field) where the spec says `frameRate`.",
    (
        "GET",
        "/api/admin/chat/clients",
    ): "Clients carry `clientId` (number) and `ipAddress`; the spec says `clientID`.",
    (
        "GET",
        "/api/admin/webhooks",
    ): "Webhooks are `{id, url, events, timestamp, lastUsed}` as the real server sends.",
    ("POST", "/api/admin/webhooks/create"): "The created webhook is returned in the list's shape.",
    (
        "GET",
        "/api/admin/accesstokens",
    ): "Tokens are users: `{id, accessToken, displayName, displayColor, createdAt, scopes, lastUsedAt}`.",
    ("POST", "/api/admin/accesstokens/create"): "The created token in the list's shape.",
    ("POST", "/api/admin/accesstokens/delete"): "A simple response `{success, message}`.",
    (
        "GET",
        "/api/chat",
    ): "`user.previousNames` is an array, `scopes` always an array (0.0.11 sent null, which bots crash on).",
    ("GET", "/api/integrations/chat"): "As GET /api/chat.",
    ("GET", "/api/admin/chat/messages"): "As GET /api/chat, plus hidden messages with `hiddenAt`.",
    ("GET", "/api/admin/chat/users/moderators"): "User objects as the chat protocol sends them.",
    ("POST", "/api/chat/register"): "`{id, accessToken, displayName}` as the real server sends.",
    ("POST", "/api/integrations/chat/send"): "A simple response as the real server sends.",
    ("POST", "/api/integrations/chat/system"): "A simple response as the real server sends.",
    ("POST", "/api/integrations/chat/action"): "A simple response as the real server sends.",
    (
        "POST",
        "/api/integrations/chat/system/client/{clientId}",
    ): "A simple response as the real server sends.",
    (
        "GET",
        "/api/admin/serverconfig",
    ): "The real server's full shape (reference §2.3), a superset of the spec's.",
    (
        "GET",
        "/api/config",
    ): "The real server's shape (`federation`, `maxSocketPayloadSize`, `socialHandles[].icon`).",
    ("GET", "/api/yp"): "404 while the directory is disabled, as the real server does.",
    ("POST", "/api/remotefollow"): "400 simple responses for unresolvable accounts.",
}

BEHAVIOUR_DEVIATIONS = {
    "video bitrate": (
        "A variant's `videoBitrate` is what the encoder gets (`-b:v`, maxrate and bufsize ×1.08 of it); "
        "0.0.11 subtracted 192 kbit/s for audio (600 became 408), though audio has its own `audioBitrate`."
    ),
    "online means playable": (
        "`online` turns true after 0.0.11's delay only once the master playlist and a segment of every "
        "variant exist; 0.0.11 said online after the delay even when ffmpeg had rejected the input. At "
        "latency levels 0-1 (low-latency HLS) there is no delay: online as soon as it is playable."
    ),
    "HLS segments and low latency": (
        "Segments are fragmented MP4 (`init-<id>.mp4` + `stream-<id>-<n>.m4s`, `EXT-X-MAP`) at every level; "
        "0.0.11 wrote MPEG-TS (`--hls-format mpegts` restores that, without low latency). At levels 0-1 "
        "the variant playlists are low-latency HLS: parts (`part-<id>-<n>.m4s`), a preload hint, "
        "server control, rendition reports, and `_HLS_msn`/`_HLS_part`/`_HLS_skip` on "
        "`/hls/<n>/stream.m3u8` (400 for bad directives, 503 for a part that does not come). "
        "`EXT-X-PROGRAM-DATE-TIME` is when the media reached the server. Same URLs as 0.0.11."
    ),
    "replay and clip webhook events": (
        "Ours (issue 13; Owncast has none): `REPLAY_READY` `{type, eventData: {id, timestamp, replay: {id, "
        "title, startTime, endTime, duration}, url, playlist, download}}` when a replay is finalised, and "
        "`CLIP_CREATED` `{type, eventData: {id, timestamp, clip: {id, title, replayId, startTime, endTime, "
        "duration, clippedBy}, url, playlist, download}}` when a clip is cut; URLs absolute when the server "
        "URL is set."
    ),
    "S3 object (C13)": (
        "`s3` keeps 0.0.11's `servingEndpoint` (newer Owncast dropped it for `videoServingEndpoint`, "
        "which wins when both are set) and gains newer Owncast's `pathPrefix` (0.1.2, omitted when "
        "empty): the live stream's objects go under `<pathPrefix>/hls/`, URLs "
        "`<public address>/<pathPrefix>/hls/…`. Stored without surrounding slashes; `..`, `.`, empty "
        "folders, spaces, `?`, `#`, `\\` and control characters are a 400 (Owncast stored any string). "
        "Replays recorded to S3 go under `<pathPrefix>/recordings/<id>/` (ours: Owncast has no replays); "
        "each keeps the prefix of its start, so it still plays after the prefix changes."
    ),
    "simulcast webhook events": (
        "Ours (issue 14; Owncast has none): webhooks may subscribe to `RESTREAM_STARTED` and "
        "`RESTREAM_FAILED`, `{type, eventData: {id, timestamp, destinationId, destinationName, state, "
        "error?}}`, `state` `live`, `retrying` or `failed`, `error` ffmpeg's line with the key masked."
    ),
}
"""Deliberate differences from what Owncast 0.0.11 does, outside the HTTP contract (video, ingest…)."""
DEVIATIONS = {
    # Issue 7, items 6, 9, 15, 16: deliberate departures from Owncast 0.0.11, for safety.
    ("*", "/api/admin/*"): (
        "A request with Basic credentials and a foreign Origin (or, without Origin, a foreign Referer) is "
        "refused 403 in the endpoint's error shape; foreign = not the request's own scheme+Host, not the "
        "server URL's origin, not in `adminOrigins`. CORS echoes only those origins, with "
        "Allow-Credentials; 0.0.11 echoed any Origin with credentials. Requests without Origin/Referer, "
        "Bearer tokens and `?accessToken=` are not checked."
    ),
    ("*", "/api/admin/* (wrong credentials)"): (
        "After 10 wrong credentials from one client address in 10 minutes, each further attempt is "
        "answered later (doubling up to 30 s); the answer itself is 0.0.11's 401. 0.0.11 had no brake."
    ),
    ("POST", "/api/admin/config/adminorigins"): (
        'Not in 0.0.11: the admin origin allow-list, `{"value": ["https://…"]}`, shown as '
        "`adminOrigins` in GET /api/admin/serverconfig."
    ),
    ("GET", "/api/admin/logs/warnings"): (
        "A standing warning is listed while the stream key is the default or shorter than 8 characters."
    ),
    ("GET", "/ws"): (
        "A foreign Origin is refused 403 as in 0.0.11, but foreign means scheme+Host (0.0.11 compared "
        "hosts only), and the server URL's origin and `adminOrigins` also pass."
    ),
    ("*", "/federation/*, /.well-known/*, /nodeinfo/2.0, /api/v1/instance"): (
        "While federation is off (or has no server URL) every federation route answers 405 with an "
        "empty body, except host-meta: 404 (0.0.11 served host-meta whenever a server URL was set; "
        "0.2.x answers 405). Blocked domains match the host or its subdomains, not any substring "
        "(0.0.11 blocked `evil.example.com` for `example.com` and also `notexample.com`)."
    ),
    ("POST", "/api/admin/config/federation/enable"): (
        "Turning federation on without a server URL is refused (400, the reason in the message); an "
        "http:// or non-443 server URL is accepted with a warning in the log."
    ),
    ("POST", "/api/remotefollow"): (
        "Every failed lookup answers the one text `unable to determine remote follow information for "
        "<account>` (0.0.11 passed the lookup error on, telling open ports from closed); redirects are "
        "not followed, and private/loopback/link-local targets are refused unless "
        "--allow-private-addresses."
    ),
}
NEWER_OWNCAST = {
    # Issue 11: the viewer page's settings of newer Owncast (reference newer §4), beside 0.0.11's API.
    ("POST", "/api/admin/config/offlinemessage"): (
        "Not in 0.0.11 (Owncast 0.1.0): Markdown, trimmed; raw as `instanceDetails.offlineMessage` in "
        "serverconfig, rendered and sanitized as `offlineMessage` in GET /api/config."
    ),
    ("POST", "/api/admin/config/customjavascript"): (
        "Not in 0.0.11 (Owncast 0.1.0): stored as `instanceDetails.customJavascript`; success message "
        "`custom styles updated` as Owncast's (sic)."
    ),
    ("GET", "/customjavascript"): (
        "Not in 0.0.11: the stored script, text/javascript. The viewer page (/) loads it only when it is "
        "set, as /customjavascript?v=<hash>; the embeds and the dashboard never do."
    ),
    ("POST", "/api/admin/config/hideviewercount"): (
        "Not in 0.0.11 (Owncast 0.1.0): `hideViewerCount` in serverconfig and /api/config. While it is "
        "on, GET /api/status leaves `viewerCount` out (0.0.11 always sent it; newer Owncast also leaves "
        "it out at 0, which we do not)."
    ),
    ("GET", "/api/config"): "Adds newer Owncast's `offlineMessage` (rendered) and `hideViewerCount`.",
    ("GET", "/logo/external"): (
        "The logo as a 512×512 PNG (SVG logos drawn with resvg), for link previews and fediverse "
        "servers; 0.0.11 served the logo file itself unless it was an SVG."
    ),
    ("GET", "/favicon.ico"): "The logo as an ICO (16–64 px); 0.0.11 served a fixed icon from its web root.",
    ("GET", "/img/platformlogos/{name}.svg"): (
        "Brand icons from Simple Icons and Tabler Icons (npm), as a glyph on the brand's colour; 0.0.11 "
        "shipped its own files. Unknown platforms are 404 (the API gives them no `icon`)."
    ),
    ("GET", "/api/moderation/chat/user/{userId}"): (
        "Not in 0.0.11 (Owncast 0.1.0, reference newer §6): a moderator's view of a chat user."
    ),
    # Issue 15 part A: newer Owncast's API beside 0.0.11 (tests/contract/test_newer_routes.py reads the
    # security of each route back).
    ("POST", "/api/admin/config/streamkeys"): (
        "Not in 0.0.11 (Owncast 0.1.0, newer §3): `[{key, comment}]` replaces the key list; RTMP accepts any "
        "key in it. `config/key` stays (0.1.0 removed it) and means what it did: the one key, so with a list "
        "stored the list becomes that key. serverconfig keeps `streamKey` and adds `streamKeys`, "
        "`adminPassword` and `streamKeyOverridden` (true while `--streamkey` was given; our flag persists, "
        "0.1.0's was temporary). A key with control characters is refused."
    ),
    ("POST", "/api/admin/config/adminpass"): (
        "Not in 0.0.11 (Owncast 0.1.0): a bcrypt hash (cost 10, SHA-512 first past 72 bytes, as 0.2.4). "
        "Until "
        "one is set the admin password is the 0.0.11 stream key; the first `streamkeys` stores the key of "
        "that moment as the password (newer Owncast's upgrade), so the admin password is never a listed "
        "key by accident (the reference's §0 recommendation is replaced by issue 15's rule). An empty "
        'password is refused (Owncast took it). `adminPassword` in serverconfig is the hash, "" while '
        "unset. `--adminpassword` / OWNSTREAM_ADMINPASSWORD resets it."
    ),
    (
        "GET",
        "/api/admin/chat/users/ipbans",
    ): "Not in 0.0.11 (Owncast 0.0.12, newer §5): `[{createdAt, ipAddress, notes}]`.",
    ("POST", "/api/admin/chat/users/ipbans/create"): (
        'Not in 0.0.11 (Owncast 0.0.12): `{"value": ip}`. IPv4 or IPv6, stored canonical (IPv4-mapped IPv6 '
        "as IPv4); Owncast stored any text, we refuse a non-address (`error saving IP address ban: not an IP "
        "address`). Enforced on /ws (403 before the upgrade), the user-token routes (401 `unauthorized`) "
        "and — our extension — POST /api/chat/register (403 `this address is banned from chat`; Owncast "
        "registered a banned address). The client address is the one of --trusted-proxies. Disabling a "
        "user bans their sockets' addresses (note `Banning of <name>`), never loopback."
    ),
    (
        "POST",
        "/api/admin/chat/users/ipbans/remove",
    ): "Not in 0.0.11 (Owncast 0.0.12): `IP address unbanned`, also when it was not banned.",
    ("POST", "/api/admin/chat/messagevisibility"): (
        "Newer Owncast's name (0.0.12) for /api/admin/chat/updatemessagevisibility; both are served."
    ),
    ("POST", "/api/chat/messagevisibility"): (
        "Newer Owncast's name (0.0.12) for /api/chat/updatemessagevisibility; both are served."
    ),
    ("GET", "/api/integrations/moderation/chat/user/{userId}"): (
        "Not in 0.0.11 (Owncast 0.2.0): the moderators' user details for a HAS_ADMIN_ACCESS token."
    ),
    ("GET", "/api/integrations/status"): (
        "Not in 0.0.11 (Owncast 0.2.2, newer §10): status with `overallMaxViewerCount` and "
        "`sessionMaxViewerCount`; `viewerCount` even while hidden."
    ),
    ("POST", "/api/admin/config/chat/joinmessagesenabled"): (
        "Not in 0.0.11 (Owncast 0.0.12): default on; gates the USER_JOINED and USER_PARTED broadcasts, the "
        "webhooks go out regardless. USER_JOINED keeps 0.0.11's five-minute suppression (newer C15)."
    ),
    ("POST", "/api/admin/config/chat/establishedusermode"): (
        "Not in 0.0.11 (Owncast 0.0.12): users younger than 15 minutes get a notice (our wording) instead "
        "of taking part, on any frame; moderators exempt."
    ),
    ("POST", "/api/admin/config/chat/spamprotectionenabled"): (
        "Not in 0.0.11 (Owncast 0.2.0): default on; off lifts the per-socket flood limit. /api/config "
        "carries it as `chatSpamProtectionDisabled` holding the *enabled* value, as Owncast 0.2 does."
    ),
    ("POST", "/api/admin/config/chat/slurfilterenabled"): (
        "Not in 0.0.11 (Owncast 0.2.0): default off; any frame whose words match better-profanity's English "
        "list (whole words, common digit-for-letter spellings) is dropped with a notice (our wording)."
    ),
    ("WS", "/ws COLOR_CHANGE, USER_PARTED"): (
        "Newer Owncast's socket events: COLOR_CHANGE `{newColor}` 0–7 is stored and answered with "
        "CONNECTED_USER_INFO to that socket only (others, negatives too, are ignored: Owncast stored "
        "negatives); USER_PARTED `{type,id,timestamp,user}` 10 s after a user's last socket closed unless "
        "they reconnect, and the USER_PARTED webhook `{timestamp,id,user,clientId}` (accepted by "
        "webhooks/create)."
    ),
    ("POST", "/api/metrics/playback"): (
        "Not in 0.0.11 (Owncast 0.0.12): a player's report, 200 with an empty body. Missing `errors` or "
        "`qualityVariantChanges` is a 400 naming it (0.2 answered 500); a non-number field is a 400. The "
        "viewer page's player reports every minute."
    ),
    ("POST", "/api/metrics/cmcd"): (
        "Newer Owncast's development branch (§14.3, in no release): CMCD reports as JSON (an object or an "
        "array, at most 64 KiB) and in the four `CMCD-*` headers; 200 with an empty body, a simple 400 "
        "(`no CMCD report found in request`, `http: request body too large`, `unexpected EOF`, Go-style "
        "`invalid character …`), 204 for OPTIONS with its CORS headers, 405 with an empty body for other "
        "methods, `Access-Control-Allow-Origin: *` on every answer. The same reports are read from "
        "`/hls/` requests carrying a `CMCD` query parameter or `CMCD-*` headers."
    ),
    ("GET", "/api/metrics/cmcd"): (
        "Newer Owncast's development branch (§14.3): `?CMCD=` in CMCD's dictionary syntax (quoted strings "
        "unescaped, numbers, `?0`/`?1`, tokens, a bare key is true)."
    ),
    ("GET", "/api/admin/viewers/playback"): (
        "Newer Owncast's development branch (§14.3): each active viewer's players with `playback` null or "
        "`{source, lastUpdate, playerState?, measurementStatus?, bandwidthKbps, latencySeconds, "
        "downloadSeconds, bitrateKbps, errorCount, qualityVariantChanges}`; values older than 30 s are null. "
        "Players that report nothing are measured by timing the whole segments sent to them while online "
        "(LL-HLS parts and init segments are too small to time and are not counted); `geo` is null."
    ),
    ("GET", "/api/admin/metrics/video"): (
        "Not in 0.0.11 (Owncast 0.0.12): the players' series, folded every 2 minutes, memory only."
    ),
    ("GET", "/api/admin/viewers"): (
        "Not in 0.0.11 (Owncast 0.0.12): active viewers `[{firstSeen, geo, userAgent, ipAddress, "
        "clientID}]`; `geo` is null (no geo database)."
    ),
    ("GET", "/api/admin/status"): (
        "Adds newer Owncast's `health` (null, or `{healthy, healthPercentage, message, representation}` "
        "while live with reporting players); `message` is our wording."
    ),
    ("GET", "/api/admin/viewersOverTime"): (
        "Takes newer Owncast's `?windowStart=<unix seconds>`; without it every sample as in 0.0.11 "
        "(0.0.12 required it: newer C6). Samples stay in memory, as in 0.0.11."
    ),
    ("GET", "/api/admin/prometheus"): (
        "Owncast's gauge names (`owncast_instance_*`, `total_chat_message_count`, labels `version` and "
        "`host`) beside ours (`ownstream_*`); `owncast_instance_playback_error_count` is the players' "
        "errors of the last window."
    ),
    ("POST", "/api/admin/config/disablesearchindexing"): (
        "Not in 0.0.11 (Owncast 0.1.1): `disableSearchIndexing` in serverconfig; its only effect is "
        "`Disallow: /` in /robots.txt."
    ),
    ("GET", "/robots.txt"): (
        "Not in 0.0.11 (Owncast 0.1.1): `User-agent: *`, `Disallow: /admin`, `Disallow: /api` "
        "(+ `Disallow: /`"
        " while indexing is off), joined with newlines, none at the end."
    ),
    ("POST", "/api/admin/config/sockethostoverride"): (
        "Not in 0.0.11 (Owncast 0.0.12): `socketHostOverride` in /api/config and serverconfig, omitted when "
        "empty; the viewer page opens /ws there. We require a ws(s)/http(s) address (Owncast stored any "
        "text)."
    ),
    ("POST", "/api/admin/config/appearance"): (
        "Not in 0.0.11 (Owncast 0.1.0): `{name: value}` strings; `appearanceVariables` in /api/config (null "
        "while never set) and in serverconfig's instanceDetails; the viewer page sets each as `--name`. "
        "Names must be CSS custom property names, values may not contain `;{}<>\\` or control characters "
        "(Owncast took anything); at most 200, 500 characters each."
    ),
    ("GET", "/public/{path}"): (
        "Not in 0.0.11 (Owncast 0.1.0): files of <datadir>/public, byte ranges, index.html or a listing for "
        "a folder (a folder without `/` is redirected 301), nothing outside the folder (symlinks out: 404)."
    ),
    ("POST", "/api/admin/config/videoservingendpoint"): (
        "Not in 0.0.11 (Owncast 0.1.1; POST, as 0.2): `videoServingEndpoint` in serverconfig; the "
        "master playlist's variant lines become `<endpoint>/hls/<variant>/stream.m3u8`. We require an "
        "http(s) address (Owncast stored any string). With S3 on it stands for `<endpoint>/<bucket>` in "
        "the master playlist (and replays read from the bucket), read at stream start; it wins over 0.0.11's "
        "`s3.servingEndpoint`, which 0.1.1 moved into this setting and which is kept here (C13) and applies "
        "while this one is empty."
    ),
    ("POST", "/api/admin/config/favicon"): (
        'Not in 0.0.11 (Owncast 0.2.5): multipart part `favicon` or JSON `{"value": data URI}` (the later '
        "revision); PNG or ICO up to 200 KB, checked by its bytes too; Owncast's messages. /favicon.ico "
        "serves it (image/png or image/x-icon)."
    ),
    ("DELETE", "/api/admin/config/favicon"): (
        "Not in 0.0.11 (Owncast 0.2.5): `favicon reset to default`; /favicon.ico is the logo's again."
    ),
    ("*", "/api/integrations/* (Authorization)"): (
        "The `Bearer` scheme is matched in any case (Owncast 0.1.2); as in 0.0.11, a bare token and every "
        "further `Bearer ` removed keep working (0.1.2 refused a bare token: we keep 0.0.11's)."
    ),
}
"""Routes and fields of newer Owncast (and our renditions of 0.0.11's images) that the viewer page uses;
tests/api/test_viewer_page_settings.py, test_logo_images.py and test_moderation_user_details.py; issue
15's routes in tests/contract/test_newer_routes.py and the tests named in each entry's area."""
# Issue 15 part B: go-live notifications (reference newer §8); tests/notifications/test_go_live.py.
NEWER_OWNCAST |= {
    ("POST", "/api/notifications/register"): (
        "Not in 0.0.11 (Owncast 0.0.12): a chat user's Web Push subscription; 200 with an empty body, "
        "Owncast's messages for a wrong channel or body. The same subscription twice is stored once, and "
        "one that is not a usable PushSubscription is refused (Owncast stored any string)."
    ),
    ("POST", "/api/admin/config/notifications/browser"): (
        "Not in 0.0.11 (Owncast 0.0.12): `{enabled, goLiveMessage}`, shown as `notifications.browser` in "
        "serverconfig; `notifications.browser.{enabled, publicKey}` in GET /api/config."
    ),
    ("GET", "/api/admin/users"): (
        "Not in 0.0.11 (Owncast's development branch, reference newer §14.2): every user, "
        "`{total, results}`, searched (`search`), filtered (`status`), sorted (`sort`) and paged; "
        "tests/api/test_admin_users.py."
    ),
    ("POST", "/api/admin/users/delete"): (
        "Not in 0.0.11 (development branch, §14.2): deletes a user with their token and messages after "
        "closing their sockets; no chat event, webhook or IP ban."
    ),
    ("POST", "/api/admin/config/notifications/discord"): (
        "Not in 0.0.11 (Owncast 0.0.12): `{enabled, webhook, goLiveMessage}`; enabling without an http(s) "
        "webhook URL is refused with Owncast's failure message (Owncast stored it)."
    ),
}
# Issue 15: chat authentication (reference newer §7); tests/chat_auth/.
NEWER_OWNCAST |= {
    ("POST", "/api/auth/indieauth"): (
        "Not in 0.0.11 (Owncast 0.0.12): `{authHost}` → `{redirect}` (PKCE S256, 20-character state, "
        "pending 10 min, 100 at most); Owncast's texts. A profile URL without a scheme gets `https://`; "
        "the endpoint is taken from a `Link` header first, else the last HTML link (Owncast: HTML only); "
        "up to 3 redirects of the profile page are followed, each hop under the private-address rule."
    ),
    ("GET", "/api/auth/indieauth/callback"): (
        "Not in 0.0.11 (Owncast 0.0.12): 307 to `/`, or 400 text/html `Unable to complete authentication.`"
    ),
    ("POST", "/api/auth/fediverse"): (
        "Not in 0.0.11 (Owncast 0.0.12): a six-digit code by direct ActivityPub message (0.2's text). "
        "Refused with `Could not send code to fediverse: …` while federation is off."
    ),
    ("POST", "/api/auth/fediverse/verify"): (
        "Not in 0.0.11 (Owncast 0.0.12): 403 with an empty body for a wrong, used or expired code; ours "
        "also drops the pending code after five wrong guesses (Owncast allowed unlimited guesses)."
    ),
    ("*", "User objects (isBot, authenticated)"): (
        "Newer Owncast's `isBot` and `authenticated` follow 0.0.11's fields on every User object (chat "
        "events, webhooks, moderation, admin lists); reserved names (an authenticated or integration "
        "user's) compare case-insensitively (Owncast: exactly)."
    ),
    ("GET", "/api/config (authentication)"): (
        "Adds newer Owncast's `authentication.indieAuthEnabled` and `chatRequireAuthentication`."
    ),
    ("POST", "/api/admin/config/chat/requireauthentication"): (
        "Not in 0.0.11 (Owncast 0.2.5): `chatRequireAuthentication` in serverconfig; while on, frames of "
        "users neither authenticated nor moderators get the notice `Authentication is required to "
        "participate in chat.` and are dropped."
    ),
    ("GET", "/api/auth/provider/indieauth"): (
        "Not in 0.0.11 (Owncast 0.0.12): the admin approves a site's IndieAuth sign-in: 307 to its "
        "redirect_uri with `code` and `state`; a redirect_uri that is not an absolute http(s) URL is "
        "`invalid_request` (Owncast: only an unparseable one). The viewer page links it as "
        "`authorization_endpoint`."
    ),
    ("POST", "/api/auth/provider/indieauth"): (
        "Not in 0.0.11 (Owncast 0.0.12): the code traded for `{me, profile}`; mismatches 200 "
        "`invalid_client` with Owncast's descriptions; a code is good once, for 10 minutes."
    ),
}

# Issue 15, scheduled streams (Owncast's development branch, reference newer §14.1; schedule/,
# api/routes/schedule.py); tests/api/test_schedule.py, test_schedule_properties.py, tests/schedule/.
NEWER_OWNCAST |= {
    ("GET", "/api/admin/schedule"): (
        "Not in 0.0.11 (development branch): `{series, events}`; events of every status in [now − 3 months, "
        'now + 2 months) sorted by start. Errors of the schedule routes are `{"error"}` 400 as §14 gives, '
        "but as application/json (Owncast's had no Content-Type, so Go sniffed text/plain)."
    ),
    ("POST", "/api/admin/schedule/event"): (
        "Create (no `id`) or update a one-off, an occurrence or a series, §14.1's checks in its order and "
        "with its messages; the decoder's texts in Go's form (`json: cannot unmarshal …`, `EOF`, `parsing "
        "time …`), not byte for byte. Our caps (Owncast has none): name 255 characters, description and "
        "reminderMessage 16 KiB, recurrence 2,048 characters. A series whose expansion fails after it was "
        'stored answers `{"error"}` with 200, as Owncast.'
    ),
    ("POST", "/api/admin/schedule/event/delete"): (
        "`{id, cancel?}`: cancel an occurrence, pause a series, or delete either (a series' past "
        "occurrences stay, naming it; no foreign key, so §14.4's open point does not arise)."
    ),
    ("POST", "/api/admin/schedule/preview"): (
        "`{recurrence}` → `{occurrences}`: the first 5 instants in [now, now + 1 year) in the rule's zone "
        "(`Z` for UTC rules). Rules are RFC 5545 DTSTART (TZID or UTC) + RRULE, expanded by python-dateutil "
        "on wall-clock time; other lines (EXDATE, RDATE) are refused as unparseable."
    ),
    ("POST", "/api/admin/config/schedule/enabled"): (
        "Not in 0.0.11 (development branch): `schedule.enabled` in serverconfig and /api/config; a wrong "
        'value is `{"error": "value must be a boolean"}` 400 (§14\'s setter shape), a body that is not '
        "JSON the simple 400 `unable to parse new value`. The same for the five setters below."
    ),
    (
        "POST",
        "/api/admin/config/schedule/showcountdown",
    ): "`schedule.showCountdown`; the viewer page's countdown.",
    ("POST", "/api/admin/config/schedule/chatopenminutes"): (
        "0, 5, 10, 30 or 60: chat is accepted while offline from that long before a scheduled start "
        "(`scheduledEvent.chatOpen`); a missed event gets Owncast's chat notice at start + 9 min and is "
        "cancelled at start + 10 min."
    ),
    ("POST", "/api/admin/config/schedule/remindermessage"): (
        "The default reminder text (empty: no reminders); at most 16 KiB (our cap). Reminders go through "
        "the go-live channels (Discord, Web Push with Topic `owncast-schedule-reminder`, TTL 15 min), not "
        "the fediverse (federated posts come with the federation issue)."
    ),
    ("POST", "/api/admin/config/schedule/firstreminderminutes"): "0, 15, 30, 60, 120 or 1440 (default 120).",
    ("POST", "/api/admin/config/schedule/secondreminderminutes"): "The same choices (default 15).",
    ("GET", "/api/schedule"): (
        "Public, CORS `*`, OPTIONS 204: `[ScheduledEvent]` in [from, to) (defaults now − 7 days, now + 90 "
        "days), `[]` while the feature is off; a `from`/`to` that is not RFC 3339 is 400 text/plain "
        "`Invalid format for parameter …` as the generated router answers (an unescaped `+` in the offset "
        "is taken as `+`)."
    ),
    ("GET", "/api/schedule.ics"): (
        "text/calendar as §14.1 gives (PRODID `-//Owncast//Schedule//EN`, UID `<id>@owncast`, CRLF, 75-octet "
        "folding); no events while the feature is off."
    ),
    ("GET", "/api/status"): (
        "Adds newer Owncast's `serverTime` (0.0.12, RFC 3339 with the server's offset) and the development "
        "branch's `scheduledEvent` `{id, name, description, startTime, durationMinutes, chatOpen}` while the "
        "schedule is on and something is current or upcoming. 0.0.11's fields stay (C8: `viewerCount` is "
        "still sent at 0, and CORS `*`)."
    ),
    ("POST", "<webhook receiver> (eventData.status, serverURL)"): (
        "Every webhook's `eventData` starts with newer Owncast's `status` (0.2.4: the object of "
        "/api/integrations/status) and `serverURL` (left out while unset); 0.0.11's fields all stay (C16: "
        "`clientId` and NAME_CHANGE's `type` are kept). tests/webhooks/test_dispatcher.py, "
        "tests/api/test_webhooks_delivery.py."
    ),
    ("GET", "/api/config (schedule)"): "Adds `schedule: {enabled, showCountdown, chatOpenMinutesBefore}`.",
    ("GET", "/schedule/{id}"): (
        "The link in a reminder: 302 to the viewer page (/), whose offline panel shows the next stream, "
        "its start in the viewer's locale and zone, the countdown and a link to /api/schedule.ics."
    ),
}
NEWER_OWNCAST |= {
    ("POST", "/api/admin/webhooks/create (SCHEDULED_EVENTS)"): (
        "Accepts the development branch's `SCHEDULED_EVENTS`: `eventData` `{status, serverURL?, event, "
        "action, timestamp}`, `action` `10-minute-warning` (within 10 minutes before the start; none once "
        "it has passed), `started`, `ended` (after `started`), each once per occurrence (kept in the "
        "database), none for cancelled ones; only while the schedule is on. At `started` the stream title "
        "first becomes the event's name (the latest revision), through the admin's title setter: stored "
        "(/api/status, /api/config, the webhooks' `status`), announced in chat and STREAM_TITLE_UPDATED; "
        "`ended` leaves the title as it is. tests/schedule/."
    ),
}
"""Not built from §14.1: ActivityPub events and federated reminders (the federation issue). The
reminder's link `<server URL>/schedule/<id>` opens the viewer page."""

LENGTH_CAPS = {
    ("POST", "/api/admin/config/name"): "255 characters.",
    ("POST", "/api/admin/config/streamtitle"): "1,000 characters.",
    ("POST", "/api/integrations/streamtitle"): "1,000 characters.",
    ("POST", "/api/admin/config/serversummary"): "16 KiB of UTF-8.",
    ("POST", "/api/admin/config/welcomemessage"): "16 KiB of UTF-8.",
    ("POST", "/api/admin/config/pagecontent"): "256 KiB of UTF-8.",
    ("POST", "/api/admin/config/customstyles"): "256 KiB of UTF-8.",
    ("POST", "/api/admin/config/tags"): "64 characters a tag, 100 tags.",
    ("POST", "/api/admin/config/offlinemessage"): "16 KiB of UTF-8.",
    ("POST", "/api/admin/config/customjavascript"): "256 KiB of UTF-8.",
}
"""A deliberate deviation: 0.0.11 capped none of the admin's texts. A longer value is a 400 simple
response naming the cap, and nothing changes (tests/api/test_admin_config_caps.py checks every entry)."""

NEWER_OWNCAST |= {
    ("*", "/api/ newer routes (methods)"): (
        "Owncast 0.2's router rule (C11) on the `/api/` routes 0.0.11 did not have (the newer routes of this "
        "table, `api/newer_methods.py`): a method 0.2's OpenAPI file does not list is a 405 with an empty "
        "body and `Allow`, before any security check; HEAD goes where GET does, OPTIONS to the route's "
        "gate (the preflight entry below). "
        "`/api/admin/prometheus` answers GET, POST, PUT and DELETE. 0.0.11's routes are untouched (a "
        "simple 400 `GET not supported` from POST-only actions, aiohttp's 405 elsewhere), as are 0.2's "
        "500 for panics and 400 `text/plain` for typed parameters."
    ),
}
NEWER_OWNCAST |= {
    ("OPTIONS", "/api/admin/…, /api/integrations/… (CORS preflight)"): (
        "Every admin and integration route answers `OPTIONS` 204 with an empty body before any credential "
        "check, whatever methods it has (0.0.11's gates did so on its method-agnostic routes; 0.2's router "
        "registers OPTIONS on most such paths, and the reference gives it for Prometheus and the schedule). "
        "Integrations as 0.0.11 and 0.2: `Access-Control-Allow-Origin: *`, with `Allow-Headers: "
        "Authorization, Content-Type` and `Allow-Methods: GET, POST, OPTIONS`. Admin: 0.2's \"dev CORS "
        'headers" are a fixed `Access-Control-Allow-Origin: http://localhost:3000` (its web dev server) '
        "with credentials (C10); 0.0.11's echo stays the default: the request's `Origin` with "
        "`Allow-Credentials: true` when it is the server's own, the server URL's or in `adminOrigins` "
        "(nothing for a foreign one, the admin entry of DEVIATIONS), so `http://localhost:3000` is trusted "
        "only once the admin adds it there. Headers as the newest Owncast: `Allow-Headers: Origin, "
        "X-Requested-With, Content-Type, Accept, Authorization`, `Allow-Methods: GET, POST, PUT, DELETE, "
        "OPTIONS`, plus `Vary: Origin`. Other routes keep their answers to OPTIONS (`/api/schedule`, "
        "`/api/metrics/cmcd`: 204 with `*`; a chat user's or moderator's route: 405 or its own). "
        "tests/contract/test_preflight.py."
    ),
}
