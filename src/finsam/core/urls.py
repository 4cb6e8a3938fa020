from django.urls import path

from finsam.core import views

urlpatterns = [
    path("sprak/", views.set_language, name="set_language"),
    path("health/", views.health, name="health"),
]
