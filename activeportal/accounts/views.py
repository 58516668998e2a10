from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import SignInForm
from .roles import home_url_name


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their role's home page; explain when they have no role yet."""
    url_name = home_url_name(request.user)
    if url_name is None:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(url_name)
