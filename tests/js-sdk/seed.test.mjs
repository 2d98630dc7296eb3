// The official JavaScript SDK's README snippets (shared/seed/purecloud-platform-client-v2-README.txt),
// run against the simulator with the real npm package. Each snippet is kept as the README
// writes it, between "README" and "end README" comments; the only edits are noted where made:
//   - `purecloud-platform-client-v2.ApiClient.instance` (not valid JavaScript) reads
//     `platformClient.ApiClient.instance`;
//   - the missing `{` after `.then(function()` in "Making Requests" is put back;
//   - `console` is a recording stand-in, so that what the snippets print can be checked;
//   - the promise chains are awaited, so that the test waits for them.
// The README is for SDK 6.x; where 262.0.0 behaves otherwise the test says so and checks what
// the current SDK really does (debug logging, the `text` of extended responses, error objects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createRequire } from 'node:module';

import { clientId, clientSecret, gateway, recordingConsole } from './support.mjs';

const require = createRequire(import.meta.url);
// README, "NodeJS usage"
const platformClient = require('purecloud-platform-client-v2');
// end README

// README, "Environments": the documented way to point the SDK elsewhere is setEnvironment; the
// simulator is reached with setGateway, which sets the protocol, host and port of both the
// login service (login.<environment>) and the API (api.<environment>).
const client = platformClient.ApiClient.instance;
client.setGateway(gateway());

const CACHE_HEADERS = {
  'cache-control': 'no-cache, no-store, must-revalidate',
  pragma: 'no-cache',
  expires: '0',
};

test('the gateway sends login and API requests to the simulator', () => {
  const { protocol, host, port } = gateway();
  const expected = `${protocol}://${host}:${port}`;
  assert.equal(client.config.getConfUrl('login', 'https://login.mypurecloud.com'), expected);
  assert.equal(client.config.getConfUrl('api', client.config.basePath), expected);
  assert.equal(
    client.buildUrl('/api/v2/users/{userId}', { userId: 'a b' }),
    `${expected}/api/v2/users/a%20b`,
  );
});

test('README: Node.js Client Credentials grant', async () => {
  const console = recordingConsole();
  let authData;
  // README, "Node.js Client Credentials grant"
  var client = platformClient.ApiClient.instance;
  await client.loginClientCredentialsGrant(clientId, clientSecret)
    .then(function() {
      // Do authenticated things 
      authData = client.authData;
    })
    .catch(function(response) {
      console.log(`${response.status} - ${response.error.message}`);
      console.log(response.error);
    });
  // end README
  assert.deepEqual(console.lines, []);
  assert.match(authData.accessToken, /^\S{20,}$/);
  assert.equal(client.authentications['PureCloud OAuth'].accessToken, authData.accessToken);
  // expires_in (86,400 s) became an absolute expiry time.
  const lifetime = authData.tokenExpiryTime - Date.now();
  assert.ok(lifetime > 86_000_000 && lifetime <= 86_400_000, `token lifetime ${lifetime} ms`);
});

test('README: Making Requests (Node.js): GET /api/v2/authorization/permissions', async () => {
  const console = recordingConsole();
  // README, "Making Requests", "Node.js"
  // Create API instance 
  var authorizationApi = new platformClient.AuthorizationApi();
   
  // Authenticate 
  await client.loginClientCredentialsGrant(clientId, clientSecret)
    .then(function() {
      // Make request to GET /api/v2/authorization/permissions 
      return authorizationApi.getAuthorizationPermissions();
    })
    .then(function(permissions) {
      // Handle successful result 
      console.log(permissions);
    })
    .catch(function(response) {
      // Handle failure response 
      console.log(`${response.status} - ${response.error.message}`);
      console.log(response.error);
    });
  // end README
  assert.equal(console.lines.length, 1);
  const permissions = console.lines[0];
  assert.ok(Array.isArray(permissions.entities) && permissions.entities.length > 0);
  assert.equal(permissions.pageNumber, 1);
  assert.ok(permissions.total >= permissions.entities.length);
  const domain = permissions.entities[0];
  assert.equal(typeof domain.domain, 'string');
  assert.equal(typeof domain.permissionMap, 'object');
});

