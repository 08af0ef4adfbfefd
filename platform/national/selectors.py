"""Reads of the national layer. Every figure comes from `Rollup` rows: never a loop over schemas."""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from cms.records.models import Activity, MemberOrganisation, ReportingPeriod
from lhh.national.models import NationalPeriod, ReportSubmission, Rollup, RollupTotal
from lhh.national.rollups import ScopeKey, unions_counted
from tenants.models import Province, Region, Union, UnionFormerProvince
from tenants.selectors import coverage_of, covering_on, site_url

UNPLACED = "Chưa xác định"


@dataclass(frozen=True)
class PeriodKey:
    kind: str
    year: int
    half: int | None

    @classmethod
    def parse(cls, value: str | None) -> "PeriodKey | None":
        """`2021-1` (first half of 2021), `2021-2`, or `2021` (the year)."""
        if not value:
            return None
        year, _, half = value.partition("-")
        if not year.isdigit() or (half and half not in {"1", "2"}):
            return None
        return cls("half", int(year), int(half)) if half else cls("year", int(year), None)

    @property
    def code(self) -> str:
        return f"{self.year}-{self.half}" if self.half else str(self.year)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"Năm {self.year}"
        return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"

    def previous(self) -> "PeriodKey":
        if self.kind == "year":
            return PeriodKey("year", self.year - 1, None)
        return (
            PeriodKey("half", self.year, 1)
            if self.half == 2
            else PeriodKey("half", self.year - 1, 2)
        )

    @property
    def ends_on(self) -> dt.date:
        return ReportingPeriod(kind=self.kind, year=self.year, half=self.half).ends_on

    def filter(self, prefix: str = "") -> Q:
        return Q(
            **{
                f"{prefix}period_kind": self.kind,
                f"{prefix}year": self.year,
                f"{prefix}half": self.half,
            }
        )


def periods_available() -> list[PeriodKey]:
    """The periods national staff opened, and those any counted union has figures for."""
    rows = RollupTotal.objects.filter(scope=ScopeKey.ALL).values_list("period_kind", "year", "half")
    keys = {PeriodKey(kind, year, half) for kind, year, half in rows.distinct()}
    keys |= {
        PeriodKey(kind, year, half)
        for kind, year, half in NationalPeriod.objects.values_list("kind", "year", "half")
    }
    return sorted(keys, key=lambda k: (k.year, k.half or 3), reverse=True)


@dataclass(frozen=True)
class Scope:
    """Which unions the figures cover."""

    region_id: int | None = None
    province_id: int | None = None
    # "current": group by the 34 provinces; "former": by the 63 former provinces.
    province_view: str = "current"

    def unions(self, period: "PeriodKey | None" = None) -> QuerySet[Union]:
        """The counted unions in scope, in `period` (ever with None): for a former province,
        those that cover it then (a merger's absorber only from the merger's date)."""
        unions = unions_counted()
        if period is not None:
            # A union merged before the period ended reports nothing for it any more.
            unions = unions.exclude(status=Union.Status.MERGED, merged_on__lte=period.ends_on)
        if self.region_id:
            unions = unions.filter(province__region_id=self.region_id)
        if self.province_id:
            covering = UnionFormerProvince.objects.filter(
                covering_on(period.ends_on if period else None),
                union_id=OuterRef("pk"),
                province_id=self.province_id,
            )
            unions = unions.filter(Q(province_id=self.province_id) | Q(Exists(covering)))
        return unions

    def rollups(self) -> QuerySet[Rollup]:
        """Each counted union's rows in scope, every period: a union covering a former
        province counts for it only in the periods ending on or after it began to."""
        rows = Rollup.objects.filter(union__in=self.unions())
        if not self.province_id:
            return rows
        # `ReportingPeriod.ends_on`, in SQL: 30 June for a first half, else 31 December.
        ends_on = Func(
            F("year"),
            Case(When(half=1, then=Value(6)), default=Value(12)),
            Case(When(half=1, then=Value(30)), default=Value(31)),
            function="make_date",
            output_field=DateField(),
        )
        covering = UnionFormerProvince.objects.filter(
            Q(since__isnull=True) | Q(since__lte=OuterRef("ends_on")),
            union_id=OuterRef("union_id"),
            province_id=self.province_id,
        )
        return rows.alias(ends_on=ends_on).filter(
            Q(union__province_id=self.province_id) | Q(Exists(covering))
        )

    def total_scopes(self) -> list[str] | QuerySet | None:
        """The `RollupTotal.scope` rows that add up to these unions (see
        `rollups.union_scopes`), or None for a region and a province at once."""
        if self.region_id and self.province_id:
            return None
        if self.province_id:
            return [ScopeKey.province(self.province_id)]
        if self.region_id:
            # Read through the provinces now, so moving a province to another region
            # needs no rebuild of the totals.
            return (
                Province.objects.filter(region_id=self.region_id)
                .annotate(key=Concat(Value(ScopeKey.CURRENT), Cast("pk", CharField())))
                .values("key")
            )
        return [ScopeKey.ALL]


