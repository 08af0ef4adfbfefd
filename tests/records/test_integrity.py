"""The records refuse what cannot be true, with Vietnamese messages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cms.records import services
from cms.records.models import Activity, MemberCount, MemberOrganisation, ReportingPeriod
from cms.records.selectors import period_figures


def _organisation(name="Hội Y học tỉnh", kind=MemberOrganisation.Kind.ASSOCIATION):
    return services.organisation_save(organisation=MemberOrganisation(name=name, kind=kind))


def test_a_member_count_cannot_be_negative(h1_2021):
    organisation = _organisation()
    with pytest.raises(ValidationError) as error:
        services.member_count_set(organisation=organisation, period=h1_2021, members=-5)
    assert "không âm" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberCount.objects.create(organisation=organisation, period=h1_2021, members=-1)


def test_periods_of_a_kind_never_overlap(in_a):
    first = services.period_get_or_create(kind="half", year=2025, half=1)
    assert services.period_get_or_create(kind="half", year=2025, half=1) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.create(kind="half", year=2025, half=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.create(kind="year", year=2025, half=2)
    assert (first.starts_on, first.ends_on) == (dt.date(2025, 1, 1), dt.date(2025, 6, 30))


def test_deleting_an_organisation_with_history_archives_it(h1_2021):
    with_history = _organisation("Hội Làm vườn tỉnh")
    services.member_count_set(organisation=with_history, period=h1_2021, members=12500)
    without = _organisation("Câu lạc bộ mới")
    assert services.organisation_delete(organisation=with_history) == "archived"
    assert services.organisation_delete(organisation=without) == "deleted"
    with_history.refresh_from_db()
    assert with_history.status == MemberOrganisation.Status.ARCHIVED
    assert with_history.member_counts.get().members == 12500
    assert not MemberOrganisation.objects.filter(name="Câu lạc bộ mới").exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "tvpb"}, "requested_by", "cần có cơ quan giao/đề nghị"),
        ({"kind": "training"}, "participants", "cần có lượt người tham dự"),
        (
            {
                "kind": "tvpb",
                "requested_by": "UBND tỉnh",
                "assigned_on": dt.date(2021, 2, 1),
                "status": "done",
            },
            "completed_on",
            "cần có ngày hoàn thành",
        ),
        ({"kind": "contest", "entries": 5, "prizes": 9}, "prizes", "không thể nhiều hơn"),
        (
            {"kind": "seminar", "held_on": dt.date(2021, 9, 1)},
            "held_on",
            "không thuộc 6 tháng đầu năm 2021",
        ),
    ],
)
def test_activities_require_what_their_kind_needs(h1_2021, values, field, message):
    activity = Activity(title="Hoạt động thử", period=h1_2021, **values)
    with pytest.raises(ValidationError) as error:
        services.activity_save(activity=activity)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not Activity.objects.exists()


def test_figures_are_derived_with_the_change_against_the_last_period(in_a):
    h2_2020 = services.period_get_or_create(kind="half", year=2020, half=2)
    h1_2021 = services.period_get_or_create(kind="half", year=2021, half=1)
    yhoc, lamvuon = _organisation("Hội Y học"), _organisation("Hội Làm vườn")
    _organisation("Trung tâm Tư vấn", MemberOrganisation.Kind.AFFILIATED)
    for period, counts in ((h2_2020, (3000, 20514)), (h1_2021, (3100, 20528))):
        services.member_count_set(organisation=yhoc, period=period, members=counts[0])
        services.member_count_set(organisation=lamvuon, period=period, members=counts[1])
    for done in (True, True, True, True, False, False, False, False, False, False):
        services.activity_save(
            activity=Activity(
                kind="tvpb",
                title="Phản biện đề án",
                period=h1_2021,
                requested_by="UBND tỉnh",
                assigned_on=dt.date(2021, 1, 15),
                status="done" if done else "planned",
                completed_on=dt.date(2021, 6, 1) if done else None,
            )
        )
    figures = period_figures(h1_2021)
    assert figures["members"] == 23_628
    assert figures["members_change"] == 114
    assert figures["organisations"] == {"association": 2, "affiliated": 1}
    assert (figures["activities"]["tvpb"]["count"], figures["activities"]["tvpb"]["done"]) == (
        10,
        4,
    )


def test_personal_data_can_be_exported_and_erased(in_a):
    from cms.records.models import Committee, Congress, Person, Position

    congress = Congress.objects.create(term_number=6, starts_year=2022, ends_year=2027)
    office = Committee.objects.create(congress=congress, kind="office")
    person = Person.objects.create(name="Nguyễn Văn Bình", title="TS", email="binh@example.vn")
    Position.objects.create(person=person, committee=office, role="president")
    exported = services.person_export(person=person)
    assert exported["ho_ten"] == "Nguyễn Văn Bình"
    assert exported["chuc_vu"][0]["chuc_vu"] == "Chủ tịch"
    services.person_erase(person=person)
    person.refresh_from_db()
    assert (person.name, person.email, person.title) == ("(đã xóa dữ liệu cá nhân)", "", "")
    assert person.positions.count() == 1
