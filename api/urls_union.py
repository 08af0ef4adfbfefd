from api.routes_union import routes
from api.urls_docs import docs_urls

urlpatterns = [*docs_urls("api.routes_union"), *routes]
