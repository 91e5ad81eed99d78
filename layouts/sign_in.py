"""The sign-in page: a plain HTML form in the dashboard's header, styles and type.

Served by Flask before anyone is signed in, so it needs none of Dash's scripts and carries no
script at all. Every value put into it is escaped. Imports layouts only.
"""

from __future__ import annotations

from html import escape

from layouts.shell import SERVICE_NAME

WRONG = "That name and password do not match. Check both and try again."
MISSING = "Enter your name and your password."
SIGNED_OUT = "You have signed out."
DATABASE_DOWN = ("The dashboard cannot reach its database just now, so nobody can sign in. "
                 "Try again in a few minutes.")


def too_many(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return (f"Too many failed sign-ins. Wait {minutes} minute{'s' if minutes != 1 else ''} "
            "and try again, or ask an admin to check your account.")


def render(target: str, name: str = "", problem: str | None = None, notice: str | None = None) -> str:
    """The page, with the name kept and a problem or notice above the form."""
    message = ""
    if problem:
        message = f'<div class="alert alert-danger" role="alert" id="sign-in-problem">{escape(problem)}</div>'
    elif notice:
        message = f'<div class="alert alert-info" role="status" id="sign-in-notice">{escape(notice)}</div>'
    described = ' aria-describedby="sign-in-problem"' if problem else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - {SERVICE_NAME}</title>
<link rel="icon" href="/_favicon.ico">
<link rel="stylesheet" href="/assets/bootstrap.min.css">
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><div class="container site-header__bar">
<a class="site-header__name" href="/">{SERVICE_NAME}</a>
</div></header>
<main id="main" class="container site-main sign-in" tabindex="-1">
<h1>Sign in</h1>
{message}
<form method="post" action="/sign-in" class="sign-in__form">
<input type="hidden" name="next" value="{escape(target)}">
<div class="mb-3">
<label class="form-label" for="sign-in-name">Name</label>
<input class="form-control" id="sign-in-name" name="name" autocomplete="username" required
 value="{escape(name)}"{described}>
</div>
<div class="mb-3">
<label class="form-label" for="sign-in-password">Password</label>
<input class="form-control" id="sign-in-password" name="password" type="password"
 autocomplete="current-password" required{described}>
</div>
<button class="btn btn-primary btn-lg" id="sign-in-submit" type="submit">Sign in</button>
</form>
<p class="sign-in__help">No account? Ask your board's dashboard admin.</p>
</main>
</body>
</html>"""
