"""The conferences' pages, under /nationellt/konferenser/ (names in the `national:` namespace)."""

from django.urls import path

from finsam.national.conferences import views

conference = "<int:conference_id>/"

urlpatterns = [
    path("", views.conference_list, name="conference_list"),
    path("ny/", views.conference_create, name="conference_create"),
    path("kalender.ics", views.conference_feed, name="conference_feed"),
    path(conference, views.conference_detail, name="conference_detail"),
    path(conference + "andra/", views.conference_edit, name="conference_edit"),
    path(conference + "anmal/", views.conference_register, name="conference_register"),
    path(conference + "avanmal/", views.conference_cancel, name="conference_cancel"),
    path(conference + "deltagare/", views.conference_participants, name="conference_participants"),
    path(conference + "deltagare.xlsx", views.participants_xlsx, name="conference_participants_xlsx"),
    path(conference + "deltagare.csv", views.participants_csv, name="conference_participants_csv"),
    path(conference + "konferens.ics", views.conference_ics, name="conference_ics"),
]
