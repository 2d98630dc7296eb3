// Shared set-up for the tests: the simulator's address, the official SDK pointed at it, and a
// console that records what the README snippets print instead of flooding the test output.
/** The simulator's base URL, e.g. "http://127.0.0.1:45487" (set by scripts/js-sdk-test.sh). */
export const baseUrl = (() => {
  const url = process.env.PURECLOUD_SIM_URL;
  if (!url) {
    throw new Error(
      'PURECLOUD_SIM_URL is not set: run scripts/js-sdk-test.sh, or start ' +
        '`cargo run -p purecloud-simulator` and set PURECLOUD_SIM_URL to the URL it prints',
    );
  }
  return url.replace(/\/+$/, '');
})();

export const clientId = process.env.PURECLOUD_SIM_CLIENT_ID || 'sim-client-id';
export const clientSecret = process.env.PURECLOUD_SIM_CLIENT_SECRET || 'sim-client-secret';
export const redirectUri = 'http://localhost:8080/callback';
export const defaultUser = { name: 'Sim User', email: 'sim.user@example.com' };

/** The SDK's gateway settings for the simulator (login and API share its one port). */
export function gateway() {
  const u = new URL(baseUrl);
  return { host: u.hostname, protocol: u.protocol.replace(':', ''), port: Number(u.port) };
}

/** A stand-in for `console` whose `log` records its arguments. */
export function recordingConsole() {
  const lines = [];
  return {
    lines,
    log: (...args) => lines.push(args.length === 1 ? args[0] : args),
    error: (...args) => lines.push(args.length === 1 ? args[0] : args),
  };
}

/** Calls one of the simulator's `/__sim` endpoints; returns the decoded JSON (or null). */
export async function admin(method, path, body) {
  const r = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A token minted by the simulator's admin endpoint (`user` absent: no user context). */
export async function simToken(user) {
  const r = await fetch(`${baseUrl}/__sim/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user ? { user } : {}),
  });
  if (r.status !== 200) throw new Error(`POST /__sim/tokens: ${r.status} ${await r.text()}`);
  return (await r.json()).access_token;
}

/**
 * An authorization code, as a browser would get it: GET /oauth/authorize logs the default user
 * in and redirects to the redirect URI with `?code=...`.
 */
export async function authorizationCode() {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state: 'js-sdk-test',
  });
  const r = await fetch(`${baseUrl}/oauth/authorize?${q}`, { redirect: 'manual' });
  if (r.status !== 302) throw new Error(`GET /oauth/authorize: ${r.status} ${await r.text()}`);
  const location = new URL(r.headers.get('location'));
  if (location.searchParams.get('state') !== 'js-sdk-test') throw new Error(`state lost: ${location}`);
  return location.searchParams.get('code');
}
