from django.contrib import admin

from qlvb.org.models import Agency, Person, Position, Unit


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "abbreviation", "name", "parent"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "agency", "parent"]
    list_filter = ["agency"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agency"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "agency", "is_active", "locked_at"]
    search_fields = ["username", "full_name"]
    exclude = ["password"]
