"""Open data under /open-data/ (mounted by the shell), public."""

from django.urls import URLPattern, path

from finsam.national.open_data import views

app_name = "open_data"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("datapackage.json", views.datapackage_json, name="datapackage"),
    path("coverage.json", views.coverage_json, name="coverage_json"),
    path("coverage.csv", views.coverage_csv, name="coverage_csv"),
]
for _name, (_csv_view, _json_view) in views.RESOURCE_VIEWS.items():
    urlpatterns += [
        path(f"{_name}.csv", _csv_view, name=f"{_name}_csv"),
        path(f"{_name}.json", _json_view, name=f"{_name}_json"),
    ]
