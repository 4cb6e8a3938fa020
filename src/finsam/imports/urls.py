"""Mounted under uppfoljning/ beside the follow-up app's pages (the addresses are those of before the
imports app)."""

from django.urls import path

from finsam.imports import views

app_name = "imports"

association = "forbund/<int:association_id>/"

urlpatterns = [
    path(association + "deltagare/inlasning/", views.import_upload, name="import_upload"),
    path(
        association + "deltagare/inlasning/mall.csv",
        views.import_template,
        {"kind": "csv"},
        name="import_template_csv",
    ),
    path(
        association + "deltagare/inlasning/mall.xlsx",
        views.import_template,
        {"kind": "xlsx"},
        name="import_template_xlsx",
    ),
    path("inlasning/<int:import_run_id>/", views.import_run, name="import_run"),
    path("inlasning/<int:import_run_id>/fel.csv", views.import_run_report, name="import_run_report"),
]
