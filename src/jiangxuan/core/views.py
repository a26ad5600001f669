"""The start page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users go to their campaigns; others to the login page."""
    if request.user.is_authenticated:
        return redirect(reverse("campaigns:list"))
    return redirect(reverse("accounts:login"))
