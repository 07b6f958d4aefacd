"""Internal notices (R25): to the agency, units, positions or people; read receipts."""
from django.urls import path

from qlvb.notices import api

urlpatterns = [
    path("", api.notice_list, name="api-notices"),
    path("<int:pk>/", api.notice_detail, name="api-notice"),
    path("<int:pk>/read/", api.mark_read, name="api-notice-read"),
    path("<int:pk>/receipts/", api.receipts, name="api-notice-receipts"),
]
