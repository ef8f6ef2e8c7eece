from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

    def ready(self) -> None:
        from accounts.registry import exporter_register
        from gamification import checks  # noqa: F401  (registers the system checks)
        from gamification.rewards import achievement_unlocked_hook_register
        from gamification.selectors import gamification_export, profile_stats
        from gamification.social_links import (
            feed_achievement_unlocked,
            followers_count_update,
            profile_achievements,
        )
        from social.registry import follow_listener_register, profile_provider_register

        exporter_register("gamification", gamification_export)
        profile_provider_register("gamification.stats", profile_stats)
        profile_provider_register("gamification.achievements", profile_achievements)
        achievement_unlocked_hook_register("social.feed", feed_achievement_unlocked)
        follow_listener_register("gamification.followers", followers_count_update)

        from config.jobs import job_register
        from gamification.leagues.selectors import profile_league
        from gamification.leagues.services import league_week_close

        profile_provider_register("gamification.league", profile_league)
        job_register(
            "league_week_close",
            league_week_close,
            description="hourly: closes the league weeks that ended (Monday 00:00 UTC) and are "
            "not closed yet; refreshes this week's Redis ranking",
        )
