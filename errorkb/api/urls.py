from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

app_name = "api"

# The calls tooling makes on every failed request come first: Django tries the
# patterns in order.
urlpatterns = [
    path("v1/diagnose", views.Diagnose.as_view(), name="diagnose"),
    path("v1/errors/<slug:provider>/<str:code>", views.ErrorDetail.as_view(), name="error"),
    path("v1/diagnose/batch", views.DiagnoseBatch.as_view(), name="diagnose-batch"),
    path("v1/errors", views.ErrorList.as_view(), name="errors"),
    path("v1/providers", views.ProviderList.as_view(), name="providers"),
    path("v1/providers/<slug:slug>", views.ProviderDetail.as_view(), name="provider"),
    path("v1/schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
