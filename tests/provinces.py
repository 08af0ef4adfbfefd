"""Placing a test's union in a current province and the former provinces it covers,
straight in the registry (as a fixture would; the console's own way is tested apart)."""

import datetime as dt

from tenants.models import Province, Union, UnionFormerProvince


def union_place(union: Union, province: str | None, *formers: str | tuple[str, dt.date]) -> None:
    """`union_place(u, "Hải Phòng", "Hải Phòng", ("Hải Dương", date(2026, 1, 1)))`: in
    Hải Phòng, covering former Hải Phòng from the start and Hải Dương from that day."""
    Union.objects.filter(pk=union.pk).update(
        province=Province.objects.get(name=province, is_current=True) if province else None
    )
    UnionFormerProvince.objects.filter(union=union).delete()
    for former in formers:
        name, since = former if isinstance(former, tuple) else (former, None)
        UnionFormerProvince.objects.create(
            union=union, province=Province.objects.get(name=name, is_current=False), since=since
        )
