from django.urls import path

from finsam.governance import views

app_name = "governance"

meeting = "moten/<int:meeting_id>/"
association = "forbund/<int:association_id>/"

urlpatterns = [
    path("moten/", views.meeting_list, name="meeting_list"),
    path("moten/nytt/", views.meeting_create, name="meeting_create"),
    path(meeting, views.meeting_detail, name="meeting_detail"),
    path(meeting + "andra/", views.meeting_edit, name="meeting_edit"),
    # Minutes
    path(meeting + "protokoll/", views.minutes_edit, name="minutes_edit"),
    path(meeting + "protokoll/justera/", views.minutes_confirm, name="minutes_confirm"),
    path(meeting + "protokoll/las/", views.minutes_lock, name="minutes_lock"),
    path(meeting + "protokoll.pdf", views.minutes_pdf, name="minutes_pdf"),
    # Per förbund: the annual cycle, its records, documents, decisions for the members
    path(association + "arscykel/", views.annual_cycle, name="annual_cycle"),
    path(association + "ansvarsfrihet/ny/", views.discharge_create, name="discharge_create"),
    path(association + "nationell-rapport/ny/", views.national_report_create, name="national_report_create"),
    path(association + "dokument/", views.document_list, name="document_list"),
    path(association + "dokument/nytt/", views.document_create, name="document_create"),
    path(association + "information/", views.informed_decisions, name="informed_decisions"),
    path("dokument/<int:document_id>/", views.document_download, name="document_download"),
    path("dokument/<int:document_id>/andra/", views.document_edit, name="document_edit"),
    # National overview and calendars
    path("nationell-oversikt/", views.national_overview, name="national_overview"),
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/<str:feed_token>/<int:association_id>.ics", views.calendar_feed, name="calendar_feed"),
]
