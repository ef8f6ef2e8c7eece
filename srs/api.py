"""Reviews (API.md, "Reviews, stats and leagues"): parse, call a service or selector, render."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from srs import selectors, services
from srs.serializers import (
    AnswerInputSerializer,
    AnswerOutputSerializer,
    DueOutputSerializer,
    DueQuerySerializer,
    ForecastOutputSerializer,
    ForecastQuerySerializer,
    ReviewSettingsSerializer,
)


class DueApi(APIView):
    @extend_schema(
        operation_id="reviews_due",
        parameters=[DueQuerySerializer],
        responses={200: DueOutputSerializer},
        summary="Cards due now within today's limits, most overdue first, each as an exercise",
    )
    def get(self, request: Request) -> Response:
        query = DueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = selectors.due_reviews_get(
            user=request.user, limit=query.validated_data["limit"], now=timezone.now()
        )
        return Response(body)


class AnswerApi(APIView):
    @extend_schema(
        operation_id="reviews_answer",
        parameters=[OpenApiParameter("card", int, OpenApiParameter.PATH)],
        request=AnswerInputSerializer,
        responses={
            200: AnswerOutputSerializer,
            400: OpenApiResponse(description="`invalid`, `rating_required` or `invalid_answer`."),
            404: OpenApiResponse(description="`card_not_found`: no card of the caller's."),
            409: OpenApiResponse(description="`card_suspended` or `card_not_due`."),
        },
        summary="Answer a due card's exercise (or rate it); the card is scheduled by FSRS",
    )
    def post(self, request: Request, card: int) -> Response:
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.card_answer(user=request.user, card_id=card, **data.validated_data)
        return Response(AnswerOutputSerializer(outcome).data)


class ForecastApi(APIView):
    @extend_schema(
        operation_id="reviews_forecast",
        parameters=[ForecastQuerySerializer],
        responses={200: ForecastOutputSerializer},
        summary="How many cards fall due on each of the next N local days (overdue: today)",
    )
    def get(self, request: Request) -> Response:
        query = ForecastQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = query.validated_data["days"]
        forecast = selectors.review_forecast(user=request.user, days=days)
        return Response(ForecastOutputSerializer({"days": days, "results": forecast}).data)


class SettingsApi(APIView):
    @extend_schema(
        operation_id="reviews_settings_retrieve",
        responses={200: ReviewSettingsSerializer},
        summary="The caller's review settings (the defaults until changed)",
    )
    def get(self, request: Request) -> Response:
        settings = selectors.review_settings_get(user=request.user)
        return Response(ReviewSettingsSerializer(settings).data)

    @extend_schema(
        operation_id="reviews_settings_update",
        request=ReviewSettingsSerializer,
        responses={
            200: ReviewSettingsSerializer,
            400: OpenApiResponse(
                description="`invalid`: a value out of range, or new cards a day above reviews "
                "a day, or FSRS parameters out of their bounds (see `fields`)."
            ),
        },
        summary="Change some of the caller's review settings",
    )
    def patch(self, request: Request) -> Response:
        data = ReviewSettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        settings = services.review_settings_update(user=request.user, **data.validated_data)
        return Response(ReviewSettingsSerializer(settings).data)
