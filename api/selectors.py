"""What the API reads from a union's records: each list in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from cms.records.models import Committee, Congress, MemberCount, Position, Report


def congresses_with_leadership() -> QuerySet[Congress]:
    """Terms, newest first, each with its committees and their positions and people.

    Three queries for any number of rows: congresses, committees, positions with people.
    """
    positions = Position.objects.select_related("person").order_by("role", "person__name", "id")
    committees = Committee.objects.order_by("kind").prefetch_related(
        Prefetch("positions", queryset=positions)
    )
    return Congress.objects.order_by("-starts_year", "-id").prefetch_related(
        Prefetch("committees", queryset=committees)
    )


def member_counts() -> QuerySet[MemberCount]:
    return MemberCount.objects.select_related("organisation", "period").order_by(
        "-period__year", "-period__half", "organisation__name", "id"
    )


def reports() -> QuerySet[Report]:
    return Report.objects.select_related("period").order_by(
        "-period__year", "period__kind", "-period__half", "-id"
    )
