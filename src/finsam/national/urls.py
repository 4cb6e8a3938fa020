"""The national level's pages, under /nationellt/ (open data under /open-data/, see the shell)."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "national"

urlpatterns: list[URLPattern | URLResolver] = [
    path("konferenser/", include("finsam.national.conferences.urls")),
    path("radet/", include("finsam.national.council.urls")),
]
