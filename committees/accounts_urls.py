"""/accounts/: change the password, reset a forgotten one (the login and logout pages are in config/urls.py)."""

from django.urls import path

from committees.views import accounts as account_views

urlpatterns = [
    path("password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", account_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    # The admin's login page offers "forgotten your password?" when this name exists: the same page.
    path("password-reset/", account_views.PasswordResetView.as_view(), name="admin_password_reset"),
    path("password-reset/sent/", account_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", account_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
