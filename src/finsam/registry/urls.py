from django.urls import path

from finsam.registry import views

app_name = "registry"

urlpatterns = [
    path("forbund/", views.association_list, name="association_list"),
    path("forbund/<int:association_id>/", views.association_detail, name="association_detail"),
    path("kommuner/", views.municipality_list, name="municipality_list"),
]
