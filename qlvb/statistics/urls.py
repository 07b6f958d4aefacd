from django.urls import path

from qlvb.statistics import oversight_views

app_name = "statistics"

# The pages (views.py: the dashboard, a statistic's table, the list behind a figure; exports.py and
# reports.py: Excel/PDF, the periodic report; oversight_views.py: the drafts waiting and the
# documents issued, a person's compliance figures).
urlpatterns: list = [
    path("drafts/", oversight_views.drafts, name="drafts"),
    path("compliance/", oversight_views.compliance, name="compliance"),
]
