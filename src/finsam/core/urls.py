from django.urls import path

from finsam.core import views

urlpatterns = [
    path("sprak/", views.set_language, name="set_language"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("health/", views.health, name="health"),
]
