from django.urls import path

from qlvb.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="home"),
    path("new/", views.programme_new, name="new"),
    path("fields/", views.fields, name="fields"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/items/new/", views.item_form, name="item_new"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_form, name="item_edit"),
    path("<int:pk>/items/<int:item_pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("<int:pk>/tasks/", views.make_tasks, name="make_tasks"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/<slug:verb>/", views.action, name="action"),
]
