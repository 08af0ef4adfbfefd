from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tenants", "0004_union_deletion")]

    operations = [
        migrations.AddField(
            model_name="union",
            name="review_pending",
            field=models.BooleanField(
                default=False, verbose_name="bản khôi phục chờ Trung ương quyết định"
            ),
        ),
    ]
