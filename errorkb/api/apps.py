from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "errorkb.api"
    verbose_name = "API"
