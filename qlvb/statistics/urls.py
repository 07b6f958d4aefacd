from django.urls import path

from qlvb.statistics import oversight_views, report_views, views

app_name = "statistics"

# The pages (views.py: the dashboard, a statistic's table, the list behind a figure;
# oversight_views.py: the drafts waiting and the documents issued, a person's compliance figures).
urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("table/", views.table, name="table"),
    path("items/", views.items, name="items"),
    path("drafts/", oversight_views.drafts, name="drafts"),
    path("compliance/", oversight_views.compliance, name="compliance"),
]

# Exports, the periodic report and its layout, scheduled reports (report_views.py).
urlpatterns += [
    path("table.<str:fmt>", report_views.table_export, name="table_export"),
    path("report/", report_views.report, name="report"),
    path("report.<str:fmt>", report_views.report_export, name="report_export"),
    path("report/layout/", report_views.layout, name="layout"),
    path("subscriptions/", report_views.subscription_list, name="subscriptions"),
    path("subscriptions/<int:pk>/remove/", report_views.subscription_remove, name="subscription_remove"),
    path("subscriptions/files/<int:pk>/", report_views.delivery, name="delivery"),
]
