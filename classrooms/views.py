"""The teacher pages under /teach/."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.selectors import user_is_teacher


@login_required
def teacher_home(request):
    """Where a teacher lands after signing in: what the teacher pages offer, and what works
    already, while classrooms are still to come."""
    if not user_is_teacher(user=request.user):
        raise PermissionDenied
    return render(request, "classrooms/home.html")
