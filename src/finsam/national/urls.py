"""The national level's pages, under /nationellt/ (open data under /open-data/, see the shell)."""

from django.urls import URLPattern, URLResolver, include, path

from finsam.national.helpdesk import views as helpdesk_views

app_name = "national"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("finsam.national.helpdesk.urls")),
    # A minimal reading page for the help desk's search hits, until the handbook's own pages replace it.
    path("handbok/<slug:slug>/", helpdesk_views.handbook_page, name="handbook_page"),
]
