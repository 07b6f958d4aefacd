from django.urls import path

from qlvb.incoming import views

app_name = "incoming"
urlpatterns = [
    path("", views.work_list, name="home"),
    path("list/<slug:name>/", views.work_list, name="list"),
    path("bulk/", views.bulk, name="bulk"),
    path("register/", views.register, name="register"),
    path("register/<int:pk>/", views.register, name="register_draft"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/route/", views.route, name="route"),
    path("<int:pk>/route/<int:assignment_pk>/", views.route, name="route_down"),
    path("<int:pk>/files/<int:file_pk>/<slug:disposition>/", views.file_view, name="file"),
    path("<int:pk>/<slug:verb>/", views.action, name="action"),
]