test('README: Extended Responses', async () => {
  // README, "Extended Responses"
  var client = platformClient.ApiClient.instance;
  client.setReturnExtendedResponses(true);
  // end README
  try {
    const response = await new platformClient.AuthorizationApi().getAuthorizationPermissions({ pageSize: 3 });
    // The README's example object: status, statusText, headers, body, text, error.
    assert.deepEqual(Object.keys(response), ['status', 'statusText', 'headers', 'body', 'text', 'error']);
    assert.equal(response.status, 200);
    assert.equal(response.error, null);
    // 262.0.0 fills `text` from axios' response, which has none: it is always undefined.
    assert.equal(response.text, undefined);
    assert.equal(response.body.entities.length, 3);
    assert.equal(response.body.pageSize, 3);
    const h = response.headers;
    assert.equal(h['content-type'], 'application/json');
    assert.match(h['inin-correlation-id'], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    for (const name of ['inin-ratelimit-allowed', 'inin-ratelimit-count', 'inin-ratelimit-reset']) {
      assert.match(h[name], /^\d+$/, name);
    }
    for (const [name, value] of Object.entries(CACHE_HEADERS)) assert.equal(h[name], value, name);

    // Every answer has its own correlation id; the rate-limit count goes up per token.
    const again = await new platformClient.AuthorizationApi().getAuthorizationPermissions({ pageSize: 3 });
    assert.notEqual(again.headers['inin-correlation-id'], h['inin-correlation-id']);
    assert.equal(Number(again.headers['inin-ratelimit-count']), Number(h['inin-ratelimit-count']) + 1);
  } finally {
    client.setReturnExtendedResponses(false);
  }
});

test('README: Error Responses: a 404 is thrown as an extended response', async () => {
  const console = recordingConsole();
  client.setReturnExtendedResponses(true);
  let error;
  try {
    await new platformClient.UsersApi().getUser('no-such-user')
      .catch(function(response) {
        error = response;
        // README, "Making Requests": the failure handler
        // Handle failure response 
        console.log(`${response.status} - ${response.error.message}`);
        console.log(response.error);
        // end README
      });
  } finally {
    client.setReturnExtendedResponses(false);
  }
  assert.ok(error, 'getUser must reject');
  // The README's example error object.
  assert.equal(error.status, 404);
  assert.equal(error.headers['content-type'], 'application/json');
  for (const [name, value] of Object.entries(CACHE_HEADERS)) assert.equal(error.headers[name], value, name);
  const cid = error.headers['inin-correlation-id'];
  assert.match(cid, /^[0-9a-f-]{36}$/);
  assert.equal(error.body.status, 404);
  assert.equal(error.body.code, 'not.found');
  assert.equal(typeof error.body.message, 'string');
  assert.ok(error.body.message.length > 0);
  assert.equal(error.body.contextId, cid);
  assert.deepEqual(error.body.details, []);
  assert.deepEqual(error.body.errors, []);
  // `error` is the JavaScript Error (axios'), so the README's handler prints a sensible line.
  assert.ok(error.error instanceof Error);
  assert.deepEqual(console.lines[0], '404 - Request failed with status code 404');
  assert.equal(console.lines[1], error.error);
});

test('Error Responses without extended responses: the rejection is the error body', async () => {
  // 262.0.0 rejects with the parsed ErrorBody when extended responses are off (the README's
  // handler, which reads `response.error.message`, would throw a TypeError here).
  const body = await new platformClient.UsersApi().getUser('no-such-user').then(
    () => assert.fail('getUser must reject'),
    (e) => e,
  );
  assert.equal(body.status, 404);
  assert.equal(body.code, 'not.found');
  assert.match(body.message, /no-such-user/);
  assert.match(body.contextId, /^[0-9a-f-]{36}$/);
  assert.equal(body.messageWithParams, 'The requested user {id} was not found.');
  assert.deepEqual(body.messageParams, { id: 'no-such-user' });
});

test('a wrong client secret: the login rejects with the OAuth error', async () => {
  const err = await platformClient.ApiClient.instance
    .loginClientCredentialsGrant(clientId, 'wrong-secret')
    .then(() => assert.fail('the login must fail'), (e) => e);
  assert.equal(err.response.status, 401);
  assert.equal(err.response.data.error, 'invalid_client');
  assert.equal(typeof err.response.data.error_description, 'string');
  // Log in again for the tests after this one.
  await client.loginClientCredentialsGrant(clientId, clientSecret);
});

test('README: Debug Logging', async () => {
  // README, "Debug Logging": `client.setDebugLog(console.log, 25);` — 262.0.0 has no
  // setDebugLog (calling it throws a TypeError). Its logging is configured on
  // `client.config.logger` (the SDK's own README, "SDK Logging"), which the test uses instead.
  assert.equal(client.setDebugLog, undefined);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'js-sdk-log-'));
  const file = path.join(dir, 'sdk.log');
  const logger = client.config.logger;
  logger.log_level = logger.logLevelEnum.level.LTrace;
  logger.log_format = logger.logFormatEnum.formats.JSON;
  logger.log_to_console = false;
  logger.log_response_body = true;
  logger.log_file_path = file;
  logger.setLogger();
  client.setReturnExtendedResponses(true);
  try {
    const ok = await new platformClient.AuthorizationApi().getAuthorizationPermissions({ pageSize: 1 });
    const notFound = await new platformClient.UsersApi().getUser('no-such-user').catch((e) => e);
    assert.equal(notFound.status, 404);

    const entries = await readLogEntries(file, 3);
    const trace = entries.find((e) => e.level === 'trace' && e.url.includes('/api/v2/authorization/permissions'));
    assert.ok(trace, JSON.stringify(entries));
    assert.equal(trace.method, 'GET');
    assert.equal(trace.statusCode, 200);
    assert.equal(trace.correlationId, ok.headers['inin-correlation-id']);
    assert.equal(trace.requestHeaders.Authorization, '[REDACTED]');
    assert.equal(trace.responseHeaders['inin-correlation-id'], ok.headers['inin-correlation-id']);
    const error = entries.find((e) => e.level === 'error');
    assert.ok(error, JSON.stringify(entries));
    assert.equal(error.statusCode, 404);
    assert.equal(error.correlationId, notFound.headers['inin-correlation-id']);
    assert.equal(error.responseBody.code, 'not.found');
    assert.equal(error.responseBody.contextId, error.correlationId);
  } finally {
    client.setReturnExtendedResponses(false);
    logger.log_level = logger.logLevelEnum.level.LNone;
    logger.log_file_path = undefined;
    logger.log_to_console = true;
    logger.setLogger();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The JSON lines of the SDK's log file, once it has at least `min` (the writes are async). */
async function readLogEntries(file, min) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length >= min || Date.now() > deadline) {
      // winston's JSON format wraps the SDK's object as `message`.
      return lines.map((l) => {
        const v = JSON.parse(l);
        return typeof v.message === 'object' ? { ...v.message, level: v.message.level ?? v.level } : v;
      });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
