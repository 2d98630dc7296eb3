"""Shared set-up: the simulator's address, the official Python SDK pointed at it, tokens."""
import json
import os
import sys
import urllib.request
from urllib.parse import urlparse

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.gateway_configuration import GatewayConfiguration

CLIENT_ID = os.environ.get("PURECLOUD_SIM_CLIENT_ID", "sim-client-id")
CLIENT_SECRET = os.environ.get("PURECLOUD_SIM_CLIENT_SECRET", "sim-client-secret")
DEFAULT_USER_EMAIL = "sim.user@example.com"


def base_url():
    """The simulator's base URL, e.g. http://127.0.0.1:45487 (set by scripts/python-sdk-test.sh)."""
    url = os.environ.get("PURECLOUD_SIM_URL")
    if not url:
        sys.exit(
            "PURECLOUD_SIM_URL is not set: run scripts/python-sdk-test.sh, or start "
            "`cargo run -p purecloud-simulator` and set PURECLOUD_SIM_URL to the URL it prints"
        )
    return url.rstrip("/")


def api_client():
    """A new ApiClient whose login and API requests go to the simulator (the SDK's gateway
    settings, as a user points it at a proxy)."""
    u = urlparse(base_url())
    gc.configuration.gateway_configuration = GatewayConfiguration(
        host=u.hostname, protocol=u.scheme, port=u.port
    )
    return gc.api_client.ApiClient()


def admin(method, path, body=None):
    """Calls one of the simulator's /__sim endpoints; returns the decoded JSON (or None)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base_url() + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    with urllib.request.urlopen(req) as r:
        text = r.read()
    return json.loads(text) if text else None


def sim_token(user=None):
    """A token minted by the simulator (user absent: no user context, like client credentials)."""
    return admin("POST", "/__sim/tokens", {"user": user} if user else {})["access_token"]
