"""What every response carries, error pages included: security headers, redirects by path."""

from urllib.parse import urlsplit

from flask import Flask, Response

# The pages use one stylesheet, one script file (the search box's suggestions, which it
# fetches from this site) and no inline script or style, nor frames: allow exactly that.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self';"
    " img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Fix the headers of whatever a view, an error handler or the router answers."""

    @app.after_request
    def secure_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if response.location:
            response.location = path_only(response.location)
        return response


def path_only(location: str) -> str:
    """Turn a redirect's full URL into its path and query; the app sends nobody off-site.

    Werkzeug's own redirects (such as /doc//x to /doc/x) build the full URL from the Host
    header, which the client controls. A path keeps the browser on the host it asked, and it
    starts with one slash only: "//host/..." would send the browser to that host.
    """
    target = urlsplit(location)
    if not (target.scheme or target.netloc or location.startswith("//")):
        return location
    path = "/" + target.path.lstrip("/")
    return f"{path}?{target.query}" if target.query else path
