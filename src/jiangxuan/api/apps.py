from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jiangxuan.api"
    label = "api"
