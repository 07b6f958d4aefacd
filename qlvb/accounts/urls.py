from django.urls import path

from qlvb.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_totp_view, name="login_totp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("security/", views.security_view, name="security"),
    path("security/sessions/end/", views.end_other_sessions_view, name="end_sessions"),
    path("security/totp/", views.totp_setup_view, name="totp_setup"),
    path("security/totp/off/", views.totp_disable_view, name="totp_disable"),
    path("security/tokens/", views.token_create_view, name="token_create"),
    path("security/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
