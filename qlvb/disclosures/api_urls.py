"""The disclosure register (002 Đ20–Đ21): what is disclosed to the staff, by when, how."""
from django.urls import path

from qlvb.disclosures import api

urlpatterns = [
    path("", api.disclosure_list, name="api-disclosures"),
    path("export/", api.export, name="api-disclosures-export"),
    path("<int:pk>/", api.disclosure_detail, name="api-disclosure"),
]
