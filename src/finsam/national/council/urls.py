"""The council's pages, under /nationellt/radet/ (names in the `national:` namespace)."""

from django.urls import path

from finsam.national.council import views

recommendation = "rekommendationer/<int:recommendation_id>/"

urlpatterns = [
    path("", views.council, name="council"),
    path("rekommendationer/ny/", views.recommendation_create, name="recommendation_create"),
    path(recommendation, views.recommendation_detail, name="recommendation_detail"),
    path(recommendation + "andra/", views.recommendation_edit, name="recommendation_edit"),
    path("ledamoter/ny/", views.representative_create, name="council_representative_create"),
    path(
        "ledamoter/<int:council_representative_id>/andra/",
        views.representative_edit,
        name="council_representative_edit",
    ),
]
