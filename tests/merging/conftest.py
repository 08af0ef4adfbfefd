import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants import backups
from tenants.models import MergeRedirect, Province, Union, UnionMerge
from tenants.services import union_create
from tests.merging.content import site_content_create

SHARED_EMAIL = "can.bo.chung@example.vn"


@dataclass
class Pair:
    absorbed: Union
    absorbing: Union


def _union(name: str, label: str, members: int, **kwargs) -> Union:
    union = union_create(
        schema_name=name, name=f"Liên hiệp Hội {label}", short_name=f"LHH {label}", **kwargs
    )
    with schema_context(union.schema_name):
        site_content_create(label=label, shared_email=SHARED_EMAIL, members=members)
    return union


def _drop(union: Union) -> None:
    from lhh.national.models import ReportSubmission

    ReportSubmission.objects.filter(union=union).delete()
    MergeRedirect.objects.filter(union=union).delete()
    Union.objects.filter(merged_into=union).update(merged_into=None)
    Union.objects.filter(pk=union.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{union.schema_name}" CASCADE')
    shutil.rmtree(backups.media_folder(union.schema_name), ignore_errors=True)


@contextmanager
def pair_made() -> Iterator[Pair]:
    """Two fresh unions, committed: Hải Dương's (absorbed) and Hải Phòng's (absorbing),
    dropped afterwards with whatever merge joined them."""
    tag = secrets.token_hex(3)
    absorbed = _union(
        f"hd{tag}",
        "Hải Dương",
        100,
        province=Province.objects.get(name="Hải Phòng", is_current=True),
        former_province=Province.objects.get(name="Hải Dương", is_current=False),
    )
    absorbing = _union(
        f"hp{tag}",
        "Hải Phòng",
        1000,
        province=Province.objects.get(name="Hải Phòng", is_current=True),
    )
    try:
        yield Pair(absorbed=absorbed, absorbing=absorbing)
    finally:
        connection.set_schema_to_public()
        UnionMerge.objects.filter(absorbed__in=[absorbed, absorbing]).delete()
        UnionMerge.objects.filter(absorbing__in=[absorbed, absorbing]).delete()
        _drop(absorbed)
        _drop(absorbing)


@pytest.fixture
def pair(django_db_setup, committed) -> Iterator[Pair]:
    with pair_made() as made:
        yield made
