from django.urls import path

from finsam.national.dashboard import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_excel, name="dashboard_excel"),
]
