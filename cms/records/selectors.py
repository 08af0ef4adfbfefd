"""Reads of a union's records, in its own schema. Figures are computed, never typed in."""

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from cms.records.models import (
    Activity,
    Congress,
    ContestEntry,
    MemberCount,
    MemberOrganisation,
    Position,
    Predecessor,
    Report,
    ReportingPeriod,
)

# How a period's figures combine the periods recorded inside it, the one rule of the
# reports and of the national figures alike (stated to national staff in the console):
# - flows (activities, participants, entries…) add up: a year is everything recorded in
#   that year, in the year itself or in its two halves;
# - stocks take the latest count at the period's end: members, per organisation, from the
#   newest period of the span with a count (the year, else the second half, else the
#   first); organisations, those that had joined by the period's end and not yet left.
# A half-year holds only what was recorded for that half: a union reporting yearly has
# no half-year figures.
FIGURES_RULES = (
    "Hoạt động, lượt người tham dự và giải pháp dự thi là số cộng dồn: số liệu năm gồm "
    "mọi hoạt động ghi trong năm, vào kỳ năm hoặc vào hai kỳ 6 tháng. Hội viên và tổ chức "
    "thành viên là số tại thời điểm cuối kỳ: hội viên lấy theo kỳ gần nhất có số liệu trong "
    "năm (kỳ năm, nếu không có thì 6 tháng cuối năm, rồi 6 tháng đầu năm); tổ chức là các "
    "tổ chức đã gia nhập và chưa thôi là thành viên vào ngày cuối kỳ. Liên hiệp Hội báo cáo "
    "theo năm và Liên hiệp Hội báo cáo 6 tháng được cộng chung vào số liệu năm; kỳ 6 tháng "
    "chỉ gồm các đơn vị có số liệu 6 tháng."
)


def period_span(period: ReportingPeriod) -> QuerySet[ReportingPeriod]:
    """The recorded periods whose records count in `period` (which need not be saved)."""
    periods = ReportingPeriod.objects.filter(year=period.year)
    if period.kind == ReportingPeriod.Kind.YEAR:
        return periods
    return periods.filter(kind=ReportingPeriod.Kind.HALF_YEAR, half=period.half)


def origins_not_counted(period: ReportingPeriod) -> list[str]:
    """Merged predecessors whose rows here stay out of this period's figures: the period
    ended before the merger, so the predecessor's own figures stand for it."""
    return list(
        Predecessor.objects.filter(merged_on__gt=period.ends_on).values_list(
            "schema_name", flat=True
        )
    )


def members_in(period: ReportingPeriod | None) -> int | None:
    """Members at the period's end: per organisation, its newest count in the span;
    None when no count was entered (unknown, not zero)."""
    if period is None:
        return None
    latest = (
        MemberCount.objects.filter(period__in=period_span(period))
        .exclude(organisation__moved_from__in=origins_not_counted(period))
        .order_by("organisation_id", F("period__half").desc(nulls_first=True))
        .distinct("organisation_id")
        .values("members")
    )
    rows = list(latest)
    return sum(row["members"] for row in rows) if rows else None


def organisations_active_on(day) -> Q:
    return (Q(joined_on__isnull=True) | Q(joined_on__lte=day)) & (
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )


def organisations_by_kind(period: ReportingPeriod) -> dict[str, int]:
    """The member organisations at the period's end, by kind."""
    rows = (
        MemberOrganisation.objects.filter(organisations_active_on(period.ends_on))
        .exclude(moved_from__in=origins_not_counted(period))
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {row["kind"]: row["n"] for row in rows}


# What `activity_figures` gives for each kind of activity.
_ACTIVITY_FIGURES = {
    "count": Count("id"),
    "done": Count("id", filter=Q(status=Activity.Status.DONE)),
    "participants": Sum("participants", default=0),
    "copies": Sum("copies", default=0),
    "entries": Sum("entries", default=0),
    "prizes": Sum("prizes", default=0),
    "national_entries": Sum("national_entries", default=0),
    "quantity": Sum("quantity", default=0),
}


def activity_figures(period: ReportingPeriod) -> dict[str, dict[str, int]]:
    """Per activity kind: how many, how many done, and the summed quantities."""
    rows = (
        Activity.objects.filter(period__in=period_span(period))
        .exclude(moved_from__in=origins_not_counted(period))
        .values("kind")
        .annotate(**_ACTIVITY_FIGURES)
        .order_by()
        .values_list("kind", *_ACTIVITY_FIGURES)
    )
    return {kind: dict(zip(_ACTIVITY_FIGURES, values, strict=True)) for kind, *values in rows}


def periods_frozen(period_ids) -> list[Report]:
    """The sent reports that cover any of these periods: their own, or their year's."""
    periods = list(ReportingPeriod.objects.filter(pk__in=list(period_ids)))
    if not periods:
        return []
    covering = Q()
    for period in periods:
        covering |= Q(period=period) | Q(period__kind="year", period__year=period.year)
    return list(
        Report.objects.filter(
            covering, status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED]
        ).select_related("period")
    )


