from django.urls import path

from . import views, views_home

app_name = "overview"

urlpatterns = [
    path("", views_home.home, name="home"),
    path("<slug:code>/", views.campaign_overview_page, name="campaign"),
    path("<slug:code>/similar/", views.similar_narratives_page, name="similar"),
]
