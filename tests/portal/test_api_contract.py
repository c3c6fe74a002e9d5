"""The API keeps its published contract (issue 13, points 4 and 5).

schemathesis reads the schema the running portal publishes (``/api/schema/``) and sends requests it
generates from it to a real test server (pytest-django's ``live_server``), for every operation, read
and write, as a provincial user and as the ministry (session authentication, the one the API has).
Every answer must be no 5xx, a status the operation documents, and a body that validates against
the documented schema; requests generated from the schema (valid by it) must be accepted.

The number of examples per operation is bounded (``API_CONTRACT_EXAMPLES``, default 4) and the
generation is derandomized, so the run is repeatable and stays well inside a few minutes on 2 cores;
``API_CONTRACT_EXAMPLES=50`` is a deeper run by hand.
"""

from __future__ import annotations

import os
import secrets

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.scope_world import build_world

EXAMPLES = int(os.environ.get("API_CONTRACT_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# A read with schema-valid parameters (filters, pages) must be accepted.  A write valid by the schema
# may still break a business rule (a list already submitted, a pairing not the caller's): that 400 is
# documented and its body checked, but not counted as a refusal of valid input.
READ_CHECKS = [*CHECKS, positive_data_acceptance]

# a real row of the provincial user's (河北) for each path with an {id}, so the operations act on data
PATH_KINDS = {
    "/api/crackdown/leads/": "lead", "/api/crackdown/cases/": "case", "/api/crackdown/batches/": "checkbatch",
    "/api/crackdown/lists/": "listbatch", "/api/crackdown/list-entries/": "listentry",
    "/api/aid/lists/": "aidlist", "/api/aid/items/": "aiditem", "/api/aid/liaisons/": "liaison",
    "/api/aid/uploads/": "upload", "/api/aid/matches/": "match", "/api/aid/submissions/": "listversion",
    "/api/jobs/": "job", "/api/registry/organizations/": "organization",
    "/api/registry/rounds/": "commendationround", "/api/registry/nominations/": "nomination",
}


def add_round(world) -> None:
    """A commendation round (the ministry's) with 河北's nominee, for the round's {id} paths."""
    from registry.models import CommendationRound, Nomination

    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date="2025-06-30")
    org = world.obj("organization", "hb")
    world.rows["commendationround"] = {"bu": round_}
    world.rows["nomination"] = {"hb": Nomination.objects.create(round=round_, organization=org,
                                                                authority=org.authority, reason="成效突出")}


def session_for(live_server, user) -> requests.Session:
    client = Client()
    client.force_login(user)
    token = secrets.token_hex(16)  # a CSRF secret of the right form: cookie and header agree
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", token)
    session.headers.update({"X-CSRFToken": token, "Referer": live_server.url + "/"})
    return session


# an operation that needs another row than the provincial user's own (a need item has suggestions)
PATH_ROWS = {"/api/aid/items/{id}/suggestions/": ("aiditem", "xz")}


def real_ids(world, path: str) -> dict:
    if path in PATH_ROWS:
        kind, owner = PATH_ROWS[path]
        return {"id": world.obj(kind, owner).pk}
    for prefix, kind in PATH_KINDS.items():
        if path.startswith(prefix + "{id}"):
            rows = world.rows[kind]
            return {"id": (rows.get("hb") or next(iter(rows.values()))).pk}
    return {}


def run_operation(operation, world, session, base_url, failures: list) -> int:
    sent = 0

    @hsettings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
               phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(path_parameters=real_ids(world, operation.path) or None))
    def send(case):
        nonlocal sent
        sent += 1
        response = case.call(base_url=base_url, session=session)
        try:
            case.validate_response(response, checks=READ_CHECKS if case.method == "GET" else CHECKS)
        except (Exception, FailureGroup) as error:  # schemathesis' FailureGroup: one entry per distinct failure
            text = f"{operation.label}: {response.status_code} {str(error)[:1500]}"
            if not any(f.split("\n")[0] == text.split("\n")[0] for f in failures):
                failures.append(text)

    send()
    return sent


def order(operations):
    # deletes last, so the other operations still find the rows
    return sorted(operations, key=lambda op: (op.method.upper() == "DELETE", op.path, op.method))


@pytest.mark.parametrize("who", ["hb", "bu"])
def test_every_operation_keeps_the_published_contract(live_server, who):
    world = build_world()
    add_round(world)
    session = session_for(live_server, world.users[who])
    answer = session.get(live_server.url + "/api/schema/?format=json")
    assert answer.status_code == 200, answer.text[:500]
    # NUL is refused everywhere on purpose (portal.middleware.RequestSanityMiddleware, point 6)
    config = schemathesis.config.SchemathesisConfig.from_dict({"generation": {"allow-x00": False}})
    schema = schemathesis.openapi.from_dict(answer.json(), config=config)
    operations = order([result.ok() for result in schema.get_all_operations()])
    assert len(operations) > 80
    failures, sent = [], 0
    for operation in operations:
        sent += run_operation(operation, world, session, live_server.url, failures)
    assert sent >= len(operations)
    assert not failures, f"{len(failures)} 处不符合公布的接口约定：\n" + "\n\n".join(failures)


def published_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_its_error_statuses_with_the_one_error_body():
    schema = published_schema()
    assert "detail" in schema["components"]["schemas"]["错误"]["properties"]
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) > 80
    for path, method, operation in operations:
        expected = {"400", "404", "429"} | ({"409"} if method in ("post", "put", "patch", "delete") else set())
        if any(operation.get("security", [{}])):
            expected.add("403")
        responses = operation["responses"]
        assert expected <= set(responses), f"{method.upper()} {path}: {sorted(responses)}"
        for status in expected:
            assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/错误"}
        assert "Retry-After" in responses["429"]["headers"]


def test_blank_read_only_choices_are_in_the_published_enum():
    schema = published_schema()["components"]["schemas"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in schema["Case"]["properties"]["outcome"]["oneOf"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in schema["Lead"]["properties"]["transfer_department"]["oneOf"]
    assert schema["Pairing"]["properties"]["recipient_area_name"].get("nullable") is True


def test_a_filter_on_an_id_that_does_not_exist_finds_nothing(client, hebei_staff):
    client.force_login(hebei_staff)
    response = client.get("/api/crackdown/leads/", {"province": 987654321})
    assert response.status_code == 200 and response.json()["results"] == []
    assert client.get("/api/crackdown/leads/", {"received_after": "not-a-date"}).status_code == 400
