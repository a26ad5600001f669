from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<slug:code>/", views.campaign_detail, name="detail"),
    path("<slug:code>/spec/", views.campaign_edit_spec, name="edit_spec"),
    path("<slug:code>/deadlines/", views.campaign_deadlines, name="deadlines"),
]
