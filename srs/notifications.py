"""Push notifications: one function for the services, one setting for the transport.

`SRS_PUSH_BACKEND` names a function `(*, user, title, body)`. The default only logs, so nothing
is sent until a deployment plugs in its provider (FCM, APNs, a web push service).
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def log_push(*, user, title: str, body: str) -> None:
    logger.info("Push to learner %s: %s: %s", user.pk, title, body)


def send_push(user, title: str, body: str) -> None:
    backend = import_string(settings.SRS_PUSH_BACKEND)
    backend(user=user, title=title, body=body)
