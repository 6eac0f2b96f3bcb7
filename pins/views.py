from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_required
def home(request):
    return render(request, "pins/home.html")


@require_GET
def accessibility_statement(request):
    return render(request, "pins/accessibility.html")


@require_GET
def privacy_notice(request):
    return render(request, "pins/privacy.html")


@require_GET
def cookies(request):
    return render(request, "pins/cookies.html")
