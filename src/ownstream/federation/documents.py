"""The documents fediverse servers fetch from us, without I/O (reference §8.2–8.5, newer §13).

The actor is a `Service` (Mastodon shows it as a bot account) with everything Mastodon reads: the
inbox, the shared inbox, the collections, the RSA key and the profile. Its `@context` names only the
ActivityStreams and security contexts plus inline terms, so a JSON-LD processor (Fedify) needs to fetch
nothing it does not already have.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from ownstream.config.model import RuntimeConfig
from ownstream.federation.notes import ACTIVITY_STREAMS, TAG_PAGE, actor_iri, hashtag_object, tag_word
from ownstream.social import PLATFORMS

SECURITY = "https://w3id.org/security/v1"
ACTOR_CONTEXT: list[Any] = [
    ACTIVITY_STREAMS,
    SECURITY,
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
    },
]
AS2_TYPE = "application/activity+json"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.0"
SOFTWARE_NAME = "owncast"
"""NodeInfo names the software lower-case (newer §13); directories count us with Owncast servers."""
LOGO_PATH = "/logo/external"
LINK_REL = "me nofollow noopener noreferrer"
PAGE_SIZE = 50


@dataclass(frozen=True)
class Site:
    """What the documents are built from: the configuration snapshot and a few live facts."""

    config: RuntimeConfig
    public_key_pem: str
    summary_html: str
    version: str
    """Our release string, as `/api/config` reports it."""
    api_version: str
    """The Owncast API level (`0.0.11`)."""

    @property
    def server_url(self) -> str:
        return self.config.server_url.rstrip("/")

    @property
    def host(self) -> str:
        return urlsplit(self.server_url).netloc

    @property
    def actor(self) -> str:
        return actor_iri(self.server_url, self.config.federation_username)

    @property
    def logo(self) -> str:
        return self.server_url + LOGO_PATH

    @property
    def shared_inbox(self) -> str:
        return self.server_url + "/federation/inbox"


def _link(url: str, text: str | None = None) -> str:
    shown = html.escape(text if text is not None else url)
    return f'<a href={quoteattr(url)} rel="{LINK_REL}" target="_blank">{shown}</a>'


def property_values(site: Site) -> list[dict[str, str]]:
    """The profile's fields: the stream first, then one per social handle (reference §8.3)."""
    fields = [{"type": "PropertyValue", "name": "Stream", "value": _link(site.server_url)}]
    handles = site.config.social_handles
    for handle in handles:
        name = PLATFORMS.get(handle.platform, handle.platform)
        fields.append({"type": "PropertyValue", "name": name, "value": _link(handle.url)})
    if len(handles) == 1:
        fields.append({"type": "PropertyValue", "name": "Owncast", "value": _link("https://owncast.online")})
    return fields


