"""The pages of the second factor (accounts.two_factor_views). The names are global, like the other sign-in
pages': core.second_factor lets a user who has not yet given the factor open the first two."""

from django.urls import path

from finsam.accounts import two_factor_views as views

urlpatterns = [
    path("konto/tvastegsverifiering/", views.second_factor_overview, name="second_factor"),
    path("konto/tvastegsverifiering/kod/", views.second_factor_verify, name="second_factor_verify"),
    path("konto/tvastegsverifiering/ny-app/", views.second_factor_setup, name="second_factor_setup"),
    path("konto/tvastegsverifiering/reservkoder/", views.second_factor_codes, name="second_factor_codes"),
    path(
        "konto/tvastegsverifiering/nya-reservkoder/",
        views.second_factor_codes_new,
        name="second_factor_codes_new",
    ),
]
