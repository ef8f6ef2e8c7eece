"""Learners taking whole lessons and reviews, for Locust (run by `manage.py bench_load`).

Each simulated learner is one of the learners bench_load built (signed in, enrolled, with review
cards due), read from the JSON file named by BENCH_LOAD_DATA. One round of a learner: start the
next lesson of the course, answer each of its exercises right, complete it, look at the stats and
the course path, then review the first due card. Between requests a learner thinks for half a
second to a second and a half, so the rate grows with the number of learners.

Requests are named by route (`/api/v1/sessions/[id]/answers/`), so the statistics group them.
"""

import itertools
import json
import os

from locust import HttpUser, between, task

with open(os.environ["BENCH_LOAD_DATA"]) as data_file:
    DATA = json.load(data_file)
_LEARNERS = itertools.count()
# X-Forwarded-Proto from 127.0.0.1 (a proxy uvicorn trusts): counts as https, as behind a balancer.
_HEADERS = {"X-Forwarded-Proto": "https"}


class Learner(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        learner = DATA["learners"][next(_LEARNERS) % len(DATA["learners"])]
        self.client.headers.update(_HEADERS | {"Authorization": f"Bearer {learner['access']}"})
        self.lesson_index = 0

    @task
    def lesson_then_review(self):
        lesson = DATA["lesson_ids"][self.lesson_index % len(DATA["lesson_ids"])]
        with self.client.post(
            f"/api/v1/lessons/{lesson}/sessions/",
            name="/api/v1/lessons/[id]/sessions/",
            catch_response=True,
        ) as started:
            if started.status_code != 201:
                started.failure(f"{started.status_code}: {started.text[:200]}")
                return
            session = started.json()
        for exercise in session["exercises"]:
            self.wait()
            self.client.post(
                f"/api/v1/sessions/{session['id']}/answers/",
                json={
                    "exercise": exercise["id"],
                    "answer": {"text": DATA["answers"][str(exercise["id"])]},
                },
                name="/api/v1/sessions/[id]/answers/",
            )
        self.wait()
        self.client.post(
            f"/api/v1/sessions/{session['id']}/complete/", name="/api/v1/sessions/[id]/complete/"
        )
        self.lesson_index += 1
        self.wait()
        self.client.get("/api/v1/me/stats/")
        self.wait()
        self.client.get(f"/api/v1/courses/{DATA['course']}/", name="/api/v1/courses/[slug]/")
        self.wait()
        due = self.client.get("/api/v1/reviews/due/?limit=5", name="/api/v1/reviews/due/")
        cards = due.json().get("results", []) if due.status_code == 200 else []
        if cards:
            self.wait()
            self.client.post(
                f"/api/v1/reviews/{cards[0]['card']}/answer/",
                json={"rating": 3},
                name="/api/v1/reviews/[card]/answer/",
            )
