"""Responses validate against the spec's schemas wherever the spec matches the real server."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from tests.contract.conftest import SPEC, LiveServer
from tests.contract.differences import RESPONSE_SHAPES
from tests.harness import admin_auth

pytestmark = [pytest.mark.contract, pytest.mark.xdist_group("contract")]


def documented_get_responses() -> list[tuple[str, str, dict[str, Any]]]:
    spec = yaml.safe_load(SPEC.read_text())
    found = []
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None or ("GET", path) in RESPONSE_SHAPES:
            continue
        content = operation.get("responses", {}).get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is not None:
            found.append((path, "GET", {**schema, "components": spec["components"]}))
    return found


CASES = documented_get_responses()


def test_every_documented_response_is_checked_or_listed_as_a_difference() -> None:
    assert len(CASES) >= 6


@pytest.mark.parametrize(("path", "method", "schema"), CASES, ids=[path for path, _, _ in CASES])
def test_response_matches_the_spec(
    live_server: LiveServer, path: str, method: str, schema: dict[str, Any]
) -> None:
    headers = admin_auth() if path.startswith("/api/admin/") else None
    response = live_server.get(path, headers=headers)
    assert response.status_code == 200, response.text
    OAS30Validator(schema).validate(response.json())
