"""The project's URLs plus the two bench references under ``/_bench/`` (bench settings only)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("_bench/naive-vote", views.naive_vote),
    path("_bench/cached-page", views.cached_page),
    path("", include("jiangxuan.urls")),
]
