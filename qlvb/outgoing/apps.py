from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutgoingConfig(AppConfig):
    name = "qlvb.outgoing"
    label = "outgoing"
    verbose_name = _("Outgoing documents")

    def ready(self) -> None:
        from qlvb.core import handover, kinds
        from qlvb.core.verbs import register_verbs
        from qlvb.outgoing.handover import PROVIDER
        from qlvb.outgoing.kind import KIND
        from qlvb.outgoing.verbs import VERBS

        register_verbs(VERBS)
        kinds.register(KIND)
        handover.register(PROVIDER)
        self._register_bin()
        self._register_signing()

    def _register_signing(self) -> None:
        # A signature whose key is not on the server comes back later (docs/signing.md).
        from qlvb.outgoing import remote_issue
        from qlvb.signatures import deferred

        deferred.register_finisher(remote_issue.SIGNING_KIND, remote_issue.on_completed)
        deferred.register_refusal_handler(remote_issue.SIGNING_KIND, remote_issue.on_refused)
        # A reviewer's initial (ký nháy) made by a signing service: the approval follows it.
        from qlvb.outgoing import initials

        deferred.register_finisher(initials.SESSION_KIND, initials.finish_remote)
        deferred.register_refusal_handler(initials.SESSION_KIND, initials.remote_refused)

    def _register_bin(self) -> None:
        # No document points at a template (drafts copy it): any template can go to the bin.
        from django.urls import reverse

        from qlvb.core import bin
        from qlvb.outgoing import drafting

        bin.register(bin.BinKind(
            model="outgoing.DraftTemplate", label=_("Drafting template"),
            retire=lambda by, template: drafting.retire_template(by=by, template=template),
            retire_label=_("Stop using"),
            unhide=drafting.unbin_template,
            url=lambda template: reverse("outgoing:templates"),
        ))

    def load_demo(self) -> str:
        """The office's format check in each demo agency is done by its chief of office."""
        from qlvb.org.models import Agency, Post
        from qlvb.outgoing.models import OutgoingSettings

        configured = 0
        for agency in Agency.objects.all():
            chief = (Post.objects.filter(agency=agency, end_date__isnull=True, unit__kind="office",
                                         position__kind="unit_head").select_related("person").first())
            OutgoingSettings.objects.update_or_create(agency=agency, defaults={
                "office_check": chief is not None, "office_checker": chief.person if chief else None})
            configured += 1
        return f"review loop configured in {configured} agencies"
