"""The handbook under /nationellt/handbok/ and the register of rules under /nationellt/regler/."""

from django.urls import path

from finsam.national.handbook import views

urlpatterns = [
    path("handbok/", views.handbook_index, name="handbook_index"),
    path("handbok/handbok.pdf", views.handbook_pdf, name="handbook_pdf"),
    path("handbok/kapitel/nytt/", views.chapter_create, name="handbook_chapter_create"),
    path(
        "handbok/kapitel/<int:handbook_chapter_id>/andra/", views.chapter_edit, name="handbook_chapter_edit"
    ),
    path("handbok/sidor/ny/", views.page_create, name="handbook_page_create"),
    path("handbok/<slug:slug>/", views.handbook_page, name="handbook_page"),
    path("handbok/<slug:slug>/andra/", views.page_edit, name="handbook_page_edit"),
    path("handbok/<slug:slug>/historik/", views.page_history, name="handbook_history"),
    path("handbok/<slug:slug>/jamfor/", views.page_diff, name="handbook_diff"),
    path(
        "handbok/<slug:slug>/version/<int:handbook_version>/", views.version_detail, name="handbook_version"
    ),
    path("regler/", views.rule_list, name="rule_list"),
    path("regler/<str:code>/", views.rule_detail, name="rule_detail"),
]
