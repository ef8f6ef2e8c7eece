from django.urls import path

from social.api import (
    BlockApi,
    FeedApi,
    FollowApi,
    FollowersApi,
    FollowingApi,
    ProfileApi,
    UsersSearchApi,
)

urlpatterns = [
    path("users/", UsersSearchApi.as_view(), name="users-search"),
    path("users/<str:username>/", ProfileApi.as_view(), name="user-profile"),
    path("users/<str:username>/follow/", FollowApi.as_view(), name="user-follow"),
    path("users/<str:username>/block/", BlockApi.as_view(), name="user-block"),
    path("me/following/", FollowingApi.as_view(), name="me-following"),
    path("me/followers/", FollowersApi.as_view(), name="me-followers"),
    path("feed/", FeedApi.as_view(), name="feed"),
]
