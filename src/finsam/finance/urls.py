from django.urls import path

from finsam.finance import views

app_name = "finance"

budget = "budget/<int:budget_id>/"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("forbund/<int:association_id>/", views.budget_list, name="budget_list"),
    path("forbund/<int:association_id>/ny/", views.budget_create, name="budget_create"),
    path(budget, views.budget_detail, name="budget_detail"),
    path(budget + "andra/", views.budget_edit, name="budget_edit"),
    path(budget + "samrad/ny/", views.consultation_create, name="consultation_create"),
    path(budget + "faststall/", views.budget_adopt, name="budget_adopt"),
    path(budget + "utfall/", views.outcome_edit, name="outcome_edit"),
    path(budget + "bokslut/", views.outcome_close, name="outcome_close"),
    # Reports
    path(budget + "rapport/", views.report, name="report"),
    path(budget + "rapport.pdf", views.report_pdf, name="report_pdf"),
    path(budget + "rapport.xlsx", views.report_xlsx, name="report_xlsx"),
    path(budget + "bidragsbrev/<int:member_id>.pdf", views.contribution_letter, name="contribution_letter"),
    # Populations (reference data for the contribution key)
    path("folkmangd/<int:year>/", views.population_edit, name="population_edit"),
    path("forsorjningsmatt/", views.support_measure_import, name="support_measure_import"),
    # Calculators (write nothing)
    path("berakna/bidrag/", views.calculator_contributions, name="calculator_contributions"),
    path("berakna/2004/", views.calculator_cap_2004, name="calculator_cap_2004"),
    path(
        "berakna/statlig-fordelning/", views.calculator_state_allocation, name="calculator_state_allocation"
    ),
]
