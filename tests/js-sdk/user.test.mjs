// The official SDK with a user context: the README's "Provide an existing auth token" and "Web"
// snippets (GET /api/v2/users/me?expand=presence), the code authorization grant and its
// refresh, per-request headers, and a write flow through the simulator's stateful users.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import {
  authorizationCode,
  baseUrl,
  clientId,
  clientSecret,
  defaultUser,
  gateway,
  recordingConsole,
  redirectUri,
  simToken,
} from './support.mjs';

const require = createRequire(import.meta.url);
const platformClient = require('purecloud-platform-client-v2');
const client = platformClient.ApiClient.instance;
client.setGateway(gateway());

test('README: Provide an existing auth token, then the Web snippet: GET /api/v2/users/me?expand=presence', async () => {
  const yourAccessToken = await simToken(defaultUser.email);
  const console = recordingConsole();
  // README, "Any platform Provide an existing auth token"
  var client = platformClient.ApiClient.instance;
  client.setAccessToken(yourAccessToken);
  // Do authenticated things; no login function needed 
  // end README

  // README, "Making Requests", "Web", after its login
  var usersApi = new platformClient.UsersApi();
  await Promise.resolve()
    .then(function() {
      // Make request to GET /api/v2/users/me?expand=presence 
      return usersApi.getUsersMe({ 'expand': ["presence"] });
    })
    .then(function(userMe) {
      // Handle successful result 
      console.log(`Hello, ${userMe.name}!`);
    })
    .catch(function(response) {
      // Handle failure response 
      console.log(`${response.status} - ${response.error.message}`);
      console.log(response.error);
    });
  // end README
  assert.deepEqual(console.lines, [`Hello, ${defaultUser.name}!`]);

  const me = await usersApi.getUsersMe({ expand: ['presence'] });
  assert.equal(me.email, defaultUser.email);
  assert.equal(typeof me.presence.presenceDefinition.systemPresence, 'string');
  assert.equal(me.presence.source, 'PURECLOUD');
});

test('client credentials have no user context: /users/me answers 403', async () => {
  client.setAccessToken(await simToken());
  const body = await new platformClient.UsersApi().getUsersMe().then(
    () => assert.fail('getUsersMe must reject'),
    (e) => e,
  );
  assert.equal(body.status, 403);
  assert.equal(body.code, 'not.authorized');
});

test('loginCodeAuthorizationGrant and refreshCodeAuthorizationGrant', async () => {
  const code = await authorizationCode();
  const auth = await client.loginCodeAuthorizationGrant(clientId, clientSecret, code, redirectUri);
  assert.match(auth.accessToken, /^\S{20,}$/);
  assert.match(auth.refreshToken, /^\S{20,}$/);
  const me = await new platformClient.UsersApi().getUsersMe({ expand: ['presence', 'authorization'] });
  assert.equal(me.name, defaultUser.name);
  assert.ok(me.presence && me.authorization);

  // A code is good once.
  const reused = await client
    .loginCodeAuthorizationGrant(clientId, clientSecret, code, redirectUri)
    .then(() => assert.fail('a used code must be refused'), (e) => e);
  assert.equal(reused.response.status, 400);
  assert.equal(reused.response.data.error, 'invalid_grant');

  // The refresh grant: new tokens, the old refresh token is spent.
  const code2 = await authorizationCode();
  const first = { ...(await client.loginCodeAuthorizationGrant(clientId, clientSecret, code2, redirectUri)) };
  const refreshed = await client.refreshCodeAuthorizationGrant(clientId, clientSecret, first.refreshToken);
  assert.notEqual(refreshed.accessToken, first.accessToken);
  assert.notEqual(refreshed.refreshToken, first.refreshToken);
  assert.equal((await new platformClient.UsersApi().getUsersMe()).name, defaultUser.name);
  const spent = await client
    .refreshCodeAuthorizationGrant(clientId, clientSecret, first.refreshToken)
    .then(() => assert.fail('a spent refresh token must be refused'), (e) => e);
  assert.equal(spent.response.data.error, 'invalid_grant');
});

