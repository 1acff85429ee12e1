"""CMCD parsing (reference newer §14.3): the dictionary syntax of the `CMCD` query parameter and headers,
JSON bodies merged with the headers, and the keys the collector uses. Fuzzed: nothing raises."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ownstream.stream.cmcd import body_reports, cmcd_update, header_report, parse_dictionary


def test_the_dictionary_syntax() -> None:
    assert parse_dictionary('sid="a,b \\"c\\"",br=3000,bs,mtp=25400.5,sta=p,su=?0,ot=v') == {
        "sid": 'a,b "c"',
        "br": 3000.0,
        "bs": True,
        "mtp": 25400.5,
        "sta": "p",
        "su": False,
        "ot": "v",
    }
    assert parse_dictionary("") == {}
    assert parse_dictionary(",,=1, br = 5 ,") == {"br": 5.0}


def test_headers_merge_and_override_a_json_object() -> None:
    headers = {"CMCD-Object": "br=800", "CMCD-Session": 'sid="s1"', "Other": "x"}
    from_headers = header_report(headers)
    assert from_headers == {"br": 800.0, "sid": "s1"}
    assert body_reports({"br": 500, "mtp": 1000}, from_headers) == [{"br": 800.0, "mtp": 1000.0, "sid": "s1"}]
    # An array gets the headers as one more report; non-objects and empty objects are left out.
    assert body_reports([{"br": 1}, 7, {}, "x"], from_headers) == [{"br": 1.0}, {"br": 800.0, "sid": "s1"}]
    assert body_reports(None, from_headers) == [from_headers]
    assert body_reports(None, {}) == []
    assert body_reports(42, from_headers) == []


def test_the_keys_the_collector_uses() -> None:
    update = cmcd_update(
        {
            "sid": "s",
            "sta": "w",
            "mtp": 2500.0,
            "ltc": 1500.0,
            "ttlb": 250.0,
            "br": 800.0,
            "bs": True,
            "e": "e",
        }
    )
    assert update.session_id == "s" and update.player_state == "w"
    assert (update.bandwidth_kbps, update.latency_seconds, update.download_seconds) == (2500.0, 1.5, 0.25)
    assert (update.bitrate_kbps, update.errors) == (800.0, 2)
    ignored = cmcd_update(
        {"sid": "", "sta": "z", "mtp": 0.0, "ltc": -3.0, "ttlb": True, "br": "800", "bs": False}
    )
    assert ignored.session_id is None and ignored.player_state is None
    assert (ignored.bandwidth_kbps, ignored.latency_seconds, ignored.download_seconds) == (None, None, None)
    assert (ignored.bitrate_kbps, ignored.errors) == (None, 0)


@given(st.text(max_size=200))
def test_any_dictionary_text_parses(text: str) -> None:
    for report in body_reports(parse_dictionary(text), {}):
        cmcd_update(report)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(json_values, st.dictionaries(st.sampled_from(["CMCD-Request", "CMCD-Status"]), st.text(max_size=40)))
def test_any_json_body_and_headers_give_reports_or_none(document: Any, headers: dict[str, str]) -> None:
    json.dumps(document)  # a body the route could have received
    for report in body_reports(document, header_report(headers)):
        assert report
        cmcd_update(report)
