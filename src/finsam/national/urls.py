"""The national level's pages, under /nationellt/ (open data under /open-data/, see the shell)."""

from django.urls import URLPattern, URLResolver, include, path

from finsam.national import views

app_name = "national"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("", include("finsam.national.handbook.urls")),  # handbok/ and regler/
    path("oversikt/", include("finsam.national.dashboard.urls")),
    path("", include("finsam.national.helpdesk.urls")),
    path("statlig-fordelning/", include("finsam.national.allocation.urls")),
    path("konferenser/", include("finsam.national.conferences.urls")),
    path("radet/", include("finsam.national.council.urls")),
]
