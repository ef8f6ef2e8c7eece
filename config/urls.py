import re

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as accounts_views
from config import health, media
from config.api.exceptions import api_not_found

# The admin signs in through allauth's pages: one login policy (accounts.throttling) and the
# second factor of staff who turned TOTP on; its own form would check the password alone.
admin.site.login = secure_admin_login(admin.site.login)

# Django tries patterns in order, and resolving was a tenth of `GET me/stats/` in-process
# (cProfile): the apps of the hot paths (answers, stats, the path, reviews) come first. No two
# apps' patterns match the same path, so the order changes nothing else.
api_v1 = [
    path("", include("progress.urls")),
    path("", include("gamification.urls")),
    path("", include("srs.urls")),
    path("", include("courses.urls")),
    path("", include("accounts.urls")),
    path("", include("social.urls")),
    path("", include("classrooms.api_urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("admin/", admin.site.urls),
    # Served by the app with DEBUG off too: config/media.py says why and how.
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
        media.media_serve,
        name="media",
    ),
    path("accounts/", include("allauth.urls")),
    path("start/", accounts_views.landing, name="landing"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("teach/", include("classrooms.urls")),
    path("learn/", include("learn.urls")),
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    re_path(r"^api/", api_not_found),
]

handler400 = "config.api.exceptions.handler400"
handler403 = "config.api.exceptions.handler403"
handler404 = "config.api.exceptions.handler404"
handler500 = "config.api.exceptions.handler500"
