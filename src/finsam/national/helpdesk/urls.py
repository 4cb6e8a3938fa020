"""The help desk's pages, inside the national namespace (national/urls.py includes them)."""

from django.urls import path

from finsam.national.helpdesk import views

question = "fragor/<int:helpdesk_question_id>/"

urlpatterns = [
    path("fragor/", views.question_list, name="helpdesk_question_list"),
    path("fragor/ny/", views.question_create, name="helpdesk_question_create"),
    path(question, views.question_detail, name="helpdesk_question_detail"),
    path(question + "tilldela/", views.question_assign, name="helpdesk_question_assign"),
    path(question + "svara/", views.question_respond, name="helpdesk_question_respond"),
    path(question + "komplettera/", views.question_reply, name="helpdesk_question_reply"),
    path(question + "stang/", views.question_close, name="helpdesk_question_close"),
    path(question + "publicera/", views.faq_publish, name="helpdesk_faq_publish"),
    path(
        "fragor/bilagor/<int:helpdesk_attachment_id>/", views.attachment_download, name="helpdesk_attachment"
    ),
    path("sok/", views.search, name="helpdesk_search"),
    # The public FAQ: open to everyone.
    path("fragor-och-svar/", views.faq_list, name="faq_list"),
    path("fragor-och-svar/<int:faq_entry_id>/", views.faq_detail, name="faq_detail"),
    path("fragor-och-svar/<int:faq_entry_id>/andra/", views.faq_edit, name="faq_edit"),
]
