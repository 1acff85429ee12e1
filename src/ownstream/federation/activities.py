"""Activities, both ways, without I/O: the ones we send (Accept, Create, Update) and reading the ones we
receive as plain JSON, the way Mastodon does (`value_or_id`, `as_array`): no JSON-LD processing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ownstream.federation.notes import ACTIVITY_STREAMS, addressing

ACTOR_TYPES = frozenset({"Application", "Group", "Organization", "Person", "Service"})


class UnreadableActivity(Exception):
    """The body is not an activity we can read."""


def id_of(value: Any) -> str | None:
    """An IRI given as a string or as an object with an `id`."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        inner = value.get("id")
        return inner if isinstance(inner, str) and inner else None
    return None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def type_of(value: Any) -> str:
    """The first type name of an object (`type` may be a list); "" when there is none."""
    if not isinstance(value, dict):
        return ""
    for kind in as_list(value.get("type")):
        if isinstance(kind, str):
            return kind
    return ""


@dataclass(frozen=True)
class Inbound:
    """An activity as received: its type, id, actor IRI and object (an IRI or an embedded object)."""

    type: str
    id: str | None
    actor: str
    object: Any
    document: dict[str, Any]

    @property
    def object_id(self) -> str | None:
        return id_of(self.object)

    @property
    def object_type(self) -> str:
        return type_of(self.object)


def read_activity(document: Any) -> Inbound:
    if not isinstance(document, dict):
        raise UnreadableActivity("the body is not a JSON object")
    kind = type_of(document)
    actor = id_of(document.get("actor"))
    if not kind:
        raise UnreadableActivity("the activity has no type")
    if actor is None:
        raise UnreadableActivity("the activity has no actor")
    return Inbound(kind, id_of(document), actor, document.get("object"), document)


# --- what we send -----------------------------------------------------------------------------------
def accept(*, iri: str, actor: str, follow: Inbound | dict[str, Any] | str) -> dict[str, Any]:
    """`Accept` of a Follow, embedding it (with its id) so every server can match it."""
    if isinstance(follow, Inbound):
        embedded: dict[str, Any] | str = {
            "id": follow.id,
            "type": "Follow",
            "actor": follow.actor,
            "object": follow.object_id,
        }
    else:
        embedded = follow
    return {"@context": ACTIVITY_STREAMS, "id": iri, "type": "Accept", "actor": actor, "object": embedded}


def accept_of_stored_follow(*, iri: str, actor: str, follow_iri: str, follower: str) -> dict[str, Any]:
    """An `Accept` sent later (a follow approved by the admin): the Follow rebuilt from what is stored."""
    follow = {"id": follow_iri, "type": "Follow", "actor": follower, "object": actor}
    return accept(iri=iri, actor=actor, follow=follow)


def create(note: dict[str, Any], *, public: bool) -> dict[str, Any]:
    """The `Create` that delivers a Note; its id is the Note's with `#create`."""
    actor = note["attributedTo"]
    body = {key: value for key, value in note.items() if key != "@context"}
    return {
        "@context": note.get("@context", ACTIVITY_STREAMS),
        "id": note["id"] + "#create",
        "type": "Create",
        "actor": actor,
        "published": note.get("published"),
        **addressing(actor, public),
        "object": body,
    }


def update_actor(*, iri: str, actor_document: dict[str, Any], public: bool) -> dict[str, Any]:
    """`Update` carrying the whole actor document (Mastodon re-reads the embedded actor)."""
    actor = actor_document["id"]
    body = {key: value for key, value in actor_document.items() if key != "@context"}
    return {
        "@context": actor_document.get("@context", ACTIVITY_STREAMS),
        "id": iri,
        "type": "Update",
        "actor": actor,
        **addressing(actor, public),
        "object": body,
    }
