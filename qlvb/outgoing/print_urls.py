"""Printouts of outgoing documents; included at outgoing/print/ with the namespace outgoing_print."""

from django.urls import path

from qlvb.outgoing import print_views

app_name = "outgoing_print"
urlpatterns = [
    path("", print_views.index, name="index"),
    path("register.pdf", print_views.register_pdf, name="register_pdf"),
    path("register.xlsx", print_views.register_xlsx, name="register_xlsx"),
    path("postal.pdf", print_views.postal_pdf, name="postal_pdf"),
    path("postal.xlsx", print_views.postal_xlsx, name="postal_xlsx"),
]
