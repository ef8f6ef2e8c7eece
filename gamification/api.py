"""The learner's game state (API.md, "Reviews, stats and leagues"): parse, call, render."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gamification.selectors import stats_get
from gamification.serializers import StatsOutputSerializer


class StatsApi(APIView):
    @extend_schema(
        operation_id="me_stats_retrieve",
        responses={200: StatsOutputSerializer},
        summary="The caller's XP, daily goal, streak, hearts and gems, as of now",
    )
    def get(self, request: Request) -> Response:
        return Response(StatsOutputSerializer(stats_get(user=request.user)).data)
