"""The web pages: server-rendered HTML on the same app and services as the JSON API.

The shell (this package) holds what every page shares: layout, languages, the signed-in person,
CSRF, static files and security headers. Each feature brings its own `pages.py` and `templates/`
(see PAGE_MODULES in web/shell.py and docs/web.md).
"""
