"""Reads of a union's records, in its own schema. Figures are computed, never typed in."""

from django.db.models import Count, Q, QuerySet, Sum

from cms.records.models import Activity, MemberCount, MemberOrganisation, ReportingPeriod


def periods_recent(limit: int = 12) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.all()[:limit]


def members_in(period: ReportingPeriod | None) -> int:
    if period is None:
        return 0
    return MemberCount.objects.filter(period=period).aggregate(n=Sum("members", default=0))["n"]


def organisations_by_kind() -> dict[str, int]:
    rows = (
        MemberOrganisation.objects.filter(status=MemberOrganisation.Status.ACTIVE)
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {row["kind"]: row["n"] for row in rows}


def activity_figures(period: ReportingPeriod) -> dict[str, dict[str, int]]:
    """Per activity kind: how many, how many done, and the summed quantities."""
    rows = (
        Activity.objects.filter(period=period)
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
        "organisations": organisations_by_kind(),
        "members": members,
        "members_change": None if previous_members is None else members - previous_members,
        "activities": activity_figures(period),
    }


def organisation_history(organisation: MemberOrganisation) -> QuerySet[MemberCount]:
    return organisation.member_counts.select_related("period").order_by(
        "period__year", "period__half"
    )