def contest_figures(period: ReportingPeriod) -> dict[str, int]:
    """The entries of the contests (published pages) awarded within the period."""
    return ContestEntry.objects.filter(
        contest__live=True, contest__awarded_on__range=(period.starts_on, period.ends_on)
    ).aggregate(
        entries=Count("id"),
        prizes=Count("id", filter=~Q(prize="")),
        national_entries=Count("id", filter=Q(sent_to_national=True)),
    )


def period_previous(period: ReportingPeriod) -> ReportingPeriod:
    """The span just before `period`, of the same kind (unsaved: it may hold no records)."""
    if period.kind == ReportingPeriod.Kind.YEAR:
        return ReportingPeriod(kind=period.kind, year=period.year - 1)
    if period.half == 2:
        return ReportingPeriod(kind=period.kind, year=period.year, half=1)
    return ReportingPeriod(kind=period.kind, year=period.year - 1, half=2)


def period_figures(period: ReportingPeriod) -> dict:
    """Everything a report and the national statistics need for one period."""
    members = members_in(period)
    previous_members = members_in(period_previous(period))
    return {
        "period": str(period),
        "organisations": organisations_by_kind(period),
        # 0 rather than None in the figures a report freezes: reports print "0".
        "members": members or 0,
        "members_reported": members is not None,
        "members_change": None
        if members is None or previous_members is None
        else members - previous_members,
        "activities": activity_figures(period),
        "contests": contest_figures(period),
    }


def organisations_with_latest_count() -> list[MemberOrganisation]:
    """Active organisations, each with `latest_members` from its newest count; one query."""
    newest = (
        MemberCount.objects.filter(organisation=OuterRef("pk"))
        .order_by("-period__year", "-period__half")
        .values("members")[:1]
    )
    return list(
        MemberOrganisation.objects.filter(status=MemberOrganisation.Status.ACTIVE)
        .annotate(latest_members=Subquery(newest))
        .order_by("kind", "name")
    )


def leadership_current() -> list[tuple[str, list[Position]]]:
    """The committees of the newest term, each with its current positions, in three queries.

    The union's own terms only: a predecessor's, moved in by a merger, are its history,
    however late they started (the merged union's own term restarts at "lần thứ I")."""
    congress = Congress.objects.filter(moved_from="").order_by("-starts_year", "-id").first()
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


def home_figures() -> dict | None:
    """The figures a union's home page shows, from its records: active member organisations
    by kind and the members of the newest period that has counts. None without records."""
    from django.utils import timezone

    rows = (
        MemberOrganisation.objects.filter(organisations_active_on(timezone.localdate()))
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_kind = {row["kind"]: row["n"] for row in rows}
    period = (
        ReportingPeriod.objects.filter(member_counts__isnull=False)
        .distinct()
        .order_by("-year", "-half")
        .first()
    )
    if not by_kind and period is None:
        return None
    figures = [
        {"value": by_kind[kind], "label": label.lower()}
        for kind, label in MemberOrganisation.Kind.choices
        if by_kind.get(kind)
    ]
    if period is not None:
        figures.append({"value": members_in(period), "label": "hội viên"})
    return {"figures": figures, "period": str(period) if period else ""}


def organisation_history(organisation: MemberOrganisation) -> QuerySet[MemberCount]:
    """An organisation's member counts, oldest period first."""
    return organisation.member_counts.select_related("period").order_by(
        "period__year", "period__half"
    )
