from django.urls import path

from qlvb.statistics import views

app_name = "statistics"

# The pages (views.py: the dashboard, a statistic's table, the list behind a figure, the drafts
# waiting, a person's compliance figures; exports.py and reports.py: Excel/PDF, the periodic report).
urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("table/", views.table, name="table"),
    path("items/", views.items, name="items"),
]
