from django.urls import path

from qlvb.leave import views

app_name = "leave"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/cover/", views.cover, name="cover"),
    path("approvals/", views.approvals, name="approvals"),
    path("register/", views.register, name="register"),
    path("overtime/", views.overtime, name="overtime"),
    path("people/<int:pk>/", views.person_balance, name="person"),
    path("people/<int:pk>/service-start/", views.service_start, name="service_start"),
    path("carry-over/", views.carry_over, name="carry_over"),
    path("rules/", views.agency_rules, name="rules"),
]
