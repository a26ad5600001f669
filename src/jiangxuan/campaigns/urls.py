from django.urls import path

from . import views

app_name = "campaigns"

# ``campaigns:detail``, a campaign's page, is added by nominations
# (nominations.urls.campaign_urlpatterns): it shows the quotas' use.

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<slug:code>/spec/", views.campaign_edit_spec, name="edit_spec"),
    path("<slug:code>/spec/versions/", views.campaign_versions, name="versions"),
    path("<slug:code>/spec/extend/", views.campaign_extend_window, name="extend_window"),
    path("<slug:code>/spec/numbers/", views.campaign_numbers, name="numbers"),
    path("<slug:code>/spec/texts/", views.campaign_texts, name="texts"),
    path("<slug:code>/deadlines/", views.campaign_deadlines, name="deadlines"),
]
