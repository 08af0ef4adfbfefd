"""Reports never cross unions: settings, documents, submissions, the national report."""

from django_tenants.utils import schema_context

from cms.records import services
from cms.records.models import ReportSettings
from cms.records.official_document import docx_text
from cms.records.report_render import report_docx
from lhh.national.national_report import national_report_data, national_report_docx
from lhh.national.selectors import PeriodKey


def test_a_unions_report_parts_never_reach_another_unions_documents(union_a, union_b):
    with schema_context(union_a.schema_name):
        settings = ReportSettings.load()
        settings.signer_name, settings.symbol = "Chủ tịch riêng của A", "BC-CHIRIENGA"
        settings.save()
        period = services.period_get_or_create(kind="half", year=2035, half=1)
        report = services.report_get_or_create(period=period)
        services.report_narrative_update(report=report, narrative={"plans": "Bí mật của A"})
        text_a = docx_text(report_docx(report, union_a.union.name))
    with schema_context(union_b.schema_name):
        period = services.period_get_or_create(kind="half", year=2035, half=1)
        text_b = docx_text(report_docx(services.report_get_or_create(period=period), "B"))
        assert ReportSettings.load().signer_name != "Chủ tịch riêng của A"
    assert "Chủ tịch riêng của A" in text_a and "Bí mật của A" in text_a
    for secret in ("Chủ tịch riêng của A", "BC-CHIRIENGA", "Bí mật của A"):
        assert secret not in text_b


def test_the_national_report_gathers_only_sent_reports(union_a, union_b):
    with schema_context(union_b.schema_name):
        period = services.period_get_or_create(kind="half", year=2035, half=2)
        report = services.report_get_or_create(period=period)
        services.report_narrative_update(report=report, narrative={"plans": "Nháp của B"})
    text = docx_text(national_report_docx(national_report_data(PeriodKey("half", 2035, 2))))
    assert "Nháp của B" not in text  # a draft stays in its union


def test_the_national_report_and_templates_exist_on_the_national_host_only(admin_a):
    for path in (
        "/admin/toan-quoc/bao-cao/",
        "/admin/toan-quoc/mau-van-ban/",
        "/admin/toan-quoc/bao-cao-toan-quoc/1/",
        "/admin/toan-quoc/bao-cao-toan-quoc/1/tai-ve.docx",
    ):
        assert admin_a.get(path).status_code == 404, path
