"""`WS /ws/leaderboard/`: the learner's live league standings. Transport only: the standings come
from `gamification.leagues.selectors`, the pushes from `gamification.leagues.membership` after
each award commits.

Messages sent: `{"type": "standings", ...}` with the body of `GET leaderboard/`, on connect and
after every award in the learner's cohort.

A learner with no cohort yet this week is not refused: they get the standings with `league` null
and the socket waits for their own first XP, which puts them in a cohort and sends its standings
at once. A client can thus show "earn XP to join this week's league" and go live with no retry
loop; refusing would leave it polling or reconnecting until the learner studies.

Close codes (the socket is accepted first, so a browser sees the code rather than a failed
handshake):
- 4401: no valid access token (`accounts.websocket`): refresh it and reconnect;
- 4410: the league week is over: reconnect for the new week's standings.
"""

import asyncio
from datetime import UTC, datetime

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from gamification.leagues.membership import cohort_group, user_group
from gamification.leagues.selectors import leaderboard_get, leaderboard_json, league_cohort_of

CLOSE_WEEK_OVER = 4410


def _seconds_until(moment: datetime) -> float:
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


@database_sync_to_async
def _leaderboard(user) -> tuple[dict, datetime, int | None]:
    body = leaderboard_get(user=user)
    cohort = None
    if body["league"] is not None:
        cohort = league_cohort_of(user=user, week_start=body["week_start"].date())
    return leaderboard_json(body), body["week_end"], cohort.pk if cohort else None


class LeaderboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        user = self.scope["user"]
        self.groups_joined: list[str] = []
        body, week_end, cohort_id = await _leaderboard(user)
        if cohort_id is None:
            await self._follow(user_group(user.pk))
        else:
            await self._follow(cohort_group(cohort_id))
        await self.send_json({"type": "standings", **body})
        self.week_over = asyncio.get_running_loop().call_later(
            _seconds_until(week_end),
            lambda: asyncio.ensure_future(self.close(code=CLOSE_WEEK_OVER)),
        )

    async def _follow(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.append(group)

    async def disconnect(self, code):
        if getattr(self, "week_over", None) is not None:
            self.week_over.cancel()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def standings_push(self, event):
        """A cohort's standings after an award; on the learner's own group, their first XP of
        the week: from then on the socket follows that cohort."""
        group = cohort_group(event["cohort"])
        if group not in self.groups_joined:
            await self._follow(group)
        await self.send_json({"type": "standings", **event["standings"]})