def _published(site: Site) -> str:
    moment = site.config.server_init_date or datetime(2020, 1, 1, tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def actor_document(site: Site) -> dict[str, Any]:
    actor = site.actor
    config = site.config
    image = {"type": "Image", "mediaType": "image/png", "url": site.logo}
    return {
        "@context": ACTOR_CONTEXT,
        "id": actor,
        "type": "Service",
        "preferredUsername": config.federation_username,
        "name": config.server_name,
        "summary": site.summary_html,
        "url": site.server_url,
        "inbox": actor + "/inbox",
        "outbox": actor + "/outbox",
        "followers": actor + "/followers",
        "endpoints": {"sharedInbox": site.shared_inbox},
        "manuallyApprovesFollowers": config.federation_private,
        "discoverable": True,
        "published": _published(site),
        "icon": image,
        "image": image,
        "publicKey": {"id": actor + "#main-key", "owner": actor, "publicKeyPem": site.public_key_pem},
        "tag": [hashtag_object(word) for word in (tag_word(tag) for tag in config.tags) if word],
        "attachment": property_values(site),
    }


# --- WebFinger and host-meta --------------------------------------------------------------------------
class WebfingerRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def webfinger_account(resource: str | None, site: Site) -> str:
    """`acct:user@host` (the `acct:` may be left out) naming our account → the canonical `user@host`.
    A missing resource or another scheme is 400; another user or host 404."""
    if not resource:
        raise WebfingerRefused(400, "the resource parameter is required")
    scheme, colon, rest = resource.partition(":")
    if colon and scheme.lower() == "acct":
        account = rest
    elif "@" in resource and (not colon or "@" in scheme):
        account = resource
    else:
        raise WebfingerRefused(400, "only acct: resources are served")
    user, at, host = account.lstrip("@").partition("@")
    if not at or not user or not host:
        raise WebfingerRefused(400, "the resource must be acct:user@host")
    if user.lower() != site.config.federation_username.lower() or host.lower() != site.host.lower():
        raise WebfingerRefused(404, "no such account here")
    return f"{site.config.federation_username}@{site.host}"


def webfinger_document(site: Site, account: str) -> dict[str, Any]:
    actor = site.actor
    return {
        "subject": f"acct:{account}",
        "aliases": [actor],
        "links": [
            {"rel": "self", "type": AS2_TYPE, "href": actor},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": site.server_url},
            {"rel": "http://webfinger.net/rel/avatar", "type": "image/png", "href": site.logo},
            {
                "rel": "alternate",
                "type": "application/x-mpegURL",
                "href": site.server_url + "/hls/stream.m3u8",
            },
        ],
    }


def host_meta(server_url: str) -> str:
    template = quoteattr(server_url.rstrip("/") + "/.well-known/webfinger?resource={uri}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/jrd+json" template={template}/>\n'
        "</XRD>\n"
    )


# --- NodeInfo and instance information --------------------------------------------------------------
def nodeinfo_links(server_url: str) -> dict[str, Any]:
    return {"links": [{"rel": NODEINFO_SCHEMA, "href": server_url.rstrip("/") + "/nodeinfo/2.0"}]}


def nodeinfo(site: Site, local_posts: int) -> dict[str, Any]:
    return {
        "version": "2.0",
        "software": {"name": SOFTWARE_NAME, "version": site.api_version},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {"users": {"total": 1, "activeMonth": 1, "activeHalfyear": 1}, "localPosts": local_posts},
        "metadata": {"chat_enabled": not site.config.chat_disabled},
    }


def x_nodeinfo2(site: Site, local_posts: int) -> dict[str, Any]:
    return {
        "version": "1.0",
        "server": {
            "baseUrl": site.server_url,
            "name": site.config.server_name,
            "software": SOFTWARE_NAME,
            "version": site.api_version,
        },
        "organization": {"name": site.config.server_name, "contact": site.server_url},
        "protocols": ["activitypub"],
        "services": {"inbound": ["activitypub"], "outbound": ["activitypub"]},
        "openRegistrations": False,
        "usage": {
            "users": {"total": 1, "activeWeek": 1, "activeMonth": 1, "activeHalfyear": 1},
            "localPosts": local_posts,
            "localComments": 0,
        },
    }


def instance_info(site: Site, local_posts: int) -> dict[str, Any]:
    """Mastodon's `/api/v1/instance`, as Owncast fills it."""
    return {
        "uri": site.server_url,
        "title": site.config.server_name,
        "short_description": site.config.server_summary,
        "description": site.config.server_summary,
        "version": site.version,
        "stats": {"user_count": 1, "status_count": local_posts, "domain_count": 0},
        "thumbnail": site.logo,
        "languages": None,
        "registrations": False,
        "approval_required": False,
        "invites_enabled": False,
    }


# --- collections --------------------------------------------------------------------------------------
def collection(iri: str, total: int) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ACTIVITY_STREAMS,
        "id": iri,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if total:
        document["first"] = f"{iri}?page=1"
    return document


def collection_page(iri: str, page: int, total: int, items: list[Any]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ACTIVITY_STREAMS,
        "id": f"{iri}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": iri,
        "totalItems": total,
        "orderedItems": items,
    }
    if page * PAGE_SIZE < total:
        document["next"] = f"{iri}?page={page + 1}"
    if page > 1:
        document["prev"] = f"{iri}?page={page - 1}"
    return document


def tag_page(tag: str) -> str:
    return TAG_PAGE + tag
