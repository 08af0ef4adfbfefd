"""Reads of a union's records, in its own schema. Figures are computed, never typed in."""

from django.db.models import Count, Q, QuerySet, Sum

from cms.records.models import (
    Activity,
    Congress,
    MemberCount,
    MemberOrganisation,
    Position,
    Predecessor,
    ReportingPeriod,
)


def origins_not_counted(period: ReportingPeriod) -> list[str]:
    """Merged predecessors whose rows here stay out of this period's figures: the period
    ended before the merger, so the predecessor's own figures stand for it."""
    return list(
        Predecessor.objects.filter(merged_on__gt=period.ends_on).values_list(
            "schema_name", flat=True
        )
    )


def member_counts_in(period: ReportingPeriod) -> QuerySet[MemberCount]:
    return MemberCount.objects.filter(period=period).exclude(
        organisation__moved_from__in=origins_not_counted(period)
    )


def members_in(period: ReportingPeriod | None) -> int:
    if period is None:
        return 0
    return member_counts_in(period).aggregate(n=Sum("members", default=0))["n"]


def organisations_by_kind(period: ReportingPeriod | None = None) -> dict[str, int]:
    excluded = origins_not_counted(period) if period is not None else []
    rows = (
        MemberOrganisation.objects.filter(status=MemberOrganisation.Status.ACTIVE)
        .exclude(moved_from__in=excluded)
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {row["kind"]: row["n"] for row in rows}


def activity_figures(period: ReportingPeriod) -> dict[str, dict[str, int]]:
    """Per activity kind: how many, how many done, and the summed quantities."""
    rows = (
        Activity.objects.filter(period=period)
        .exclude(moved_from__in=origins_not_counted(period))
        .values("kind")
        .annotate(
            count=Count("id"),
            done=Count("id", filter=Q(status=Activity.Status.DONE)),
            participants=Sum("participants", default=0),
            copies=Sum("copies", default=0),
            entries=Sum("entries", default=0),
            prizes=Sum("prizes", default=0),
            national_entries=Sum("national_entries", default=0),
            quantity=Sum("quantity", default=0),
        )
    )
    return {row.pop("kind"): row for row in rows}


def period_figures(period: ReportingPeriod) -> dict:
    """Everything a report and the national statistics need for one period."""
    members = members_in(period)
    previous = period.previous()
    previous_members = members_in(previous) if previous else None
    return {
        "period": str(period),
        "organisations": organisations_by_kind(period),
        "members": members,
        "members_change": None if previous_members is None else members - previous_members,
        "activities": activity_figures(period),
    }


def organisations_with_latest_count() -> list[MemberOrganisation]:
    """Active organisations, each with `latest_members` from its newest count; two queries."""
    organisations = list(
        MemberOrganisation.objects.filter(status=MemberOrganisation.Status.ACTIVE).order_by(
            "kind", "name"
        )
    )
    latest = {}
    for count in (
        MemberCount.objects.filter(organisation__in=organisations)
        .order_by("organisation_id", "-period__year", "-period__half")
        .distinct("organisation_id")
    ):
        latest[count.organisation_id] = count.members
    for organisation in organisations:
        organisation.latest_members = latest.get(organisation.pk)
    return organisations


def leadership_current() -> list[tuple[str, list[Position]]]:
    """The committees of the newest term, each with its current positions, in three queries."""
    # A merged predecessor's terms are its history, not the union's current leadership.
    congress = Congress.objects.filter(moved_from="").order_by("-starts_year").first()
    if congress is None:
        return []
    positions = (
        Position.objects.filter(committee__congress=congress, to_on__isnull=True)
        .select_related("person", "committee")
        .order_by("committee__kind", "role", "person__name")
    )
    grouped: dict[str, list[Position]] = {}
    for position in positions:
        grouped.setdefault(position.committee.get_kind_display(), []).append(position)
    return list(grouped.items())
