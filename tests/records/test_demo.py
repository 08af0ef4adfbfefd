"""The demo union's records carry Thanh Hóa's published figures for the first half of 2021."""

from django_tenants.utils import schema_context

from cms.records.models import ReportingPeriod
from cms.records.selectors import period_figures


def test_thanh_hoa_demo_figures_match_its_report(demo_union, db):
    with schema_context(demo_union.schema_name):
        figures = period_figures(ReportingPeriod.objects.get(kind="half", year=2021, half=1))
    assert figures["members"] == 23_628
    assert figures["members_change"] == 114
    assert figures["organisations"] == {"association": 32, "affiliated": 6, "linked": 5}
    tvpb = figures["activities"]["tvpb"]
    assert (tvpb["count"], tvpb["done"]) == (10, 4)
    assert figures["activities"]["legal_advice"]["quantity"] == 2_030
    assert figures["activities"]["review"]["quantity"] == 150
