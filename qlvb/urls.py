from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path

from qlvb.core.api_docs import RedocView, SchemaView, SwaggerView
from qlvb.portal.views import home

# The API documentation pages are drf-spectacular's, not ours: Swagger UI (its script served apart,
# the split view) writes its own <style> elements, ReDoc also runs an inline script and a blob:
# worker. They show the schema, nothing a user typed; the relaxation is for them alone.
swagger_docs = csp_update({"style-src-elem": ["'unsafe-inline'"]})(SwaggerView.as_view(url_name="api-schema"))
redoc_docs = csp_update({"script-src": ["'unsafe-inline'"], "style-src-elem": ["'unsafe-inline'"],
                         "worker-src": ["blob:"]})(RedocView.as_view(url_name="api-schema"))

urlpatterns = [
    path("", home, name="home"),
    path("", include("qlvb.accounts.urls")),  # before org: it answers some /org/people/… addresses
    path("org/", include("qlvb.org.urls")),
    path("incoming/print/", include("qlvb.incoming.print_urls")),
    path("incoming/", include("qlvb.incoming.urls")),
    path("outgoing/print/", include("qlvb.outgoing.print_urls")),
    path("outgoing/", include("qlvb.outgoing.urls")),
    path("exchange/", include("qlvb.exchange.urls")),
    path("digitisation/", include("qlvb.digitisation.urls")),
    path("dossiers/", include("qlvb.dossiers.urls")),
    path("registers/", include("qlvb.registers.urls")),
    path("signatures/", include("qlvb.signatures.urls")),
    path("search/", include("qlvb.search.urls")),
    path("bin/", include("qlvb.recycle.urls")),
    path("administration/", include("qlvb.administration.urls")),
    path("backups/", include("qlvb.backups.urls")),
    path("notifications/", include("qlvb.notifications.urls")),
    path("schedules/", include("qlvb.schedules.urls")),
    path("tasks/", include("qlvb.tasks.urls")),
    path("meetings/", include("qlvb.meetings.urls")),
    path("programmes/", include("qlvb.programmes.urls")),
    path("reports/", include("qlvb.reports.urls")),
    path("notices/", include("qlvb.notices.urls")),
    path("leave/", include("qlvb.leave.urls")),
    path("itstaff/", include("qlvb.itstaff.urls")),
    path("handover/", include("qlvb.handover.urls")),
    path("disclosures/", include("qlvb.disclosures.urls")),
    path("consultations/", include("qlvb.consultations.urls")),
    path("messages/", include("qlvb.messages.urls")),
    path("chat/", include("qlvb.chat.urls")),
    path("statistics/", include("qlvb.statistics.urls")),
    path("verify/", include("qlvb.verify.urls")),  # public: no sign-in (docs/verification.md)
    path("", include("qlvb.notifications.site_urls")),
    path("", include("qlvb.portal.urls")),
    path("", include("qlvb.ops.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("qlvb.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", swagger_docs, name="api-docs"),
    path("api/redoc/", redoc_docs, name="api-redoc"),
    path("django-admin/", admin.site.urls),
]
