"""Leagues (API.md, "Reviews, stats and leagues"): parse, call a selector, render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gamification.leagues.selectors import leaderboard_get, league_history, percentile_get
from gamification.leagues.serializers import (
    LeaderboardOutputSerializer,
    LeagueHistoryOutputSerializer,
    PercentileOutputSerializer,
)

_UNAUTHORIZED = OpenApiResponse(description="Not signed in.")


class LeaderboardApi(APIView):
    @extend_schema(
        operation_id="leaderboard_retrieve",
        responses={200: LeaderboardOutputSerializer, 401: _UNAUTHORIZED},
        summary="This week's standings of the caller's cohort (live: WS /ws/leaderboard/)",
    )
    def get(self, request: Request) -> Response:
        return Response(LeaderboardOutputSerializer(leaderboard_get(user=request.user)).data)


class LeaderboardHistoryApi(APIView):
    @extend_schema(
        operation_id="leaderboard_history_list",
        responses={200: LeagueHistoryOutputSerializer(many=True), 401: _UNAUTHORIZED},
        summary="The caller's closed league weeks, newest first (one row a week: not paginated)",
    )
    def get(self, request: Request) -> Response:
        rows = league_history(user=request.user)
        return Response(LeagueHistoryOutputSerializer(rows, many=True).data)


class LeaderboardPercentileApi(APIView):
    @extend_schema(
        operation_id="leaderboard_percentile_retrieve",
        responses={200: PercentileOutputSerializer, 401: _UNAUTHORIZED},
        summary="The share of this week's active learners the caller is ahead of",
    )
    def get(self, request: Request) -> Response:
        return Response(PercentileOutputSerializer(percentile_get(user=request.user)).data)
