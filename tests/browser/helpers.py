"""What the browser tests share: the factories' password and logging in through a page."""

PASSWORD = "pass-1234"  # UserFactory's


def log_in(page, base: str, username: str, path: str = "/accounts/login/") -> None:
    page.goto(base + path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    # The site's header has a language button that submits too: press the login form's own button.
    page.click("main button[type=submit], #login-form input[type=submit]")
