"""Mounted under uppfoljning/ beside the follow-up app's pages (the addresses are those of before the
statistics app)."""

from django.urls import path

from finsam.statistics import economics_views, national_report_views, views

app_name = "statistics"

association = "forbund/<int:association_id>/"

urlpatterns = [
    path(association + "statistik/", views.association_statistics, name="statistics_association"),
    path(
        association + "statistik/excel/",
        views.association_statistics_excel,
        name="statistics_association_excel",
    ),
    path(association + "samhallsekonomi/", economics_views.association_economy, name="economy_association"),
    path(
        association + "samhallsekonomi/excel/",
        economics_views.association_economy_excel,
        name="economy_association_excel",
    ),
    path("statistik/", views.national_statistics, name="statistics_national"),
    path("statistik/excel/", views.national_statistics_excel, name="statistics_national_excel"),
    path(
        association + "nationell-rapport/", national_report_views.association_report, name="national_report"
    ),
    path(
        association + "nationell-rapport/excel/",
        national_report_views.association_excel,
        name="national_report_excel",
    ),
    path(
        association + "nationell-rapport/csv/",
        national_report_views.association_csv,
        name="national_report_csv",
    ),
    path("nationell-rapport/", national_report_views.national, name="national_report_national"),
    path(
        "nationell-rapport/excel/",
        national_report_views.national_excel,
        name="national_report_national_excel",
    ),
    path("nationell-rapport/csv/", national_report_views.national_csv, name="national_report_national_csv"),
]
