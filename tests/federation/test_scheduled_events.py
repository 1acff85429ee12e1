"""Scheduled streams as ActivityPub documents (federation/scheduled_events.py): the `Event` of an occurrence,
its `Create`, `Update` (with `updated`, one id per revision) and `Delete`, the cancelled state for
Mastodon and for calendar software, and a reminder's text as a Note's HTML."""

from __future__ import annotations

from datetime import UTC, datetime

from ownstream.domain.scheduled_events import CANCELLED, SCHEDULED, ScheduledEvent
from ownstream.federation.notes import PUBLIC
from ownstream.federation.scheduled_events import (
    EVENT_CONTEXT,
    ICAL,
    cancellation_text,
    create_event,
    delete_event,
    event_document,
    event_iri,
    reminder_html,
    text_html,
    update_event,
)

SERVER = "https://stream.example"
ACTOR = SERVER + "/federation/user/streamer"
START = datetime(2026, 8, 10, 16, 0, tzinfo=UTC)
ANNOUNCED = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)


def occurrence(**changes: object) -> ScheduledEvent:
    values: dict[str, object] = {
        "id": "ev1",
        "series_id": None,
        "name": "Build night",
        "description": "We <build> a bench.\n\nBring wood & glue.",
        "reminder_message": "",
        "start": START,
        "original_start": None,
        "duration_minutes": 90,
        "timezone": "Europe/Berlin",
        "status": SCHEDULED,
    }
    values.update(changes)
    return ScheduledEvent(**values)  # type: ignore[arg-type]


def document(event: ScheduledEvent | None = None, **options: object) -> dict[str, object]:
    settings: dict[str, object] = {
        "server_url": SERVER,
        "actor": ACTOR,
        "public": True,
        "published": ANNOUNCED,
    }
    settings.update(options)
    return event_document(event or occurrence(), **settings)  # type: ignore[arg-type]


def test_the_event_carries_what_mastodon_and_calendars_read() -> None:
    event = document()
    assert event["@context"] == EVENT_CONTEXT
    assert EVENT_CONTEXT[1]["ical"] == ICAL, "the prefix of ical:status is defined inline"
    assert event["id"] == "https://stream.example/federation/events/ev1" == event_iri(SERVER + "/", "ev1")
    assert event["type"] == "Event"
    assert event["attributedTo"] == ACTOR
    assert event["name"] == "Build night"
    assert event["startTime"] == "2026-08-10T16:00:00Z"
    assert event["endTime"] == "2026-08-10T17:30:00Z"
    assert event["url"] == "https://stream.example/schedule/ev1"
    assert event["published"] == "2026-08-01T09:30:00Z"
    assert "updated" not in event
    assert event["ical:status"] == "CONFIRMED"
    assert event["to"] == [PUBLIC] and event["cc"] == [ACTOR + "/followers"]
    # Mastodon shows name, summary and url: the summary has the time (in the event's zone) and the text.
    assert event["summary"] == (
        "<p>Monday, August 10 at 6:00 PM CEST</p>"
        "<p>We &lt;build&gt; a bench.</p><p>Bring wood &amp; glue.</p>"
    )
    assert event["content"] == (
        str(event["summary"])
        + '<p><a href="https://stream.example/schedule/ev1">https://stream.example/schedule/ev1</a></p>'
    )


def test_private_mode_addresses_the_followers_only() -> None:
    event = document(public=False)
    assert event["to"] == [ACTOR + "/followers"] and "cc" not in event


def test_a_cancelled_event_says_so_to_mastodon_and_to_calendar_software() -> None:
    event = document(occurrence(status=CANCELLED), updated=datetime(2026, 8, 2, tzinfo=UTC))
    assert event["name"] == "Cancelled: Build night"
    assert str(event["summary"]).startswith("<p>This scheduled stream is cancelled.</p>")
    assert event["ical:status"] == "CANCELLED"
    assert event["updated"] == "2026-08-02T00:00:00Z"


def test_create_wraps_the_event() -> None:
    event = document()
    activity = create_event(event, public=True)
    assert activity["type"] == "Create" and activity["actor"] == ACTOR
    assert activity["id"] == str(event["id"]) + "#create"
    assert activity["@context"] == EVENT_CONTEXT
    assert activity["to"] == [PUBLIC] and activity["cc"] == [ACTOR + "/followers"]
    assert "@context" not in activity["object"]
    assert activity["object"]["type"] == "Event" and activity["object"]["id"] == event["id"]


def test_each_update_has_its_own_id_and_the_updated_time() -> None:
    first = update_event(document(updated=datetime(2026, 8, 2, 10, 0, tzinfo=UTC)), public=True)
    second = update_event(document(updated=datetime(2026, 8, 2, 10, 5, tzinfo=UTC)), public=True)
    assert first["type"] == "Update" and first["actor"] == ACTOR
    assert first["id"] == "https://stream.example/federation/events/ev1#update-20260802100000"
    assert first["id"] != second["id"]
    assert first["object"]["updated"] == "2026-08-02T10:00:00Z"
    assert "@context" not in first["object"] and first["@context"] == EVENT_CONTEXT


def test_delete_names_a_tombstone() -> None:
    iri = event_iri(SERVER, "ev1")
    activity = delete_event(iri, actor=ACTOR, public=False)
    assert activity["type"] == "Delete" and activity["id"] == iri + "#delete"
    assert activity["object"] == {"id": iri, "type": "Tombstone"}
    assert activity["to"] == [ACTOR + "/followers"]


def test_text_becomes_escaped_paragraphs_with_links() -> None:
    assert text_html("") == ""
    assert text_html("  one\ntwo  \n\n\nthree <i>  ") == "<p>one<br>two</p><p>three &lt;i&gt;</p>"
    assert text_html("see\nhttps://a.example/x?y=1&z=2") == (
        '<p>see<br><a href="https://a.example/x?y=1&amp;z=2">https://a.example/x?y=1&amp;z=2</a></p>'
    )
    assert text_html('javascript:alert("x")') == '<p>javascript:alert("x")</p>', "only http(s) is linked"


def test_the_cancellation_post_names_the_event_its_time_and_page() -> None:
    assert cancellation_text(occurrence(), SERVER) == (
        "Cancelled: Build night\nMonday, August 10 at 6:00 PM CEST\n\n"
        "This scheduled stream is cancelled.\nhttps://stream.example/schedule/ev1"
    )


def test_a_reminder_becomes_a_note_with_its_hashtags() -> None:
    text = "Soon! #woodwork\n\nBuild night\nMonday, August 10 at 6:00 PM CEST\nhttps://stream.example/schedule/ev1"
    html, tags = reminder_html(text)
    assert tags == ["woodwork"]
    assert html.startswith(
        '<p>Soon! <a class="hashtag" href="https://directory.owncast.online/tags/woodwork">'
    )
    assert '<a href="https://stream.example/schedule/ev1">https://stream.example/schedule/ev1</a>' in html
    assert "Build night<br>Monday, August 10 at 6:00 PM CEST<br>" in html
