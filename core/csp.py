"""The Content-Security-Policy, with the Wagtail admin's one relaxation.

The site's own pages run no inline script or style without the request's nonce. The admin
(Wagtail's templates, not ours) writes inline scripts and styles and shows its page preview in
a frame of its own origin, so under /admin/ only the directives in
CONTENT_SECURITY_POLICY_ADMIN_REPLACE replace the site's. The preview itself is a page rendered
for a "dummy" request at the page's own path, answered inside the admin's preview view: it is
the admin's too.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings


class SeedbedCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        in_admin = request.path_info.startswith("/admin/") or getattr(request, "is_dummy", False)
        if in_admin and not report_only:
            parts.replace = {**settings.CONTENT_SECURITY_POLICY_ADMIN_REPLACE, **(parts.replace or {})}
        return parts