def _figures(scope: Scope) -> QuerySet:
    """Rows of period, metric and value that sum to `scope`'s figures: the kept totals,
    or each union's rows for a region and a province at once (a handful of unions)."""
    scopes = scope.total_scopes()
    if scopes is None:
        return scope.rollups()
    return RollupTotal.objects.filter(scope__in=scopes)


def _metric_totals(period: PeriodKey, scope: Scope) -> dict[str, int]:
    rows = _figures(scope).filter(period.filter()).values("metric").annotate(total=Sum("value"))
    return {row["metric"]: row["total"] for row in rows}


def dashboard(period: PeriodKey, scope: Scope) -> dict:
    """Totals, change against the previous period, and the breakdowns the charts draw."""
    current = _metric_totals(period, scope)
    previous = _metric_totals(period.previous(), scope)
    members = Rollup.objects.filter(
        period.filter(), union__in=scope.unions(period), metric="members"
    )
    # Grouped in SQL: at 1,000 unions, building a row object per union cost ~30 ms.
    place = (
        Coalesce(former_place(period), "union__province__name", Value(UNPLACED))
        if scope.province_view == "former"
        else Coalesce("union__province__name", Value(UNPLACED))
    )
    by_place = {
        row["place"]: {"members": row["members"], "unions": row["unions"]}
        for row in members.values(place=place)
        .annotate(members=Sum("value"), unions=Count("id"))
        .order_by("-members", "place")
    }
    reporting_unions = sum(entry["unions"] for entry in by_place.values())
    # Walks the (period, metric, value) index from either end: five rows, not N.
    ranked = members.select_related("union").only("value", "union__schema_name", "union__name")
    # Every kind the records know, under the name the records give it.
    organisations = {
        kind.label: current.get(f"organisations.{kind.value}", 0)
        for kind in MemberOrganisation.Kind
    }
    activities = {
        kind.label: current.get(f"activities.{kind.value}.count", 0) for kind in Activity.Kind
    }
    return {
        "period": period,
        "totals": {
            # None: no union reported members for the period (unknown, not zero).
            "members": current.get("members"),
            "members_change": current["members"] - previous["members"]
            if "members" in current and "members" in previous
            else None,
            "organisations": sum(organisations.values()),
            "activities": sum(activities.values()),
            "tvpb_done": current.get("activities.tvpb.done", 0),
            "tvpb_count": current.get("activities.tvpb.count", 0),
            "visits": current.get("site.visits", 0),
            "reporting_unions": reporting_unions,
        },
        "organisations": organisations,
        "activities": activities,
        "by_place": by_place,
        "members_by_place": {name: entry["members"] for name, entry in by_place.items()},
        "top": [(r.union, r.value) for r in ranked.order_by("-value", "union__name")[:5]],
        "bottom": [(r.union, r.value) for r in ranked.order_by("value", "union__name")[:5]]
        if reporting_unions > 5
        else [],
        "series": (series := activity_series(scope)),
        "series_chart": {
            "labels": [label for label, _value in series],
            "values": [value for _label, value in series],
        },
    }


def activity_series(scope: Scope) -> list[tuple[str, int | None]]:
    """Activities per half-year, from the first half-year with figures to the last, every
    half-year in between included: one without figures is None (a gap), not left out."""
    rows = (
        _figures(scope)
        .filter(period_kind="half", metric__startswith="activities.", metric__endswith=".count")
        .values("year", "half")
        .annotate(total=Sum("value"))
        .order_by("year", "half")
    )
    totals = {(row["year"], row["half"]): row["total"] for row in rows}
    if not totals:
        return []
    (year, half), last = min(totals), max(totals)
    series = []
    while (year, half) <= last:
        series.append((f"{half}/{year}", totals.get((year, half))))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return series


