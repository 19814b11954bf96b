"""The address a request really came from: the one place that decides it.

Behind a reverse proxy every request's REMOTE_ADDR is the proxy, so sign-in throttling (axes)
and allauth's rate limits would count the whole public as one client. The proxy appends the
address it saw to X-Forwarded-For; everything to the left of that was written by the client
and may be forged. So the header is read only with BEHIND_PROXY on, from the right, and only
as far as the hops we trust:

- TRUSTED_PROXIES (addresses or networks): the direct peer must be one of them, otherwise the
  header is ignored; then hops are skipped from the right while they are trusted proxies.
- otherwise TRUSTED_PROXY_COUNT (default 1): the client is that many hops from the right,
  counting REMOTE_ADDR as the first. This trusts whoever connects directly, so it suits only
  an app server that nothing but the proxies can reach.
"""

import ipaddress

from django.conf import settings


def _address(value):
    try:
        return ipaddress.ip_address(value.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None


def _networks():
    return [ipaddress.ip_network(item, strict=False) for item in settings.TRUSTED_PROXIES]


def client_ip(request):
    """The client's address as a string (REMOTE_ADDR when nothing better can be trusted)."""

    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not settings.BEHIND_PROXY or not forwarded or _address(remote) is None:
        return remote
    # Nearest hop last: REMOTE_ADDR is the proxy that connected to us.
    hops = [_address(hop) for hop in forwarded.split(",")] + [_address(remote)]
    if settings.TRUSTED_PROXIES:
        networks = _networks()

        def trusted(hop):
            return any(hop in network for network in networks)

        if not trusted(hops[-1]):
            return remote  # not from a proxy: a client writing its own header
        client = hops[-1]
        for hop in reversed(hops[:-1]):
            if hop is None:
                break  # garbage a proxy passed on: stop at the last hop we could read
            client = hop
            if not trusted(hop):
                break
        return str(client)
    # Fewer hops than proxies means the request skipped a proxy: take the farthest one that
    # a proxy (not the client) wrote.
    index = max(len(hops) - 1 - settings.TRUSTED_PROXY_COUNT, 0)
    for hop in hops[index:]:
        if hop is not None:
            return str(hop)
    return remote
