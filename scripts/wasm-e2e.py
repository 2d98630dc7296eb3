#!/usr/bin/python3
"""Drives examples/web in headless Chromium through chromedriver's WebDriver HTTP API (urllib
only): the full-page login redirects the wasm-bindgen tests cannot do (they would take the test
page away). Needs a running simulator whose OAuth client `sim-client-id` has the page's
index.html and pkce.html as redirect URIs (scripts/wasm-test.sh sets that up).

    wasm-e2e.py --sim http://127.0.0.1:47811 --page-port 47813 --dir examples/web/dist

Prints one line per check and `e2e: N passed, M failed`; exits 1 on any failure.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Started directly (not through a shim), so the PID killed is the server's.
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_http(url, what, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start ({url})")


class WebDriver:
    """The few WebDriver commands the checks need."""

    def __init__(self):
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [CHROMEDRIVER, f"--port={port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.sid = None
        wait_http(self.base + "/status", "chromedriver")
        args = ["--headless=new", "--disable-dev-shm-usage", "--disable-gpu"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
                }
            }
        }
        self.sid = self._req("POST", "/session", caps)["sessionId"]

    def _req(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.read().decode()[:500]}")

    def _s(self, method, path, body=None):
        return self._req(method, f"/session/{self.sid}{path}", body)

    def get(self, url):
        self._s("POST", "/url", {"url": url})

    def refresh(self):
        self._s("POST", "/refresh", {})

    def js(self, script, *args):
        return self._s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def url(self):
        return self._s("GET", "/url")

    def quit(self):
        try:
            if self.sid:
                self._s("DELETE", "")
        except Exception:
            pass
        finally:
            self.proc.kill()
            self.proc.wait()


class Page:
    """The example page's state, read from its DOM and storage."""

    def __init__(self, d, origin):
        self.d = d
        self.origin = origin

    def wait(self, what, cond, timeout=20):
        """Polls the JS expression `cond` (navigations in between are fine)."""
        end = time.time() + timeout
        last = None
        while time.time() < end:
            try:
                last = self.d.js(f"return {cond};")
                if last:
                    return last
            except RuntimeError as e:
                last = str(e)
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what} (last: {last!r}; at {self.d.url()})")

    def done(self):
        """Waits for the page to finish (status ok or error) and returns its fields."""
        self.wait(
            "the page to log in",
            "document.getElementById('status') && "
            "['ok','error'].includes(document.getElementById('status').dataset.state)",
        )
        return self.d.js(
            """
            const t = id => document.getElementById(id).textContent;
            return {state: document.getElementById('status').dataset.state, status: t('status'),
                    name: t('name'), email: t('email'), presence: t('presence'),
                    source: t('source'), expires: t('expires'),
                    href: location.href, hash: location.hash, search: location.search,
                    stored: localStorage.getItem('purecloud_auth_data'),
                    verifier: sessionStorage.getItem('purecloud_pkce_code_verifier')
                              || sessionStorage.getItem('genesys_cloud_sdk_pkce_code_verifier'),
                    logout: !document.getElementById('logout').hidden};
            """
        )

    def reset_storage(self):
        self.d.get(f"{self.origin}/logged-out.html")
        self.d.js("localStorage.clear(); sessionStorage.clear();")

    def stored_token(self):
        s = self.d.js("return localStorage.getItem('purecloud_auth_data');")
        return json.loads(s)["accessToken"] if s else None


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def mint_token(sim):
    """A valid access token of the simulator's default user (an attacker's own token)."""
    req = urllib.request.Request(
        sim + "/__sim/tokens",
        data=json.dumps({"user": "sim.user@example.com"}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["access_token"]


def run_checks(page, d, origin, sim):
    index = f"{origin}/index.html"
    pkce = f"{origin}/pkce.html"
    results = []

    def case(name):
        def deco(f):
            t0 = time.time()
            try:
                f()
                results.append((name, None))
                print(f"e2e {name} ... ok ({time.time() - t0:.1f} s)", flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                results.append((name, e))
                print(f"e2e {name} ... FAILED: {e}", flush=True)
            return f

        return deco

    @case("implicit_grant_full_page_round_trip")
    def _():
        page.reset_storage()
        d.get(index)  # -> simulator /oauth/authorize -> index.html#access_token=...
        r = page.done()
        check(r["state"] == "ok", f"status: {r['status']}")
        check(r["name"] == "Sim User" and r["email"] == "sim.user@example.com", r)
        check(r["presence"] not in ("-", "?"), f"presence: {r['presence']}")
        check(r["source"] == "the login page (implicit grant)", f"source: {r['source']}")
        check(r["hash"] == "" and r["href"] == index, f"the hash stays: {r['href']}")
        check(r["stored"] and json.loads(r["stored"]).get("accessToken"), "not persisted")
        check(json.loads(r["stored"]).get("tokenExpiryTime", 0) > time.time() * 1000, r["stored"])
        check(r["expires"] != "-", "no expiry shown")

    @case("persistence_across_a_reload")
    def _():
        before = page.stored_token()
        check(before, "no token before the reload")
        d.refresh()
        r = page.done()
        check(r["state"] == "ok", f"status: {r['status']}")
        check(r["source"] == "localStorage", f"logged in again instead: {r['source']}")
        check(page.stored_token() == before, "the token changed")
        nav = d.js("return performance.getEntriesByType('navigation')[0].type;")
        check(nav == "reload", f"navigation type {nav}")

    @case("expired_persisted_token_is_dropped_and_login_runs_again")
    def _():
        old = page.stored_token()
        d.js(
            "const a = JSON.parse(localStorage.getItem('purecloud_auth_data'));"
            "a.tokenExpiryTime = Date.now() - 1000;"
            "localStorage.setItem('purecloud_auth_data', JSON.stringify(a));"
        )
        d.refresh()
        r = page.done()
        check(r["state"] == "ok", f"status: {r['status']}")
        check(r["source"] == "the login page (implicit grant)", f"source: {r['source']}")
        check(page.stored_token() not in (None, old), "the expired token was kept")

    @case("refused_persisted_token_401_leads_to_a_new_login")
    def _():
        d.js(
            "localStorage.setItem('purecloud_auth_data', JSON.stringify("
            "{accessToken: 'revoked-or-unknown', tokenExpiryTime: Date.now() + 3600000}));"
        )
        d.refresh()  # tokens/me answers 401 -> the token is dropped -> the login page
        r = page.done()
        check(r["state"] == "ok", f"status: {r['status']}")
        # The page saw a stored token, which the API refused: it went to the login page.
        check(r["source"] == "the login page (implicit grant)", f"source: {r['source']}")
        check(page.stored_token() not in (None, "revoked-or-unknown"), "the refused token was kept")

    @case("login_error_in_the_fragment_is_a_clear_error")
    def _():
        d.get(f"{origin}/logged-out.html")  # a new document (not a same-page hash change)
        d.get(f"{index}#error=access_denied&error_description=The+user+said+no&state=example-state")
        r = page.done()
        check(r["state"] == "error", f"status: {r['status']}")
        check("[access_denied] The user said no" in r["status"], r["status"])
        check(r["hash"] == "", f"the hash stays: {r['href']}")
        check(r["stored"] is None, "a token is still stored after a login error")

    @case("a_token_for_another_state_is_refused")
    def _():
        d.get(f"{origin}/logged-out.html")
        d.get(f"{index}#access_token=someone-elses&expires_in=60&state=not-ours")
        r = page.done()
        check(r["state"] == "error", f"status: {r['status']}")
        check("state" in r["status"], r["status"])
        check(r["stored"] is None, "the token was stored")

    @case("a_planted_valid_token_without_this_tabs_state_is_refused")
    def _():
        # Login CSRF: a link carrying a working token of someone else's account, with no
        # state or with the app's own state value: refused, nothing stored.
        token = mint_token(sim)
        for suffix in ("", "&state=example-state"):
            d.get(f"{origin}/logged-out.html")
            d.get(f"{index}#access_token={token}&expires_in=3600&token_type=bearer{suffix}")
            r = page.done()
            check(r["state"] == "error", f"status: {r['status']} ({suffix or 'no state'})")
            check("state" in r["status"], r["status"])
            check(r["hash"] == "", f"the hash stays: {r['href']}")
            check(r["stored"] is None, "the planted token was stored")

    @case("pkce_full_page_round_trip")
    def _():
        page.reset_storage()
        d.get(pkce)  # -> /oauth/authorize?code_challenge=... -> pkce.html?code=... -> /oauth/token
        r = page.done()
        check(r["state"] == "ok", f"status: {r['status']}")
        check(r["name"] == "Sim User", r)
        check(r["source"] == "the login page (PKCE)", f"source: {r['source']}")
        check(r["search"] == "" and r["href"] == pkce, f"the code stays in the URL: {r['href']}")
        check(r["verifier"] is None, "the code verifier stays in sessionStorage")
        check(r["stored"] and "refreshToken" not in r["stored"], r["stored"])
        d.refresh()
        r = page.done()
        check(r["state"] == "ok" and r["source"] == "localStorage", r)

    @case("logout_clears_the_token_and_ends_the_session")
    def _():
        d.js("document.getElementById('logout').click();")
        page.wait("the logged-out page", "location.pathname === '/logged-out.html'")
        check(page.stored_token() is None, "the token is still in localStorage")
        d.get(index)  # logs in again (the simulator has no login form)
        r = page.done()
        check(r["state"] == "ok" and r["source"] == "the login page (implicit grant)", r)

    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--page-port", type=int, required=True)
    ap.add_argument("--dir", required=True, help="the built page (examples/web/dist)")
    a = ap.parse_args()

    site = tempfile.mkdtemp(prefix="purecloud-web-")
    server = d = None
    try:
        shutil.copytree(a.dir, site, dirs_exist_ok=True)
        with open(os.path.join(site, "config.js"), "w") as f:
            f.write(
                "window.PURECLOUD_CONFIG = "
                + json.dumps({"baseUrl": a.sim, "clientId": "sim-client-id"})
                + ";\n"
            )
        origin = f"http://127.0.0.1:{a.page_port}"
        server = subprocess.Popen(
            [PYTHON, "-m", "http.server", str(a.page_port), "--bind", "127.0.0.1",
             "--directory", site],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_http(f"{origin}/index.html", "the page server")
        d = WebDriver()
        results = run_checks(Page(d, origin), d, origin, a.sim)
    finally:
        if d:
            d.quit()
        if server:
            server.kill()
            server.wait()
        shutil.rmtree(site, ignore_errors=True)
    failed = sum(1 for _, e in results if e)
    print(f"e2e: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
