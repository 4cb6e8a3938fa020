from django.urls import path

from finsam.followup import views

app_name = "followup"

association = "forbund/<int:association_id>/"
participant = "deltagare/<int:participant_id>/"
participation = "deltagande/<int:participation_id>/"

urlpatterns = [
    path(association + "deltagare/", views.participant_list, name="participant_list"),
    path(association + "deltagare/ny/", views.participant_register, name="participant_register"),
    path(association + "validera/", views.validate, name="validate"),
    path(association + "fragor/", views.question_list, name="question_list"),
    path(association + "fragor/ny/", views.question_create, name="question_create"),
    path("fragor/<int:question_id>/andra/", views.question_edit, name="question_edit"),
    path(participant, views.participant_detail, name="participant_detail"),
    path(participant + "personnummer/", views.participant_identity, name="participant_identity"),
    path(participant + "samtycke/blankett/", views.consent_form, name="consent_form"),
    path(participant + "samtycke/aterkalla/", views.consent_withdraw, name="consent_withdraw"),
    path(participant + "deltagande/ny/", views.participation_start, name="participation_start"),
    path(participant + "ratta/", views.participant_correct, name="participant_correct"),
    path(participation + "avsluta/", views.participation_exit, name="participation_exit"),
    path(participation + "ratta/", views.participation_correct, name="participation_correct"),
    path(participation + "uppfoljning/", views.followup_later, name="followup_later"),
]
