from lhh.celery import NationalTask, app
from tenants import services


@app.task(base=NationalTask)
def warm_pool_refill() -> int:
    return services.warm_pool_refill()
