from django.utils.translation import gettext_lazy as _

VERBS = {
    "chat.room_opened": _("Chat room opened"),
    "chat.message_posted": _("Chat message posted"),
}
