"""The learner's game state (API.md, "Reviews, stats and leagues"): parse, call, render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gamification.rewards import achievements_list, quests_get
from gamification.selectors import stats_get
from gamification.serializers import (
    AchievementListOutputSerializer,
    QuestListOutputSerializer,
    StatsOutputSerializer,
)

_UNAUTHENTICATED = OpenApiResponse(description="Missing, invalid, expired or revoked access token.")


class StatsApi(APIView):
    @extend_schema(
        operation_id="me_stats_retrieve",
        responses={200: StatsOutputSerializer},
        summary="The caller's XP, daily goal, streak, hearts and gems, as of now",
    )
    def get(self, request: Request) -> Response:
        return Response(StatsOutputSerializer(stats_get(user=request.user)).data)


class AchievementsApi(APIView):
    @extend_schema(
        operation_id="me_achievements_list",
        responses={200: AchievementListOutputSerializer, 401: _UNAUTHENTICATED},
        summary="Every achievement with the caller's tier and progress",
    )
    def get(self, request: Request) -> Response:
        items = achievements_list(user=request.user)
        return Response(AchievementListOutputSerializer({"results": items}).data)


class QuestsApi(APIView):
    @extend_schema(
        operation_id="me_quests_list",
        responses={200: QuestListOutputSerializer, 401: _UNAUTHENTICATED},
        summary="The caller's three daily quests of their local day, with progress",
    )
    def get(self, request: Request) -> Response:
        return Response(QuestListOutputSerializer(quests_get(user=request.user)).data)
