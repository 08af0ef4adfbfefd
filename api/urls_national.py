from api.routes_national import routes
from api.urls_docs import docs_urls

urlpatterns = [*docs_urls("api.routes_national"), *routes]
