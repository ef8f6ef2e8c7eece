"""What the league tests read of cohorts."""

from django.db.models import Count

from gamification.leagues.models import LeagueCohort


def cohort_places() -> dict[tuple[str, int], tuple[int, int]]:
    """(league, number) of each cohort: (members, places still free)."""
    rows = LeagueCohort.objects.annotate(
        taken=Count("members", distinct=True), free=Count("seats", distinct=True)
    ).values_list("league", "number", "taken", "free")
    return {(league, number): (taken, free) for league, number, taken, free in rows}
