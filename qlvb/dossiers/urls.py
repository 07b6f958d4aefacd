from django.urls import path

from qlvb.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("plan/", views.plan, name="plan"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/<slug:verb>/", views.dossier_action, name="action"),
]
