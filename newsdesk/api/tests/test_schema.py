"""Schemathesis sends requests made from the OpenAPI document to the API itself (in process,
through the whole site's middleware): no answer may be a server error, use an undocumented
status, or break the document's schema. Reads go out as anyone, writes with an editor's token."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from newsdesk.api.api import openapi_document
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section

from .conftest import make_article, make_brief, token_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per endpoint: about 30 s for the whole document on a small machine.
EXAMPLES = 25


# The document as /api/openapi.json serves it (test_reading checks that it is served).
schema = schemathesis.openapi.from_dict(openapi_document())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def keep_the_tests_connection():
    """The app is called as a server would call it; as Django's test client does, requests
    must not close the connection holding the test's transaction (PostgreSQL would lose it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(db, editor):
    """Something to find: a section, a person, a topic, an article and a brief."""
    world = Section.objects.create(name="World")
    ann, energy = Person.objects.create(name="Ann Lee"), Topic.objects.create(name="Energy")
    make_article(headline="Talks <resume>", section=world, people=[ann], topics=[energy], slug="talks")
    make_brief("Trains run late.")
    return token_for(editor)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_the_api_keeps_to_its_openapi_document(case, editor_token):
    headers = {} if case.method == "GET" else {"Authorization": f"Bearer {editor_token}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
