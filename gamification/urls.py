from django.urls import path

from gamification.api import StatsApi

urlpatterns = [
    path("me/stats/", StatsApi.as_view(), name="me-stats"),
]
