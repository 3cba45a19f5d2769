from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("diagnose", views.paste, name="paste"),
    path("<slug:provider>", views.provider_detail, name="provider"),
    path("<slug:provider>/<str:code>", views.error_detail, name="error"),
]