test('a 401 with a refresh token makes the SDK refresh the access token', async () => {
  const code = await authorizationCode();
  await client.loginCodeAuthorizationGrant(clientId, clientSecret, code, redirectUri);
  client.setAccessToken('expired-or-revoked');
  // 262.0.0 rejects the call that got the 401 (its callApi rejects right after starting the
  // refresh, and drops the retried answer) but refreshes the token: the next call succeeds.
  const first = await new platformClient.UsersApi().getUsersMe().then((me) => me, (e) => e);
  if (first.name !== defaultUser.name) {
    assert.equal(first.status, 401);
    assert.equal(first.response.data.code, 'bad.credentials');
  }
  const deadline = Date.now() + 5000;
  while (client.authentications['PureCloud OAuth'].accessToken === 'expired-or-revoked' || client.refreshInProgress) {
    assert.ok(Date.now() < deadline, 'the SDK did not refresh the token');
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal((await new platformClient.UsersApi().getUsersMe()).name, defaultUser.name);
});

test('per-request headers reach the simulator (x-sim-fault)', async () => {
  client.setAccessToken(await simToken(defaultUser.email));
  client.setReturnExtendedResponses(true);
  try {
    const e = await new platformClient.UsersApi()
      .getUsersMe({ customHeaders: { 'x-sim-fault': 'status=503' } })
      .then(() => assert.fail('the fault must apply'), (e) => e);
    assert.equal(e.status, 503);
    assert.equal(e.body.code, 'service.unavailable');
    assert.equal(e.body.contextId, e.headers['inin-correlation-id']);
    const ok = await new platformClient.UsersApi().getUsersMe();
    assert.equal(ok.status, 200);
  } finally {
    client.setReturnExtendedResponses(false);
  }
});

test('users: create, page, update with a version, conflict, presence, delete', async () => {
  await fetch(`${baseUrl}/__sim/reset`, { method: 'POST' });
  client.setAccessToken(await simToken(defaultUser.email));
  const usersApi = new platformClient.UsersApi();
  const home = await new platformClient.AuthorizationApi().getAuthorizationDivisionsHome();
  const created = await usersApi.postUsers({
    name: 'Js Sdk User',
    email: 'js.sdk.user@example.com',
    password: 'Secr3t!pass',
    divisionId: home.id,
  });
  assert.equal(created.name, 'Js Sdk User');
  assert.equal(created.division.id, home.id);
  assert.equal(created.version, 1);

  const got = await usersApi.getUser(created.id, { expand: ['presence'] });
  assert.equal(got.email, 'js.sdk.user@example.com');

  const page = await usersApi.getUsers({ pageSize: 5, pageNumber: 2, sortOrder: 'ASC' });
  assert.equal(page.pageSize, 5);
  assert.equal(page.pageNumber, 2);
  assert.equal(page.entities.length, 5);
  assert.equal(page.pageCount, Math.ceil(page.total / 5));
  assert.match(page.nextUri, /pageNumber=3/);

  const patched = await usersApi.patchUser(created.id, { version: created.version, title: 'Tester' });
  assert.equal(patched.title, 'Tester');
  assert.equal(patched.version, 2);
  const conflict = await usersApi
    .patchUser(created.id, { version: created.version, title: 'Stale' })
    .then(() => assert.fail('a stale version must conflict'), (e) => e);
  assert.equal(conflict.status, 409);
  assert.equal(conflict.code, 'general.conflict');

  const invalid = await usersApi
    .postUsers({ name: 'X', email: 'x@example.com', divisionId: home.id, addresses: [{ type: 'NOPE' }] })
    .then(() => assert.fail('an invalid enum must be refused'), (e) => e);
  assert.equal(invalid.status, 400);
  assert.equal(invalid.messageParams.field, 'body.addresses[0].type');

  const presenceApi = new platformClient.PresenceApi();
  const defs = await presenceApi.getPresencedefinitions();
  const away = defs.entities.find((d) => d.systemPresence === 'Away');
  assert.ok(away, JSON.stringify(defs.entities.map((d) => d.systemPresence)));
  const presence = await presenceApi.patchUserPresence(created.id, 'PURECLOUD', {
    presenceDefinition: { id: away.id },
  });
  assert.equal(presence.presenceDefinition.id, away.id);
  const after = await usersApi.getUser(created.id, { expand: ['presence'] });
  assert.equal(after.presence.presenceDefinition.systemPresence, 'Away');

  await usersApi.deleteUser(created.id);
  const gone = await usersApi.getUser(created.id).then(() => assert.fail('deleted'), (e) => e);
  assert.equal(gone.status, 404);
  assert.equal(gone.code, 'not.found');
});
