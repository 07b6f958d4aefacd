from django.urls import path, re_path

from qlvb.accounts import views

# Mounted at the root, ahead of org: the account buttons of org's people pages keep their
# /org/people/… addresses, and org's own catch-all person action never sees these.
app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/login/code/", views.login_totp_view, name="login_totp"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password/", views.password_change_view, name="password_change"),
    path("accounts/security/", views.security_view, name="security"),
    path("accounts/security/sessions/end/", views.end_other_sessions_view, name="end_sessions"),
    path("accounts/security/totp/", views.totp_setup_view, name="totp_setup"),
    path("accounts/security/totp/off/", views.totp_disable_view, name="totp_disable"),
    path("accounts/security/tokens/", views.token_create_view, name="token_create"),
    path("accounts/security/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("org/people/new/", views.person_create, name="person_create"),
    re_path(r"^org/people/(?P<pk>[0-9]+)/(?P<action>lock|unlock|reset|activate|deactivate|totp_off)/$",
            views.person_action, name="person_action"),
]
