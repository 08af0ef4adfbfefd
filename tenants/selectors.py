"""Reads of the tenant registry."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django_tenants.utils import schema_exists

from tenants.models import Domain, Union
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
    return list(Union.objects.filter(kind=kind).select_related("province", "former_province"))


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
