from django_tenants.utils import schema_context

from lhh.celery import NationalTask, app
from tenants import services
from tenants.models import Union


@app.task(base=NationalTask)
def warm_pool_refill() -> int:
    return services.warm_pool_refill()


@app.task(base=NationalTask)
def union_fan_out(task_name: str) -> int:
    """Queue `task_name` once in every active union's schema. Returns how many."""
    schemas = Union.objects.filter(
        kind=Union.Kind.PROVINCIAL, status=Union.Status.ACTIVE
    ).values_list("schema_name", flat=True)
    count = 0
    for schema_name in schemas:
        with schema_context(schema_name):
            # The app stamps each message with the schema active here.
            app.send_task(task_name)
        count += 1
    return count
