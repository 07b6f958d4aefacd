from django.urls import path

from qlvb.outgoing import joint_views, views

app_name = "outgoing"
urlpatterns = [
    path("", views.work_list, name="home"),
    path("list/<slug:name>/", views.work_list, name="list"),
    path("new/", views.create, name="create"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/retire/", views.retire_template, name="retire_template"),
    path("templates/built-in/<str:doc_type>.docx", views.builtin_template, name="builtin_template"),
    path("joint/", joint_views.joint_list, name="joint_list"),
    path("joint/list/<slug:name>/", joint_views.joint_list, name="joint_list_named"),
    path("joint/<int:pk>/", joint_views.joint_detail, name="joint_detail"),
    path("joint/<int:pk>/file/<slug:disposition>/", joint_views.joint_file, name="joint_file"),
    path("joint/<int:pk>/<slug:verb>/", joint_views.joint_action, name="joint_action"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/versions/<int:number>/<slug:disposition>/", views.version_file, name="version_file"),
    path("<int:pk>/issued/<slug:disposition>/", views.issued_file, name="issued_file"),
    path("<int:pk>/initials/<int:initial_pk>/", views.initial_file, name="initial_file"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_file, name="attachment_file"),
    path("<int:pk>/issue/preview/", views.issue_preview, name="issue_preview"),
    path("<int:pk>/issue/preview/file/", views.issue_preview_file, name="issue_preview_file"),
    path("<int:pk>/<slug:verb>/", views.action, name="action"),
]
