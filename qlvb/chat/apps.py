from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "qlvb.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from qlvb.chat.kind import KIND
        from qlvb.chat.live import broadcast
        from qlvb.chat.verbs import VERBS
        from qlvb.core import events, kinds
        from qlvb.core.verbs import register_verbs

        register_verbs(VERBS)
        # Who may enter a room, its files and what search finds of it (core.kinds).
        kinds.register(KIND)
        # A message committed goes out at once to the room's open sockets (live.py).
        events.subscribe("chat.message_posted", after_commit=True)(broadcast)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation and the documents are in place."""
        from qlvb.chat.demo import load

        return f"{load()} sample chat rooms"
