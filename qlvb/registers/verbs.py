from django.utils.translation import gettext_lazy as _

VERBS = {
    "register.updated": _("Register changed"),
    "register.retired": _("Register retired"),
    "register.reopened": _("Register opened again"),
}
