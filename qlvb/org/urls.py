from django.urls import path

from qlvb.org import directory_views, views

app_name = "org"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("agencies/", views.agencies, name="agencies"),
    path("directory/search/", views.directory_search, name="directory_search"),
    path("agency-directory/", directory_views.agency_directory, name="agency_directory"),
    path("agency-directory/new/", directory_views.agency_directory_entry, name="agency_directory_add"),
    path("agency-directory/<int:pk>/", directory_views.agency_directory_entry, name="agency_directory_entry"),
    path("agency-directory/import/", directory_views.agency_directory_import, name="agency_directory_import"),
    path("agencies/<int:pk>/", views.agency, name="agency"),
    path("units/new/", views.unit_save, name="unit_create"),
    path("units/<int:pk>/", views.unit_save, name="unit_edit"),
    path("positions/new/", views.position_save, name="position_create"),
    path("positions/<int:pk>/", views.position_save, name="position_edit"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/<slug:action>/", views.person_action, name="person_action"),
    path("fields/", views.fields, name="fields"),
    path("fields/new/", views.field_save, name="field_create"),
    path("fields/<int:pk>/", views.field_save, name="field_edit"),
    path("signing/new/", views.signing_save, name="signing_create"),
    path("signing/<int:pk>/", views.signing_save, name="signing_edit"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/", views.delegation, name="delegation"),
    path("acting/", views.acting, name="acting"),
]
