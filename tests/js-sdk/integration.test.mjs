// The official JavaScript SDK's own integration flow, as its maintainers run it against a real
// org after each build: log in with client credentials, create a user from a name, an email
// and a password only, patch its department at version 1, put its profile skills and get
// exactly them back, read the user with its profile skills expanded, delete it. Then the
// user's other sub-resources that a client writes, read back through the SDK: routing skills
// and languages, roles, queue memberships, station; and the deleted user listed with
// state=deleted. The steps share one user, so they run in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

import { clientId, clientSecret, gateway } from './support.mjs';

const require = createRequire(import.meta.url);
const platformClient = require('purecloud-platform-client-v2');
const client = platformClient.ApiClient.instance;
client.setGateway(gateway());

const USER_NAME = 'JS SDK Tester';
const USER_EMAIL = `${randomUUID()}@js-sdk.example.com`;
const USER_DEPARTMENT = 'Ministry of Testing';
const USER_PROFILE_SKILL = 'Testmaster';

test('the official SDK integration flow, then the user sub-resources', async (t) => {
  const usersApi = new platformClient.UsersApi();
  let userId;

  await t.test('authenticates with client credentials', async () => {
    await client.loginClientCredentialsGrant(clientId, clientSecret);
  });

  await t.test('creates a user from a name, an email and a password', async () => {
    const data = await usersApi.postUsers({
      name: USER_NAME,
      email: USER_EMAIL,
      password: `${randomUUID()}!@#$1234asdfASDF`,
    });
    userId = data.id;
    assert.equal(data.name, USER_NAME);
    assert.equal(data.email, USER_EMAIL);
    const home = await new platformClient.AuthorizationApi().getAuthorizationDivisionsHome();
    assert.equal(data.division.id, home.id);
  });

  await t.test('updates the user at version 1', async () => {
    const data = await usersApi.patchUser(userId, { department: USER_DEPARTMENT, version: 1 });
    assert.equal(data.id, userId);
    assert.equal(data.name, USER_NAME);
    assert.equal(data.email, USER_EMAIL);
    assert.equal(data.department, USER_DEPARTMENT);
  });

  await t.test('sets profile skills on the user', async () => {
    const data = await usersApi.putUserProfileskills(userId, [USER_PROFILE_SKILL]);
    assert.deepEqual(data, [USER_PROFILE_SKILL]);
  });

  await t.test('gets the user with its profile skills', async () => {
    const data = await usersApi.getUser(userId, { expand: ['profileSkills', 'dateLastLogin'] });
    assert.equal(data.id, userId);
    assert.equal(data.name, USER_NAME);
    assert.equal(data.email, USER_EMAIL);
    assert.equal(data.department, USER_DEPARTMENT);
    assert.deepEqual(data.profileSkills, [USER_PROFILE_SKILL]);
    assert.equal(typeof data.dateLastLogin, 'string');
  });

  await t.test('routing skills and languages read back as written', async () => {
    const routingApi = new platformClient.RoutingApi();
    const skillId = randomUUID();
    const posted = await routingApi.postUserRoutingskills(userId, { id: skillId, proficiency: 4 });
    assert.equal(posted.proficiency, 4);
    const skill = await routingApi.getRoutingSkill(skillId);
    assert.equal(posted.name, skill.name);
    await routingApi.putUserRoutingskill(userId, skillId, { proficiency: 1.5, state: 'active' });
    const languageId = randomUUID();
    await routingApi.patchUserRoutinglanguagesBulk(userId, [{ id: languageId, proficiency: 5 }]);
    const user = await usersApi.getUser(userId, { expand: ['skills', 'languages'] });
    assert.deepEqual(user.skills.map((s) => [s.id, s.proficiency]), [[skillId, 1.5]]);
    assert.deepEqual(user.languages.map((l) => [l.id, l.proficiency]), [[languageId, 5]]);
    await routingApi.deleteUserRoutingskill(userId, skillId);
    assert.equal((await routingApi.getUserRoutingskills(userId)).total, 0);
  });

  await t.test('roles read back as written', async () => {
    const authorizationApi = new platformClient.AuthorizationApi();
    const roles = (await authorizationApi.getAuthorizationRoles({ pageSize: 100 })).entities;
    const picked = roles.filter((r) => ['Agent', 'Queue Manager'].includes(r.name));
    assert.equal(picked.length, 2);
    const auth = await usersApi.putUserRoles(userId, picked.map((r) => r.id));
    assert.deepEqual(auth.roles.map((r) => r.id), picked.map((r) => r.id));
    const again = await authorizationApi.getUserRoles(userId);
    assert.deepEqual(again.roles, auth.roles);
    assert.deepEqual(again.permissions, auth.permissions);
  });

  await t.test('queue membership reads back from the user and from the queue', async () => {
    const routingApi = new platformClient.RoutingApi();
    const queue = (await routingApi.getRoutingQueues({ name: 'Billing' })).entities[0];
    await routingApi.postRoutingQueueMembers(queue.id, [{ id: userId }]);
    const mine = await usersApi.getUserQueues(userId);
    assert.deepEqual(mine.entities.map((q) => [q.id, q.joined]), [[queue.id, false]]);
    const joined = await usersApi.patchUserQueue(queue.id, userId, { joined: true });
    assert.equal(joined.joined, true);
    const members = await routingApi.getRoutingQueueMembers(queue.id, { joined: true, pageSize: 100 });
    assert.ok(members.entities.some((m) => m.id === userId && m.name === USER_NAME));
  });

  await t.test('the station reads back as written', async () => {
    const stationId = randomUUID();
    await usersApi.putUserStationAssociatedstationStationId(userId, stationId);
    const stations = await usersApi.getUserStation(userId);
    assert.equal(stations.associatedStation.id, stationId);
    assert.equal(stations.associatedStation.associatedUser.id, userId);
    assert.equal(stations.effectiveStation.id, stationId);
  });

  await t.test('deletes the user, which stays listed with state=deleted', async () => {
    await usersApi.deleteUser(userId);
    const gone = await usersApi.getUser(userId).then(() => assert.fail('deleted'), (e) => e);
    assert.equal(gone.status, 404);
    const deleted = await usersApi.getUsers({ state: 'deleted', pageSize: 100 });
    const me = deleted.entities.find((u) => u.id === userId);
    assert.ok(me, JSON.stringify(deleted.entities.map((u) => u.id)));
    assert.equal(me.state, 'deleted');
    assert.equal(me.email, USER_EMAIL);
  });
});
