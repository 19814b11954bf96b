"""A signed-in person without Wagtail admin access gets a 403 page at /admin/.

Wagtail sends them to the login page with next=/admin/, and the login page sends a signed-in
person straight back to next: the browser gives up with "too many redirects". Anonymous
visitors are left to Wagtail, which sends them to sign in.
"""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse


class AdminAccessDenied:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            admin = reverse("wagtailadmin_home")
        except NoReverseMatch:  # a URLconf without the admin (some tests route only what they test)
            return self.get_response(request)
        if (request.path.startswith(admin) and request.user.is_authenticated
                and not request.user.has_perm("wagtailadmin.access_admin")):
            return render(request, "403.html", {"admin_denied": True}, status=403)
        return self.get_response(request)
