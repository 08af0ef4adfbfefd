import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from cms.records.services import period_get_or_create


@pytest.fixture
def in_a(union_a):
    """Run the test body's ORM calls in union A's schema."""
    with schema_context(union_a.schema_name):
        yield union_a


@pytest.fixture
def h1_2021(in_a):
    return period_get_or_create(kind="half", year=2021, half=1)


@pytest.fixture
def admin_a(union_a):
    with schema_context(union_a.schema_name):
        client = union_a.client()
        client.force_login(get_user_model().objects.get(username="admin"))
    return client