def former_place(period: PeriodKey) -> Subquery:
    """For a `Rollup` row of `period`: the former provinces its union covers then, joined
    ("Hải Phòng, Hải Dương" after Hải Dương's union merged into Hải Phòng's), so each
    union's figures fall in one group and none is counted twice."""
    names = (
        UnionFormerProvince.objects.filter(
            covering_on(period.ends_on), union_id=OuterRef("union_id")
        )
        .order_by()
        .values("union_id")
        .annotate(
            names=StringAgg(
                "province__name",
                ", ",
                order_by=(F("since").asc(nulls_first=True), "province__name"),
            )
        )
        .values("names")
    )
    return Subquery(names, output_field=CharField())


# The national API's groupings. Current provinces and regions read the kept totals;
# the others need each union's rows.
STATISTICS_GROUPINGS = {
    "province": None,
    "region": None,
    "former_province": former_place,
    "union": "union__schema_name",
}


def statistics(period: PeriodKey, group_by: str, metric_prefix: str = "") -> dict:
    """Each group's figures for `period`, {"Thanh Hóa": {"members": 23628, ...}}, for the
    unions the console counts; "" holds those the grouping has no name for."""
    grouping = STATISTICS_GROUPINGS[group_by]
    if grouping is None:
        return _statistics_by_place(period, group_by, metric_prefix)
    group = grouping(period) if callable(grouping) else F(grouping)
    rows = (
        Rollup.objects.filter(
            period.filter(), union__in=Scope().unions(), metric__startswith=metric_prefix
        )
        .values("metric", group=group)
        .annotate(total=Sum("value"))
    )
    result: dict[str, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["group"] or "", {})[row["metric"]] = row["total"]
    return _sorted(result)


def _statistics_by_place(period: PeriodKey, group_by: str, metric_prefix: str) -> dict:
    """From the `current:<province>` totals: 34 rows a metric instead of one a union.
    What the `all` row holds beyond the named places is the unions without one."""
    names = {
        ScopeKey.current(province.pk): province.name
        if group_by == "province"
        else (province.region.name if province.region else "")
        for province in Province.objects.filter(is_current=True).select_related("region")
    }
    rows = RollupTotal.objects.filter(
        period.filter(), scope__in=[*names, ScopeKey.ALL], metric__startswith=metric_prefix
    ).values_list("scope", "metric", "value", "unions")
    result: dict[str, dict[str, int]] = {}
    everyone: dict[str, tuple[int, int]] = {}
    named: dict[str, tuple[int, int]] = {}
    for scope, metric, value, unions in rows:
        if scope == ScopeKey.ALL:
            everyone[metric] = (value, unions)
        elif name := names[scope]:
            group = result.setdefault(name, {})
            group[metric] = group.get(metric, 0) + value
            total, count = named.get(metric, (0, 0))
            named[metric] = (total + value, count + unions)
    for metric, (value, unions) in everyone.items():
        total, count = named.get(metric, (0, 0))
        if unions > count:
            result.setdefault("", {})[metric] = value - total
    return _sorted(result)


