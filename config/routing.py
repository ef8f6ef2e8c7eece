"""WebSocket routes of every app, mounted under /ws/."""

from channels.generic.websocket import WebsocketConsumer

from gamification.routing import websocket_urlpatterns as gamification_routes

# The WebSocket counterpart of a 404: a close code a client can act on.
CLOSE_NOT_FOUND = 4404

websocket_urlpatterns: list = [*gamification_routes]


class NoRouteConsumer(WebsocketConsumer):
    """What a path with no consumer gets: accepted, then closed with 4404 at once.

    A handshake refused outright reaches a browser as a bare failure; a close code says why.
    """

    def connect(self):
        self.accept()
        self.close(code=CLOSE_NOT_FOUND)
