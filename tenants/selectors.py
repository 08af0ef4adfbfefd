"""Reads of the tenant registry."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django_tenants.utils import schema_exists

from tenants.models import Domain, Province, Union, UnionFormerProvince
from tenants.routing import host_cache
from tenants.schema_names import validate_schema_name

# PostgreSQL silently skips a missing schema in search_path and would answer from
# public, so the host lookup also asks, in the same query, whether the schema exists.
SCHEMA_READY = RawSQL(
    "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = tenants_union.schema_name)", ()
)


def union_for_host(hostname: str) -> Union | None:
    """The union a host serves; remembered by this process until any union, domain or
    schema changes (tenants.routing), else one query."""
    return host_cache.lookup(hostname.lower(), _union_for_host_query)


def _union_for_host_query(hostname: str) -> Union | None:
    return Union.objects.filter(domains__domain=hostname).first()


def union_host(schema_name: str) -> str:
    return f"{schema_name}.{settings.PLATFORM_DOMAIN}"


def site_url(host: str, path: str = "/", *, scheme_relative: bool = False) -> str:
    """An address on one of the platform's hosts, with the port Wagtail also writes.

    Mail needs a scheme, and it is SITE_SCHEME (https in production) so that the tokens
    in verification and set-password links never cross the network in clear; links in
    a page may leave the scheme to the browser.
    """
    port = "" if settings.SITE_PORT in (80, 443) else f":{settings.SITE_PORT}"
    scheme = "" if scheme_relative else f"{settings.SITE_SCHEME}:"
    return f"{scheme}//{host}{port}{path}"


def unions_working() -> QuerySet[Union]:
    """Provincial unions whose data still lives: active or suspended, not archived."""
    return Union.objects.filter(
        kind=Union.Kind.PROVINCIAL, status__in=[Union.Status.ACTIVE, Union.Status.SUSPENDED]
    )


def union_list(*, kind: str = Union.Kind.PROVINCIAL) -> list[Union]:
    return list(
        Union.objects.filter(kind=kind)
        .select_related("province")
        .prefetch_related("coverage__province")
    )


def _namesake(current_name: str, formers: list[Province]) -> Province | None:
    named = [p for p in formers if p.name == current_name]
    return named[0] if named else (formers[0] if len(formers) == 1 else None)


def province_namesake(province: Province) -> Province | None:
    """The former province a current one is named after (Cần Thơ's Cần Thơ), or the only
    one it was made of (Huế's Thừa Thiên Huế): what the union of the current name covers."""
    return _namesake(province.name, list(Province.objects.filter(successor=province)))


def namesakes() -> dict[int, int]:
    """Every current province's namesake former province (`province_namesake`), by id:
    one query."""
    formers: dict[int, list[Province]] = {}
    names: dict[int, str] = {}
    for former in Province.objects.filter(is_current=False).select_related("successor"):
        if former.successor is not None:  # always, for a former province
            formers.setdefault(former.successor.pk, []).append(former)
            names[former.successor.pk] = former.successor.name
    found = {pk: _namesake(names[pk], rows) for pk, rows in formers.items()}
    return {pk: former.pk for pk, former in found.items() if former is not None}


def union_holds_province(union: Union, namesake_ids: dict[int, int]) -> bool:
    """`unions_holding_province`, for a union with `coverage` prefetched."""
    covered = {row.province_id for row in union.coverage.all()}
    return union.province_id is not None and (
        not covered or namesake_ids.get(union.province_id) in covered
    )


def merge_proposals(unions: list[Union]) -> list[tuple[Union, Union]]:
    """(absorbed, absorbing) for each active union of a former province (Sóc Trăng's) in a
    current province whose own union (Cần Thơ's) is active too: the merge the platform
    offers. `unions` come with `coverage` prefetched."""
    ids = namesakes()
    working = [u for u in unions if u.status == Union.Status.ACTIVE and u.province_id]
    holders: dict[int, Union] = {}
    for union in working:
        if union_holds_province(union, ids):
            holders.setdefault(union.province_id, union)
    return [
        (union, holders[union.province_id])
        for union in working
        if union.province_id in holders and not union_holds_province(union, ids)
    ]


def merge_partners(union: Union) -> list[Union]:
    """The other side of every merge offered to `union` (`merge_proposals`): for the
    union of a current province, the former provinces' unions beside it; for one of
    those, the current province's union."""
    if union.province_id is None:
        return []
    unions = list(
        Union.objects.filter(
            kind=Union.Kind.PROVINCIAL, province_id=union.province_id
        ).prefetch_related("coverage__province")
    )
    return [
        other
        for absorbed, absorbing in merge_proposals(unions)
        for mine, other in ((absorbed, absorbing), (absorbing, absorbed))
        if mine.pk == union.pk
    ]


def covering_on(ends_on: date | None, prefix: str = "") -> Q:
    """`UnionFormerProvince` rows (through `prefix`) that hold for a period ending on
    `ends_on`: covered from the start, or from a merger on or before that day. With
    None, every row (the union covers the province at some time)."""
    if ends_on is None:
        return Q()
    return Q(**{f"{prefix}since__isnull": True}) | Q(**{f"{prefix}since__lte": ends_on})


def unions_holding_province(province: Province) -> QuerySet[Union]:
    """Unions that are the union of `province`'s current name: they cover its namesake
    former province, or no former province at all. A former province's union (Sóc
    Trăng's, in Cần Thơ) is not one, so Cần Thơ's own union may still sign up."""
    namesake = province_namesake(province)
    held = Q(coverage__isnull=True)
    if namesake is not None:
        held |= Q(coverage__province=namesake)
    return Union.objects.filter(held, kind=Union.Kind.PROVINCIAL, province=province).distinct()


def coverage_of(union_ids: list[int], ends_on: date | None = None) -> dict[int, list[Province]]:
    """The former provinces each union covers for a period ending on `ends_on` (every one
    with None), its own first: one query."""
    covered: dict[int, list[Province]] = {}
    for row in (
        UnionFormerProvince.objects.filter(covering_on(ends_on), union_id__in=union_ids)
        .select_related("province")
        .order_by("union_id", F("since").asc(nulls_first=True), "province__name")
    ):
        covered.setdefault(row.union_id, []).append(row.province)
    return covered


def schema_name_check_free(schema_name: str) -> None:
    """Refuse a bad name, or one a union, a host or a schema already holds."""
    validate_schema_name(schema_name)
    if (
        Union.objects.filter(schema_name=schema_name).exists()
        or Domain.objects.filter(domain=union_host(schema_name)).exists()
        or schema_exists(schema_name, case_sensitive=False)
    ):
        raise ValidationError(
            "Tên miền con “%(name)s” đã có Liên hiệp Hội khác sử dụng.",
            code="schema_name_taken",
            params={"name": schema_name},
        )


def own_domains_routed() -> list[str]:
    """Every own domain that routes to a union (proved, or added by an operator), sorted:
    the names the production recipe gets certificates for (deploy/acme/certificates).
    A claim still waiting for its proof is no `Domain` row, so it is never listed."""
    platform = settings.PLATFORM_DOMAIN.lower()
    names = (
        Domain.objects.exclude(domain=platform)
        .exclude(domain__endswith=f".{platform}")
        .exclude(tenant__kind=Union.Kind.TEMPLATE)
        .exclude(tenant__status__in=[Union.Status.PENDING, Union.Status.PROVISIONING])
        .order_by("domain")
        .values_list("domain", flat=True)
    )
    return list(names)


def restored_copies() -> list[Union]:
    """Restored copies national staff have not made live: those awaiting a decision
    (suspended) first, then the archived ones. Each carries `holder`, the union that
    holds its province now and must be archived before the copy can go live
    (tenants.lifecycle._copy_province_check), found in one query for all."""
    copies = list(
        Union.objects.filter(kind=Union.Kind.PROVINCIAL, review_pending=True)
        .select_related("province")
        .prefetch_related("domains")
        .order_by("-status", "-created_at")  # "suspended" sorts after "archived"
    )
    provinces = {copy.province_id for copy in copies if copy.province_id is not None}
    holders = list(
        Union.objects.filter(kind=Union.Kind.PROVINCIAL, province_id__in=provinces)
        .exclude(status=Union.Status.ARCHIVED)
        .order_by("name")
    )
    for copy in copies:
        copy.holder = next(
            (u for u in holders if u.province_id == copy.province_id and u.pk != copy.pk), None
        )
    return copies
