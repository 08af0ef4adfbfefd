from django.conf import settings

from tenants.models import Union


def union_directory_public() -> list[dict]:
    """Active unions with their site address, for the national home page."""
    port = "" if settings.SITE_PORT in (80, 443) else f":{settings.SITE_PORT}"
    unions = (
        Union.objects.filter(kind=Union.Kind.PROVINCIAL, status=Union.Status.ACTIVE)
        .select_related("province", "former_province", "province__region")
        .prefetch_related("domains")
    )
    directory = []
    for union in unions:
        primary = next((d.domain for d in union.domains.all() if d.is_primary), None)
        directory.append({"union": union, "url": f"//{primary}{port}/" if primary else None})
    return directory
