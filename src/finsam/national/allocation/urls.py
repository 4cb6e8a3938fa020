"""Under /nationellt/statlig-fordelning/ (national/urls.py), names in the `national:` namespace."""

from django.urls import path

from finsam.national.allocation import views

year = "<int:allocation_year>/"

urlpatterns = [
    path("", views.allocation_index, name="allocation_index"),
    path(year, views.allocation_review, name="allocation_review"),
    path(year + "installningar/", views.allocation_settings, name="allocation_settings"),
    path(year + "forbund/<int:association_id>/beslut.pdf", views.allocation_letter, name="allocation_letter"),
]
