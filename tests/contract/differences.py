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
    ("POST", "/federation/user/{name}/inbox"): (
        "Signed POSTs only (draft-cavage, rsa-sha256 or hs2019): 202 handled, 401 bad, missing, stale or "
        "RFC 9421-only signature, 403 blocked domain, 400 unparseable body, 413 above 1 MiB. 0.0.11 "
        "answered 202 to everything and dropped what failed."
    ),
    ("POST", "/federation/inbox"): "The shared inbox (not in 0.0.11), as the actor's inbox.",
}
"""Routes beyond Owncast's API (tests/api/test_admin_pages.py, tests/api/test_admin_dashboard_endpoints.py):
`/api/admin/…` behind the admin gate (Basic or the dashboard's cookie), the dashboard's pages behind
theirs (the login page instead of a challenge), and only what it takes to log in open to anyone. The
contract test reads their declarations back (tests/contract/test_routes.py)."""

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
        "Not in 0.0.11 (Owncast 0.1.1; any method, as there): `videoServingEndpoint` in serverconfig; the "
        "master playlist's variant lines become `<endpoint>/hls/<variant>/stream.m3u8`. We require an "
        "http(s) address (Owncast stored any string). With S3 on, the S3 serving endpoint still applies "
        "(0.1.1 moved it into this setting; not done here)."
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
