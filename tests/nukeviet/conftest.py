from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from cms.nukeviet.services import import_from_paths

FIXTURE = Path("/work/shared/fixtures/nukeviet/haiduong")
DUMP = FIXTURE / "haiduong.sql.gz"
UPLOADS = FIXTURE / "uploads.tar.gz"


@pytest.fixture
def imported_a(union_a):
    """The real fixture imported into union A (rolled back after the test)."""
    with schema_context(union_a.schema_name):
        report = import_from_paths(dump_path=str(DUMP), uploads_path=str(UPLOADS))
    return report
