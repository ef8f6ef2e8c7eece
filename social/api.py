"""The social API (API.md, "Economy and social"): parse, call a service or selector, render."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.pagination import CursorPagination, PageNumberPagination
from social.selectors import (
    feed_get,
    followers_list,
    following_list,
    profile_get,
    profiles_render,
    users_search,
)
from social.serializers import FeedEventOutputSerializer, ProfileOutputSerializer
from social.services import block_create, block_delete, follow_create, follow_delete

TAG = "social"
_UNAUTHENTICATED = OpenApiResponse(description="Missing, invalid, expired or revoked access token.")
_NOT_FOUND = OpenApiResponse(
    description="`not_found`: no such learner, or one the caller may not see (private, or who "
    "blocked the caller)."
)


class FeedPagination(CursorPagination):
    """Keyset pages: no COUNT over the followed learners' history, and no item skipped or
    repeated when new events arrive while the learner scrolls."""

    ordering = ("-created_at", "-id")


class _ProfilesListApi(APIView):
    pagination_class = PageNumberPagination

    def _page(self, request: Request, queryset) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = ProfileOutputSerializer(
            profiles_render(viewer=request.user, users=page), many=True
        ).data
        return paginator.get_paginated_response(data)


class UsersSearchApi(_ProfilesListApi):
    @extend_schema(
        tags=[TAG],
        operation_id="users_search",
        summary="Public profiles whose username starts with the prefix",
        parameters=[
            OpenApiParameter(
                "search",
                {"type": "string", "minLength": 3},
                required=True,
                description="3+ characters",
            )
        ],
        responses={
            200: ProfileOutputSerializer(many=True),
            400: OpenApiResponse(description="`search_too_short`"),
            401: _UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> Response:
        queryset = users_search(viewer=request.user, prefix=request.query_params.get("search", ""))
        return self._page(request, queryset)


class FollowingApi(_ProfilesListApi):
    @extend_schema(
        tags=[TAG],
        operation_id="me_following_list",
        summary="The learners the caller follows",
        responses={200: ProfileOutputSerializer(many=True), 401: _UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        return self._page(request, following_list(user=request.user))


class FollowersApi(_ProfilesListApi):
    @extend_schema(
        tags=[TAG],
        operation_id="me_followers_list",
        summary="The learners who follow the caller",
        responses={200: ProfileOutputSerializer(many=True), 401: _UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        return self._page(request, followers_list(user=request.user))


class ProfileApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="users_retrieve",
        summary="A learner's public profile",
        responses={200: ProfileOutputSerializer, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
    )
    def get(self, request: Request, username: str) -> Response:
        return Response(
            ProfileOutputSerializer(profile_get(viewer=request.user, username=username)).data
        )


class FollowApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="users_follow",
        summary="Follow a learner (200 when already following)",
        request=None,
        responses={
            201: ProfileOutputSerializer,
            200: ProfileOutputSerializer,
            400: OpenApiResponse(description="`cannot_follow_self`"),
            401: _UNAUTHENTICATED,
            404: _NOT_FOUND,
            409: OpenApiResponse(description="`user_blocked`: the caller blocked them"),
        },
    )
    def post(self, request: Request, username: str) -> Response:
        _, created = follow_create(follower=request.user, username=username)
        data = profile_get(viewer=request.user, username=username)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ProfileOutputSerializer(data).data, status=code)

    @extend_schema(
        tags=[TAG],
        operation_id="users_unfollow",
        summary="Stop following a learner",
        responses={204: None, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
    )
    def delete(self, request: Request, username: str) -> Response:
        follow_delete(follower=request.user, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="users_block",
        summary="Block a learner: the follows between you go, and they can no longer follow, "
        "find or see you (200 when already blocked)",
        request=None,
        responses={
            201: None,
            200: None,
            400: OpenApiResponse(description="`cannot_block_self`"),
            401: _UNAUTHENTICATED,
            404: _NOT_FOUND,
        },
    )
    def post(self, request: Request, username: str) -> Response:
        created = block_create(blocker=request.user, username=username)
        return Response(status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        tags=[TAG],
        operation_id="users_unblock",
        summary="Unblock a learner",
        responses={204: None, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
    )
    def delete(self, request: Request, username: str) -> Response:
        block_delete(blocker=request.user, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedApi(APIView):
    pagination_class = FeedPagination

    @extend_schema(
        tags=[TAG],
        operation_id="feed_list",
        summary="What the caller and those they follow did, newest first (cursor pages)",
        responses={200: FeedEventOutputSerializer(many=True), 401: _UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(feed_get(user=request.user), request, view=self)
        return paginator.get_paginated_response(FeedEventOutputSerializer(page, many=True).data)
