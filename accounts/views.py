"""The one page of accounts for people (the rest is the API, and allauth's own pages)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.selectors import user_landing_url


@login_required
def landing(request):
    """Where signing in on the site leads (LOGIN_REDIRECT_URL): the page for the person's role."""
    return redirect(user_landing_url(user=request.user))
