from django.urls import path

from qlvb.programmes import api

urlpatterns = [
    path("", api.programme_list, name="api-programmes"),
    path("fields/", api.fields, name="api-programme-fields"),
    path("<int:pk>/", api.programme_detail, name="api-programme"),
    path("<int:pk>/items/", api.item_add, name="api-programme-items"),
    path("<int:pk>/items/<int:item_pk>/", api.item_update, name="api-programme-item"),
    path("<int:pk>/items/<int:item_pk>/withdraw/", api.item_withdraw, name="api-programme-item-withdraw"),
    path("<int:pk>/submit/", api.submit, name="api-programme-submit"),
    path("<int:pk>/approve/", api.approve, name="api-programme-approve"),
    path("<int:pk>/return/", api.send_back, name="api-programme-return"),
    path("<int:pk>/tasks/", api.make_tasks, name="api-programme-tasks"),
    path("<int:pk>/reviews/", api.review, name="api-programme-reviews"),
]
