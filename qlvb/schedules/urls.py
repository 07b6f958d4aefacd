from django.urls import path, re_path

from qlvb.schedules import views

app_name = "schedules"
urlpatterns = [
    path("", views.calendar, name="home"),
    re_path(r"^(?P<span>day|week|month)/$", views.calendar, name="calendar"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/remove/", views.entry_remove, name="entry_remove"),
    path("entries/<int:pk>/report/", views.entry_report, name="entry_report"),
    path("entries/<int:pk>/files/<int:file_pk>/<slug:disposition>/", views.report_file, name="report_file"),
    path("entries/<int:pk>/propose/", views.entry_propose, name="entry_propose"),
    path("entries/<int:pk>/adopt/", views.entry_adopt, name="entry_adopt"),
    path("periods/<int:pk>/<slug:verb>/", views.period_action, name="period_action"),
    path("print/week.pdf", views.week_pdf, name="week_pdf"),
    path("subscriptions/", views.feeds, name="feeds"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("invitations/<int:incoming_id>/", views.invitation, name="invitation"),
]
