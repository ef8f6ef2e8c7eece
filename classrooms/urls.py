"""The teacher pages under /teach/: none yet (classrooms come with their own issue)."""

app_name = "classrooms"

urlpatterns: list = []
