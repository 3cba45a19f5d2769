from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "errorkb.web"
    verbose_name = "Web pages"