def _sorted(groups: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {name: dict(sorted(groups[name].items())) for name in sorted(groups)}


def union_figures(union: Union) -> list[tuple[PeriodKey, dict[str, int]]]:
    rows = Rollup.objects.filter(union=union).order_by("-year", "-half")
    periods: dict[PeriodKey, dict[str, int]] = {}
    for row in rows:
        periods.setdefault(PeriodKey(row.period_kind, row.year, row.half), {})[row.metric] = (
            row.value
        )
    return list(periods.items())


# A union is on the platform while it is active or suspended; archived ones have left.
ON_PLATFORM = (Union.Status.ACTIVE, Union.Status.SUSPENDED)
TRACKING_LABELS = {
    "submitted": "Đã gửi",
    "accepted": "Đã tiếp nhận",
    "late": "Gửi muộn",
    "returned": "Bị trả lại",
    "missing": "Chưa gửi",
    "overdue": "Quá hạn, chưa gửi",
    "absent": "Chưa tham gia hệ thống",
}
_SENT = {"submitted", "accepted", "late"}


def national_period(period: PeriodKey) -> NationalPeriod | None:
    return NationalPeriod.objects.filter(
        kind=period.kind, year=period.year, half=period.half
    ).first()


def _union_status(submission: ReportSubmission | SimpleNamespace | None, deadline, today) -> str:
    if submission is None:
        return "overdue" if deadline and today > deadline else "missing"
    if submission.status == ReportSubmission.Status.RETURNED:
        return "returned"
    if deadline and timezone.localdate(submission.submitted_at) > deadline:
        return "late"
    return "accepted" if submission.status == ReportSubmission.Status.ACCEPTED else "submitted"


def report_tracking(period: PeriodKey) -> list[dict]:
    """Every union on the platform with its report for `period`: status and submission.

    Plain rows, not model instances: the national report reads this for a thousand
    unions, and building (and signalling) an instance per row cost most of its time."""
    deadline = getattr(national_period(period), "deadline", None)
    today = timezone.localdate()
    submissions = {
        row["union_id"]: SimpleNamespace(**row)
        for row in ReportSubmission.objects.filter(period.filter()).values(
            "pk", "union_id", "status", "submitted_at"
        )
    }
    rows = []
    unions = list(
        Union.objects.filter(kind=Union.Kind.PROVINCIAL, status__in=ON_PLATFORM)
        .order_by("province__name", "name")
        .values("pk", "schema_name", "name", "contact_email", "province_id", "province__name")
    )
    # The former provinces each union reports for in this period: a merger's absorber
    # reports for the absorbed union's from the merger's date.
    covered = coverage_of([union["pk"] for union in unions], period.ends_on)
    for union in unions:
        union["former_province_ids"] = [p.pk for p in covered.get(union["pk"], [])]
        submission = submissions.get(union["pk"])
        status = _union_status(submission, deadline, today)
        province = union.pop("province__name")
        union["province"] = SimpleNamespace(name=province) if province else None
        rows.append(
            {
                "union": SimpleNamespace(**union),
                "submission": submission,
                "status": status,
                "label": TRACKING_LABELS[status],
            }
        )
    return rows


def province_tracking(period: PeriodKey, view: str = "current") -> dict:
    """Every province, the 34 current (or the 63 former), against `period`: which have sent
    their report (late or not), which have not, and which are not on the platform yet."""
    former = view == "former"
    unions = report_tracking(period)
    provinces = list(
        Province.objects.filter(is_current=not former).select_related(
            "region", "successor__region"
        )
    )
    by_province: dict[int, list[dict]] = {}
    placed: set[int] = set()
    if former:
        # A union that names no former province stands for the one of its own name.
        same_name: dict[tuple[int | None, str | None], int] = {
            (p.successor_id, p.name): p.pk for p in provinces
        }
        for row in unions:
            union = row["union"]
            keys = union.former_province_ids or [
                same_name.get((union.province_id, getattr(union.province, "name", None)))
            ]
            for key in filter(None, keys):
                by_province.setdefault(key, []).append(row)
                placed.add(union.pk)
    else:
        for row in unions:
            if row["union"].province_id:
                by_province.setdefault(row["union"].province_id, []).append(row)
                placed.add(row["union"].pk)
    rows = []
    for province in provinces:
        members = by_province.get(province.pk, [])
        statuses = {row["status"] for row in members}
        if not members:
            status = "absent"
        elif statuses <= _SENT:
            status = "late" if "late" in statuses else "submitted"
        elif "overdue" in statuses:
            status = "overdue"
        elif "returned" in statuses:
            status = "returned"
        else:
            status = "missing"
        region = province.successor.region if former and province.successor else province.region
        rows.append(
            {
                "province": province,
                "region": region.name if region else "",
                "unions": members,
                "status": status,
                "label": TRACKING_LABELS[status],
            }
        )
    counts = {status: sum(1 for r in rows if r["status"] == status) for status in TRACKING_LABELS}
    sent = counts["submitted"] + counts["late"]
    return {
        "rows": rows,
        # Every union on the platform, and those no province row shows (none recorded).
        "unions": unions,
        "unplaced": [row for row in unions if row["union"].pk not in placed],
        "counts": counts,
        "sent": sent,
        "total": len(rows),
        "summary": f"{sent}/{len(rows)} đã gửi",
        "national_period": national_period(period),
    }


def regions() -> list[Region]:
    return list(Region.objects.all())


def provinces(view: str = "current") -> list[Province]:
    return list(Province.objects.filter(is_current=view != "former").order_by("name"))


def union_site_url(union: Union) -> str:
    domain = next((d.domain for d in union.domains.all() if d.is_primary), None)
    return site_url(domain, scheme_relative=True) if domain else ""


def union_directory_public() -> list[dict]:
    """Active unions with their site address, for the national home page."""
    unions = (
        Union.objects.filter(kind=Union.Kind.PROVINCIAL, status=Union.Status.ACTIVE)
        .select_related("province", "province__region")
        .prefetch_related("domains", "coverage__province")
    )
    return [{"union": union, "url": union_site_url(union) or None} for union in unions]
