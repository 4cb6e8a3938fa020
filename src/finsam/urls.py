from django.contrib import admin
from django.urls import include, path

from finsam import views
from finsam.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("granskningslogg/", views.audit_log, name="audit_log"),
    path("granskningslogg/export.csv", views.audit_export, name="audit_export"),
    path("", include("finsam.core.urls")),
    path("", include("finsam.accounts.urls")),
    path("", include("finsam.accounts.two_factor_urls")),
    path("register/", include("finsam.registry.urls")),
    path("insatser/", include("finsam.interventions.urls")),
    path("uppfoljning/", include("finsam.followup.urls")),
    path("uppfoljning/", include("finsam.imports.urls")),
    path("uppfoljning/", include("finsam.statistics.urls")),
    path("ekonomi/", include("finsam.finance.urls")),
    path("styrning/", include("finsam.governance.urls")),
    path("nationellt/", include("finsam.national.urls")),
    path("open-data/", include("finsam.national.open_data.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
