"""Printouts of incoming documents; included at incoming/print/ with the namespace incoming_print."""

from django.urls import path

from qlvb.incoming import print_views

app_name = "incoming_print"
urlpatterns = [
    path("", print_views.index, name="index"),
    path("<int:pk>/slip.pdf", print_views.slip, name="slip"),
    path("register.pdf", print_views.register_pdf, name="register_pdf"),
    path("register.xlsx", print_views.register_xlsx, name="register_xlsx"),
    path("follow-up.pdf", print_views.followup_pdf, name="followup_pdf"),
    path("follow-up.xlsx", print_views.followup_xlsx, name="followup_xlsx"),
]
