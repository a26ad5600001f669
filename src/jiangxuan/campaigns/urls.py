from django.urls import path

from . import views

app_name = "campaigns"

# ``campaigns:detail``, a campaign's page, is added by nominations
# (nominations.urls.campaign_urlpatterns): it shows the quotas' use.

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<slug:code>/spec/", views.campaign_edit_spec, name="edit_spec"),
    path("<slug:code>/deadlines/", views.campaign_deadlines, name="deadlines"),
]
