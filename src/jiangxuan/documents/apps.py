from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "jiangxuan.documents"
    label = "documents"
