from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/", include("errorkb.api.urls")),  # first: tooling calls it on every failed request
    path("admin/", admin.site.urls),
    path("", include("errorkb.web.urls")),
]

handler400 = "errorkb.web.views.bad_request"
handler404 = "errorkb.web.views.page_not_found"
handler500 = "errorkb.web.views.server_error"
