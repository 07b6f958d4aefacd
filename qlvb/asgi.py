"""The ASGI application: Django's pages, and the chat's WebSockets (qlvb.chat) signed in by the
session cookie. `manage.py runserver` serves both (daphne); in production nginx sends /ws/ to
daphne (Makefile `serve`, docs/deploy/nginx.conf) and everything else to gunicorn."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
django_application = get_asgi_application()  # before anything imports models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from qlvb.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_application,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
