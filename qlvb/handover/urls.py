from django.urls import path

from qlvb.handover import views

app_name = "handover"
urlpatterns = [
    path("", views.hand_over_list, name="list"),
    path("person/<int:pk>/", views.person, name="person"),
    path("<int:pk>/", views.detail, name="detail"),
]
