from django.contrib import admin

from social.models import Block, FeedEvent, Follow


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "followee", "created_at"]
    raw_id_fields = ["follower", "followee"]
    list_select_related = ["follower", "followee"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]
    list_select_related = ["blocker", "blocked"]


@admin.register(FeedEvent)
class FeedEventAdmin(admin.ModelAdmin):
    list_display = ["actor", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["actor"]
    list_select_related = ["actor"]
