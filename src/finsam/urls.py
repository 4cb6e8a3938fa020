from django.contrib import admin
from django.urls import include, path

from finsam.api import api

urlpatterns = [
    path("", include("finsam.core.urls")),
    path("register/", include("finsam.registry.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
