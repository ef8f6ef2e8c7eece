"""`WS /ws/leaderboard/`: the learner's live league standings. Transport only: the standings come
from `gamification.leagues.selectors`, the pushes from `gamification.leagues.membership` after
each award commits.

Messages sent: `{"type": "standings", ...}` with the body of `GET leaderboard/`, on connect and
after every award in the learner's cohort. Most awards reach the socket as one member's new XP
(`standing.raised`, no database read on either side) and are re-ranked here by
`selectors.leaderboard_apply`; a learner joining the cohort sends the whole standings.

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
from django.utils import timezone

from gamification.leagues.membership import cohort_group, user_group, week_of
from gamification.leagues.selectors import leaderboard_apply, leaderboard_json, leaderboard_of

CLOSE_WEEK_OVER = 4410


def _seconds_until(moment: datetime) -> float:
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


@database_sync_to_async
def _leaderboard(user) -> tuple[int | None, dict, dict, datetime]:
    cohort_id, body, reached = leaderboard_of(user_id=user.pk, week_start=week_of(timezone.now()))
    return cohort_id, leaderboard_json(body), reached, body["week_end"]


class LeaderboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        user = self.scope["user"]
        self.groups_joined: list[str] = []
        self.cohort_id, self.body, self.reached, week_end = await _leaderboard(user)
        if self.cohort_id is None:
            await self._follow(user_group(user.pk))
        else:
            await self._follow(cohort_group(self.cohort_id))
        await self.send_json({"type": "standings", **self.body})
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
        """A cohort's whole standings (someone joined it); on the learner's own group, their
        first XP of the week: from then on the socket follows that cohort."""
        group = cohort_group(event["cohort"])
        if group not in self.groups_joined:
            await self._follow(group)
        self.cohort_id, self.body, self.reached = (
            event["cohort"],
            event["standings"],
            event["reached"],
        )
        await self.send_json({"type": "standings", **self.body})

    async def standing_raised(self, event):
        """One member's new weekly XP: the standings re-ranked here, read afresh when the member
        is unknown to this socket (a message it missed)."""
        if event["cohort"] != self.cohort_id:
            return
        applied = leaderboard_apply(
            self.body,
            self.reached,
            user=event["user"],
            xp=event["xp"],
            reached_at=event["reached_at"],
        )
        if applied is None:
            self.cohort_id, self.body, self.reached, _ = await _leaderboard(self.scope["user"])
        elif applied[0] is self.body:
            return
        else:
            self.body, self.reached = applied
        await self.send_json({"type": "standings", **self.body})
