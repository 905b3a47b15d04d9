from django.contrib import admin

from .models import FocalPoint


@admin.register(FocalPoint)
class FocalPointAdmin(admin.ModelAdmin):
    list_display = ["user", "economy", "organization", "role", "created_at"]
    list_filter = ["role", "economy__region"]
    search_fields = ["user__username", "user__email", "economy__name_en", "organization__name_en"]
    autocomplete_fields = ["user", "economy", "organization"]
