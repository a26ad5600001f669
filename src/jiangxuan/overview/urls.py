from django.urls import path

from . import views

app_name = "overview"

urlpatterns = [
    path("<slug:code>/", views.campaign_overview_page, name="campaign"),
    path("<slug:code>/similar/", views.similar_narratives_page, name="similar"),
]
