"""Leave and overtime (R23): requests, approvals, balance, the office's register, overtime."""
from django.urls import path

from qlvb.leave import api

urlpatterns = [
    path("", api.leave_list, name="api-leave"),
    path("<int:pk>/", api.leave_detail, name="api-leave-detail"),
    path("<int:pk>/decide/", api.decide, name="api-leave-decide"),
    path("<int:pk>/cancel/", api.cancel, name="api-leave-cancel"),
    path("<int:pk>/cover/", api.cover, name="api-leave-cover"),
    path("approvals/", api.approvals, name="api-leave-approvals"),
    path("balance/", api.balance, name="api-leave-balance"),
    path("register/", api.register, name="api-leave-register"),
    path("overtime/", api.overtime, name="api-overtime"),
    path("rules/", api.agency_rules, name="api-leave-rules"),
]
