from django.urls import path

from qlvb.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("received/", views.received, name="received"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/print/", views.printable, name="print"),
    path("<int:pk>/<slug:verb>/", views.action, name="action"),
]
