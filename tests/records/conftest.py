import pytest
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
