"""The JSON API: one NinjaAPI, routers from each domain app."""

from ninja import NinjaAPI

api = NinjaAPI(title="匠选 Jiangxuan API", version="1", urls_namespace="api")
