from django.utils.translation import gettext_lazy as _

VERBS = {
    "notice.published": _("Notice published"),
    "notice.read": _("Notice read"),
    "notice.pinned": _("Notice pinned"),
    "notice.unpinned": _("Notice unpinned"),
}
