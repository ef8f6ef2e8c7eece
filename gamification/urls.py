from django.urls import path

from gamification.api import AchievementsApi, QuestsApi, StatsApi

urlpatterns = [
    path("me/stats/", StatsApi.as_view(), name="me-stats"),
    path("me/achievements/", AchievementsApi.as_view(), name="me-achievements"),
    path("me/quests/", QuestsApi.as_view(), name="me-quests"),
]
