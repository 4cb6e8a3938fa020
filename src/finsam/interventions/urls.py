from django.urls import path

from finsam.interventions import views

app_name = "interventions"

urlpatterns = [
    path("forbund/<int:association_id>/", views.intervention_list, name="intervention_list"),
    path("forbund/<int:association_id>/ny/", views.intervention_create, name="intervention_create"),
    path(
        "forbund/<int:association_id>/deltagaransvariga/", views.coordinator_roles, name="coordinator_roles"
    ),
    path("<int:intervention_id>/", views.intervention_detail, name="intervention_detail"),
    path("<int:intervention_id>/andra/", views.intervention_edit, name="intervention_edit"),
    path("<int:intervention_id>/antal/ny/", views.structural_count_create, name="structural_count_create"),
]
