from django.urls import path

from qlvb.statistics import api

urlpatterns = [
    path("figures/", api.figures, name="api-statistics-figures"),
    path("items/", api.items, name="api-statistics-items"),
    path("drafts/", api.drafts, name="api-statistics-drafts"),
    path("compliance/", api.compliance, name="api-statistics-compliance"),
    path("scopes/", api.scope_list, name="api-statistics-scopes"),
]
