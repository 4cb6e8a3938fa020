from django.urls import path

from finsam.followup import economics_views, import_views, national_report_views, statistics_views, views

app_name = "followup"

association = "forbund/<int:association_id>/"
participant = "deltagare/<int:participant_id>/"
participation = "deltagande/<int:participation_id>/"

urlpatterns = [
    path(association + "deltagare/", views.participant_list, name="participant_list"),
    path(association + "deltagare/ny/", views.participant_register, name="participant_register"),
    path(association + "validera/", views.validate, name="validate"),
    path(association + "deltagare/inlasning/", import_views.import_upload, name="import_upload"),
    path(
        association + "deltagare/inlasning/mall.csv",
        import_views.import_template,
        {"kind": "csv"},
        name="import_template_csv",
    ),
    path(
        association + "deltagare/inlasning/mall.xlsx",
        import_views.import_template,
        {"kind": "xlsx"},
        name="import_template_xlsx",
    ),
    path("inlasning/<int:import_run_id>/", import_views.import_run, name="import_run"),
    path("inlasning/<int:import_run_id>/fel.csv", import_views.import_run_report, name="import_run_report"),
    path(association + "fragor/", views.question_list, name="question_list"),
    path(association + "fragor/ny/", views.question_create, name="question_create"),
    path("fragor/<int:question_id>/andra/", views.question_edit, name="question_edit"),
    path(participant, views.participant_detail, name="participant_detail"),
    path(participant + "personnummer/", views.participant_identity, name="participant_identity"),
    path(participant + "samtycke/blankett/", views.consent_form, name="consent_form"),
    path(participant + "samtycke/aterkalla/", views.consent_withdraw, name="consent_withdraw"),
    path(participant + "deltagande/ny/", views.participation_start, name="participation_start"),
    path(participation + "avsluta/", views.participation_exit, name="participation_exit"),
    path(participation + "uppfoljning/", views.followup_later, name="followup_later"),
    path(association + "statistik/", statistics_views.association_statistics, name="statistics_association"),
    path(
        association + "statistik/excel/",
        statistics_views.association_statistics_excel,
        name="statistics_association_excel",
    ),
    path(association + "samhallsekonomi/", economics_views.association_economy, name="economy_association"),
    path(
        association + "samhallsekonomi/excel/",
        economics_views.association_economy_excel,
        name="economy_association_excel",
    ),
    path("statistik/", statistics_views.national_statistics, name="statistics_national"),
    path("statistik/excel/", statistics_views.national_statistics_excel, name="statistics_national_excel"),
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
