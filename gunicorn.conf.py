"""Gunicorn's settings: `gunicorn config.wsgi`, started from the project's folder, reads them."""

from gunicorn.http import wsgi

# Gunicorn always writes "Server: gunicorn" and has no setting to stop it; a banner only tells
# a scanner which server and which of its bugs to try. Drop the line before it is sent.
_default_headers = wsgi.Response.default_headers


def _without_server_banner(response):
    return [line for line in _default_headers(response) if not line.startswith("Server:")]


wsgi.Response.default_headers = _without_server_banner
