"""The search index (tra cứu, R28): one `SearchEntry` per document of a registered kind
(core.kinds: incoming and outgoing documents, dossiers).

An entry holds the filter columns copied from its document (so a filtered search never joins the
documents), a display title, and `body`: the original text of every field and of every file,
version and attachment. The full-text index is built over the *folded* copy (qlvb.core.text.fold:
no tone or vowel marks, đ→d, lower case), so `đôn đốc`, `don doc` and `ĐÔN ĐỐC` are the same
words:

- SQLite: an FTS5 table `search_fts(title, body)` whose rowid is the entry's id, created by the
  migration only on SQLite;
- PostgreSQL: a `vector` tsvector column over the same folded words (weight A for the title, D for
  the rest) with a GIN index, and a trigram index on `title_folded` for fuzzy matches, created
  only on PostgreSQL.

The services keep the index current (qlvb.search.services); `manage.py rebuild_search_index`
rebuilds it from the documents.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        INCOMING = "incoming", _("Incoming")
        OUTGOING = "outgoing", _("Outgoing")
        DOSSIER = "dossier", _("Dossier")

    kind = models.CharField(max_length=20, choices=Kind.choices)  # a registered kind's name (core.kinds)
    document_id = models.PositiveIntegerField()
    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(max_length=4, blank=True)
    issuer = models.CharField(max_length=200, blank=True)
    issuer_folded = models.CharField(max_length=200, blank=True)
    register_id = models.PositiveIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    urgency = models.CharField(max_length=12, blank=True)
    secrecy = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=12, blank=True)
    unit_id = models.PositiveIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=600)
    title_folded = models.CharField(max_length=600, blank=True)
    body = models.TextField(blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "document_id"], name="search_entry_document")]
        # Covering indexes: a filtered search collects the entries it allows (filters + who may
        # open them) from the index alone, without reading a million rows with their text.
        indexes = [
            models.Index(fields=["agency", "-date", "kind", "status", "secrecy", "doc_type", "urgency", "document_id"],
                         name="search_agency_date"),
            models.Index(fields=["agency", "doc_type", "-date", "kind", "status", "secrecy", "urgency", "document_id"],
                         name="search_agency_type_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}: {self.title[:80]}"

    @property
    def kind_label(self) -> str:
        """The kind's name for people, from the registry (core.kinds)."""
        try:
            return str(kinds.get(self.kind).label)
        except KeyError:  # an entry of an app no longer installed, until the next rebuild
            return self.get_kind_display()


class SavedSearch(models.Model):
    """A person's named search: the query string and the filters, run again from the list."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(max_length=1000, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "name"], name="saved_search_unique_name")]

    def __str__(self) -> str:
        return self.name
