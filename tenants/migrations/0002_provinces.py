"""Load the 34 current provinces (Resolution 202/2025/QH15) and the 63 former ones."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "provinces.csv"


def load(apps, schema_editor):
    Region = apps.get_model("tenants", "Region")
    Province = apps.get_model("tenants", "Province")
    with CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region, _ = Region.objects.get_or_create(name=row["region"].strip())
            current, _ = Province.objects.get_or_create(
                name=row["province"].strip(), is_current=True, defaults={"region": region}
            )
            for former in row["former_provinces"].split(";"):
                Province.objects.get_or_create(
                    name=former.strip(),
                    is_current=False,
                    defaults={"successor": current, "region": region},
                )


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
