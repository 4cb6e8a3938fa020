from django.urls import path

from finsam.registry import user_views, views

app_name = "registry"

association = "forbund/<int:association_id>/"

urlpatterns = [
    path("forbund/", views.association_list, name="association_list"),
    path("forbund/nytt/", views.association_create, name="association_create"),
    path("forbund/las-in/", views.association_import, name="association_import"),
    path(
        "forbund/las-in/exempel.xlsx", views.association_import_example_xlsx, name="association_import_xlsx"
    ),
    path("forbund/las-in/exempel.csv", views.association_import_example_csv, name="association_import_csv"),
    path(
        "forbund/las-in/exempel-styrelse.csv",
        views.association_import_example_board_csv,
        name="association_import_board_csv",
    ),
    path(association, views.association_detail, name="association_detail"),
    path(association + "anvandare/", user_views.association_users, name="association_users"),
    path(association + "anvandare/bjud-in/", user_views.user_invite, name="user_invite"),
    path(
        association + "anvandare/roller/<int:assignment_id>/avsluta/",
        user_views.role_end,
        name="role_end",
    ),
    path(association + "andra/", views.association_edit, name="association_edit"),
    # Members
    path(association + "medlemmar/ny/", views.member_create, name="member_create"),
    path(association + "medlemmar/<int:member_id>/andra/", views.member_edit, name="member_edit"),
    # Charter (förbundsordning)
    path(association + "forbundsordning/", views.charter_list, name="charter_list"),
    path(association + "forbundsordning/ny/", views.charter_create, name="charter_create"),
    # Board
    path(association + "styrelse/", views.board, name="board"),
    path(association + "styrelse/ny/", views.board_seat_create, name="board_seat_create"),
    path(association + "styrelse/<int:seat_id>/andra/", views.board_seat_edit, name="board_seat_edit"),
    # Director and member representatives
    path(association + "forbundschef/", views.director_list, name="director_list"),
    path(association + "forbundschef/ny/", views.director_create, name="director_create"),
    path(association + "forbundschef/<int:director_id>/andra/", views.director_edit, name="director_edit"),
    path(association + "medlemsrepresentanter/", views.representative_list, name="representative_list"),
    path(
        association + "medlemsrepresentanter/ny/", views.representative_create, name="representative_create"
    ),
    path(
        association + "medlemsrepresentanter/<int:representative_id>/andra/",
        views.representative_edit,
        name="representative_edit",
    ),
    # People
    path("personer/", views.person_list, name="person_list"),
    path(association + "personer/ny/", views.person_create, name="person_create"),
    path("personer/<int:person_id>/", views.person_detail, name="person_detail"),
    path("personer/<int:person_id>/andra/", views.person_edit, name="person_edit"),
    # Reference data
    path("kommuner/", views.municipality_list, name="municipality_list"),
]
