from django.utils.translation import gettext_lazy as _

VERBS = {
    "signatures.certificate_added": _("Signing certificate added"),
    "signatures.certificate_revoked": _("Signing certificate revoked"),
    "signatures.certificate_activated": _("Signing certificate activated"),
    "signatures.certificate_deactivated": _("Signing certificate deactivated"),
    "signatures.image_added": _("Signature or seal image added"),
    "signatures.trust_anchor_added": _("Trusted certification authority added"),
    "signatures.trust_anchor_activated": _("Trusted certification authority activated"),
    "signatures.trust_anchor_deactivated": _("Trusted certification authority deactivated"),
    "signatures.settings_changed": _("Agency signing settings changed"),
    "signatures.signed": _("Document digitally signed"),
}
