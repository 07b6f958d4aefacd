"""The administration pages of the apps below the hub, named here by their addresses.

The hub is on the top layer: it may name the pages of every app below it, so those apps need no
change to appear. Apps beside it on the top layer (backups, health, the bin) cannot be imported
from here: they register their own page in core.admin_pages from their AppConfig.ready(), e.g.

    admin_pages.register(AdminPage("backups", _("Backups"), _("…"), lambda p: reverse("backups:list"),
                                   scope="installation", group="data", icon="archive"))
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qlvb.core.admin_pages import AdminPage, register

# Groups in the order the hub shows them; an unknown group is shown last under "Other".
GROUPS = {
    "organisation": _("Organisation and accounts"),
    "documents": _("Documents and review flow"),
    "system": _("System"),
    "data": _("Data safety"),
}


def _own_agency(name: str, *args_from_agency: bool) -> Any:
    def url(person: Any) -> str | None:
        if not person.agency_id:
            return None
        return reverse(name, args=[person.agency_id]) if args_from_agency else reverse(name)
    return url


def _fixed(name: str) -> Any:
    return lambda person: reverse(name)


def register_pages() -> None:
    for page in [
        AdminPage("agency", _("Agency"), _("Name, code, abbreviation used in notations, units and positions."),
                  _own_agency("org:agency", True), group="organisation", icon="building", order=10),
        AdminPage("people", _("People and accounts"), _("Accounts, posts, passwords, locks."),
                  _own_agency("org:people"), group="organisation", icon="people", order=20),
        AdminPage("fields", _("Fields and signing"), _("Fields of work and who signs what."),
                  _own_agency("org:fields"), group="organisation", icon="tags", order=30),
        AdminPage("agencies", _("All agencies"), _("The agencies of this installation."),
                  _fixed("org:agencies"), scope="installation", group="organisation", icon="buildings", order=40),
        AdminPage("flow", _("Review flow"), _("Days for each review, the office's format check, the place "
                                              "name in the date line."),
                  _fixed("administration:flow_home"), group="documents", icon="diagram-2", order=50),
        AdminPage("registers", _("Registers and notations"), _("Rename, order, retire registers; how numbers "
                                                               "and notations are made."),
                  _own_agency("registers:list"), group="documents", icon="journal-bookmark", order=60),
        AdminPage("templates", _("Drafting templates"), _("The agency's Word templates for drafts."),
                  _own_agency("outgoing:templates"), group="documents", icon="file-earmark-text", order=70),
        AdminPage("report_layout", _("Periodic report layout"), _("Title, heading lines, sections, columns and "
                                                                  "signature of the report of document handling."),
                  _fixed("statistics:layout"), group="documents", icon="file-earmark-bar-graph", order=75),
        AdminPage("leave_rules", _("Leave rules"), _("Who approves how many days of leave, the notice, the annual "
                                                    "days and how long unused leave is kept (001 Đ18)."),
                  _own_agency("leave:rules"), group="organisation", icon="calendar2-week", order=35),
        AdminPage("mailbox", _("Official mailbox"), _("The agency's mailbox read for edXML packages."),
                  _own_agency("exchange:mailbox"), group="documents", icon="envelope", order=80),
        AdminPage("parameters", _("System parameters"), _("Sign-in limits and other values that can change "
                                                          "while the system runs."),
                  _fixed("administration:parameters"), scope="installation", group="system", icon="sliders",
                  order=90),
        AdminPage("calendar", _("Working days"), _("Holidays, days off and make-up working days that "
                                                   "deadlines follow."),
                  _fixed("portal:calendar"), group="system", icon="calendar3", order=100),
        AdminPage("directory", _("Directory of agencies"), _("The national list of agency codes used for "
                                                             "issuers and exchange."),
                  _fixed("org:agency_directory"), scope="installation", group="system", icon="list-columns",
                  order=110),
        AdminPage("peers", _("Exchange peers"), _("Other installations this one exchanges documents with."),
                  _fixed("exchange:peers"), scope="installation", group="system", icon="hdd-network", order=120),
        AdminPage("axis", _("National document-exchange axis"), _("The connection to the national axis, what "
                                                                  "waits, what failed, the directory of agencies."),
                  _fixed("exchange:axis"), scope="installation", group="system", icon="diagram-3", order=125),
        AdminPage("trust", _("Trusted certification authorities"), _("Root and intermediate CAs signatures are "
                                                                     "checked against (VGCA, NEAC…)."),
                  _fixed("signatures:trust"), scope="installation", group="system", icon="patch-check", order=115),
        AdminPage("signing", _("Digital signatures of the agency"), _("Long-term validation data (PAdES B-LT) "
                                                                     "in issued documents."),
                  _own_agency("signatures:agency_settings", True), group="documents", icon="pen", order=85),
        AdminPage("audit", _("Audit log"), _("Sign-ins, sign-outs and every action, with who and when."),
                  _fixed("portal:audit"), group="system", icon="shield-check", order=130),
    ]:
        register(page)
