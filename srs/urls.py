from django.urls import path

from srs.api import AnswerApi, DueApi, ForecastApi, SettingsApi

urlpatterns = [
    path("reviews/due/", DueApi.as_view(), name="reviews-due"),
    path("reviews/forecast/", ForecastApi.as_view(), name="reviews-forecast"),
    path("reviews/settings/", SettingsApi.as_view(), name="reviews-settings"),
    path("reviews/<int:card>/answer/", AnswerApi.as_view(), name="reviews-answer"),
]
