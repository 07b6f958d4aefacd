from django.urls import path

from qlvb.recycle import views

app_name = "recycle"
urlpatterns = [
    path("", views.bin_list, name="list"),
    path("delete/<str:kind>/<int:pk>/", views.delete, name="delete"),
    path("<int:pk>/restore/", views.restore, name="restore"),
    path("<int:pk>/purge/", views.purge, name="purge"),
]
