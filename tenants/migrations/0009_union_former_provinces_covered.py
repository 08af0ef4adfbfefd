"""A union covers several former provinces, each from a date: `Union.former_province`
(one, no date) becomes rows of `UnionFormerProvince`.

A union with a former province covers it from the start; a union with only a current
province is the union of the current name and covers the former province it is named
after (or the only one it was made of, Huế's Thừa Thiên Huế)."""

import django.db.models.deletion
from django.db import migrations, models


def _namesake(Province, province):
    formers = list(Province.objects.filter(successor=province, is_current=False))
    named = [p for p in formers if p.name == province.name]
    return named[0] if named else (formers[0] if len(formers) == 1 else None)


def coverage_from_former_province(apps, schema_editor):
    Union = apps.get_model("tenants", "Union")
    Province = apps.get_model("tenants", "Province")
    Coverage = apps.get_model("tenants", "UnionFormerProvince")
    rows = []
    for union in Union.objects.filter(kind="provincial").select_related("province"):
        former = (
            Province.objects.get(pk=union.former_province_id)
            if union.former_province_id
            else (_namesake(Province, union.province) if union.province_id else None)
        )
        if former is not None:
            rows.append(Coverage(union=union, province=former, since=None))
    # A merged union's absorber reports for the absorbed one's provinces from the merger.
    for union in Union.objects.filter(merged_into__isnull=False, former_province__isnull=False):
        rows.append(
            Coverage(
                union_id=union.merged_into_id,
                province_id=union.former_province_id,
                since=union.merged_on,
            )
        )
    Coverage.objects.bulk_create(rows, ignore_conflicts=True)


def former_province_from_coverage(apps, schema_editor):
    Union = apps.get_model("tenants", "Union")
    Coverage = apps.get_model("tenants", "UnionFormerProvince")
    for coverage in Coverage.objects.filter(since__isnull=True).order_by("union_id", "id"):
        Union.objects.filter(pk=coverage.union_id, former_province__isnull=True).update(
            former_province_id=coverage.province_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0008_own_domain_claims"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnionFormerProvince",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("since", models.DateField(blank=True, null=True, verbose_name="từ ngày")),
                (
                    "province",
                    models.ForeignKey(
                        limit_choices_to={"is_current": False},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="coverage",
                        to="tenants.province",
                        verbose_name="tỉnh cũ",
                    ),
                ),
                (
                    "union",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="coverage",
                        to="tenants.union",
                    ),
                ),
            ],
            options={
                "verbose_name": "tỉnh cũ Liên hiệp Hội phụ trách",
                "verbose_name_plural": "các tỉnh cũ Liên hiệp Hội phụ trách",
                "ordering": [models.OrderBy(models.F("since"), nulls_first=True), "province__name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("union", "province"), name="one_coverage_per_union_province"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="union",
            name="former_provinces",
            field=models.ManyToManyField(
                blank=True,
                related_name="covering_unions",
                through="tenants.UnionFormerProvince",
                to="tenants.province",
                verbose_name="các tỉnh cũ",
            ),
        ),
        migrations.RunPython(coverage_from_former_province, former_province_from_coverage),
        migrations.RemoveField(model_name="union", name="former_province"),
    ]
