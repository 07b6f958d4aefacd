from django.urls import path  # noqa: F401 - the views add their paths here

app_name = "statistics"

# The pages (views.py: the dashboard, a statistic's table, the list behind a figure, the drafts
# waiting, a person's compliance figures; exports.py and reports.py: Excel/PDF, the periodic report).
urlpatterns: list = []
