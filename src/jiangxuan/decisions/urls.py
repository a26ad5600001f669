from django.urls import path

from jiangxuan.decisions import views

app_name = "decisions"

urlpatterns = [
    path("<int:pk>/", views.public_decision, name="public"),
    path("laureates/<str:token>/", views.laureate, name="laureate"),
    path("campaign/<slug:code>/", views.overview, name="overview"),
    path("campaign/<slug:code>/awards/<int:award_pk>/propose/", views.propose, name="propose"),
    path("campaign/<slug:code>/lists/<int:pk>/approve/", views.approve, name="approve"),
    path("campaign/<slug:code>/lists/<int:pk>/revise/", views.revise, name="revise"),
    path("campaign/<slug:code>/publish/", views.publish, name="publish"),
    path("campaign/<slug:code>/past-awardees/", views.past_awardees, name="past_awardees"),
    path(
        "campaign/<slug:code>/decision.<str:fmt>",
        views.decision_document,
        name="document",
    ),
    path("campaign/<slug:code>/payments.xlsx", views.payments, name="payments"),
]
