"""gamification's WebSocket routes (mounted by config.routing)."""

from django.urls import path

from gamification.consumers import LeaderboardConsumer

websocket_urlpatterns = [
    path("ws/leaderboard/", LeaderboardConsumer.as_asgi()),
]
