"""The union's organisation page shows its records once it keeps them."""

from django_tenants.utils import schema_context

from cms.models import HomePage, OrganisationPage
from cms.records import services
from cms.records.models import Committee, Congress, MemberOrganisation, Person, Position


def test_the_organisation_page_renders_from_the_records(h1_2021, union_a, union_b):
    page = HomePage.objects.get().add_child(
        instance=OrganisationPage(
            title="Tổ chức",
            slug="to-chuc",
            organisations=[
                (
                    "organisation",
                    {"name": "Hội gõ tay", "kind": "hoi-thanh-vien", "field": "", "members": 1},
                )
            ],
        )
    )
    organisation = services.organisation_save(
        organisation=MemberOrganisation(name="Hội Y học tỉnh", kind="association", field="Y dược")
    )
    services.member_count_set(organisation=organisation, period=h1_2021, members=3200)
    congress = Congress.objects.create(term_number=6, starts_year=2022, ends_year=2027)
    office = Committee.objects.create(congress=congress, kind="office")
    Position.objects.create(
        person=Person.objects.create(name="Trần Văn Chủ Tịch"), committee=office, role="president"
    )
    body = union_a.client().get(page.url).content.decode()
    assert "Hội Y học tỉnh" in body and "3.200" in body
    assert "Trần Văn Chủ Tịch" in body and "Chủ tịch" in body
    assert "Hội gõ tay" not in body  # the hand-kept list gives way to the records
    with schema_context(union_b.schema_name):
        b_page = HomePage.objects.get().add_child(
            instance=OrganisationPage(title="Tổ chức", slug="to-chuc")
        )
    assert "Hội Y học tỉnh" not in union_b.client().get(b_page.url).content.decode()
