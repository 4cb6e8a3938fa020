from django.contrib import admin
from django.urls import include, path

from finsam.api import api

urlpatterns = [
    path("", include("finsam.core.urls")),
    path("register/", include("finsam.registry.urls")),
    path("insatser/", include("finsam.interventions.urls")),
    path("uppfoljning/", include("finsam.followup.urls")),
    path("ekonomi/", include("finsam.finance.urls")),
    path("styrning/", include("finsam.governance.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
