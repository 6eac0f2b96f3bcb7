from django.apps import AppConfig


class IcbsConfig(AppConfig):
    name = "icbs"
    verbose_name = "Integrated care boards"
