from django.urls import path

from qlvb.tasks import api

urlpatterns = [
    path("", api.task_list, name="api-tasks"),
    path("counts/", api.counts, name="api-task-counts"),
    path("provincial/", api.provincial, name="api-tasks-provincial"),
    path("<int:pk>/", api.task_detail, name="api-task"),
    path("<int:pk>/reports/", api.report, name="api-task-report"),
    path("<int:pk>/extension/", api.extension, name="api-task-extension"),
    path("<int:pk>/extension/decide/", api.decide, name="api-task-decide"),
    path("<int:pk>/complete/", api.complete, name="api-task-complete"),
    path("<int:pk>/evaluate/", api.evaluate, name="api-task-evaluate"),
    path("<int:pk>/change/", api.change, name="api-task-change"),
    path("<int:pk>/withdraw/", api.withdraw, name="api-task-withdraw"),
]
