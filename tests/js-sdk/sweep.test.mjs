// Every operation of the spec that the pinned npm package has, through the official JavaScript
// SDK, against the simulator (the JavaScript counterpart of tests/python-sdk/sweep.py).
//
// The SDK logs in with the code authorization grant (a user context, so /users/me and the
// like answer), then each operation is called once through its generated method: the method
// named by the operation's operationId (the SDK's camelCase function name) on the API class of
// its first tag (`x-sdk-class`; the classes of its other tags must have it too), with its
// required parameters as positional arguments and a body built from the spec. The method's own
// source (what the SDK runs) says which argument goes to which path, query or header parameter
// or to the body, and which path and HTTP method it calls; both must be the spec's.
//
// An answer is clean when the call resolves with a 2xx status, the SDK did not throw, and,
// where the spec declares a response body, a body came back that is JSON (text/plain where the
// operation produces only text) of the declared shape: the types of the values, down through
// the models' properties, array items and maps (the SDK itself does not decode into models, so
// this is the check a caller's code relies on). An operation without a response type must
// answer without a body. Anything else is a failure.
//
// Prints "operations swept", "answers decoded cleanly" and "failures", and fails on any
// failure. Operations only the PyPI package has (`x-sdk-source: "pypi"`) are not in this SDK
// version and are counted apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import {
  admin,
  authorizationCode,
  baseUrl,
  clientId,
  clientSecret,
  gateway,
  redirectUri,
} from './support.mjs';

const require = createRequire(import.meta.url);
const platformClient = require('purecloud-platform-client-v2');
const SDK_VERSION = require('purecloud-platform-client-v2/package.json').version;
const SPEC_PATH = new URL('../../spec/platform-api-v2.json', import.meta.url);

// ---------------------------------------------------------------------------------------------
// The SDK's generated methods, read from their source: positional parameters, and where each
// one goes in the callApi(path, method, pathParams, queryParams, headerParams, formParams, body,
// ...) call.

/** `{ 'wire': expr, ... }` -> Map(js name -> wire name); `opts['x']` counts as `x` in opts. */
function objectLiteral(text) {
  const out = new Map();
  const re = /'([^']+)':\s*(?:this\.apiClient\.buildCollectionParam\()?(?:opts\['(\w+)'\]|(\w+))/g;
  for (const m of text.matchAll(re)) {
    out.set(m[2] ? `opts.${m[2]}` : m[3], m[1]);
  }
  return out;
}

/** What one generated method does, or null when its source is not a generated callApi call. */
function describeMethod(fn) {
  const src = Function.prototype.toString.call(fn);
  const sig = /^\s*(\w+)\s*\(([^)]*)\)\s*\{/.exec(src);
  // callApi(path, method, pathParams, queryParams, headerParams, formParams, body, [auth], ...)
  const literal = String.raw`\s*(\{[^}]*\}),`;
  const call = new RegExp(
    String.raw`this\.apiClient\.callApi\(\s*'([^']*)',\s*'(\w+)',` +
      literal.repeat(4) +
      String.raw`\s*([^,]+?),\s*\[`,
  ).exec(src);
  if (!sig || !call) return null;
  const params = sig[2].split(',').map((s) => s.trim()).filter(Boolean);
  const where = new Map(); // js name -> [in, wire name]
  for (const [i, kind] of [[3, 'path'], [4, 'query'], [5, 'header'], [6, 'formData']]) {
    for (const [js, wire] of objectLiteral(call[i])) where.set(js, [kind, wire]);
  }
  const body = call[7].trim();
  if (body !== 'null') {
    const m = /^opts\['(\w+)'\]$/.exec(body);
    where.set(m ? `opts.${m[1]}` : body, ['body', m ? m[1] : body]);
  }
  return { name: sig[1], params, where, path: call[1], verb: call[2].toUpperCase() };
}

// ---------------------------------------------------------------------------------------------
// Sample values (as tests/python-sdk/sweep.py builds them).

const UUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

/** A value for a path, query or header parameter of the spec. */
function paramValue(p, ids) {
  const t = p.type || 'string';
  if (t === 'array') return [paramValue({ ...(p.items || {}), name: p.name }, ids)];
  if (Array.isArray(p.enum) && p.enum.length) return p.enum[0];
  if (t === 'integer') return 1;
  if (t === 'number') return 1.5;
  if (t === 'boolean') return true;
  if (p.format === 'date') return '2024-05-01';
  if (p.format === 'date-time') return '2024-05-01T12:00:00.000Z';
  if (p.in === 'header') return 'x';
  return ids[p.name] ?? UUID;
}

/**
 * Request bodies from the spec: every property down to a depth, then required ones only;
 * values of the declared type (the simulator checks types, enums and date formats).
 */
class Bodies {
  constructor(spec) {
    this.defs = spec.definitions;
  }

  value(s, name = '', depth = 0, stack = []) {
    if (s.$ref) {
      const ref = s.$ref.split('/').pop();
      const d = this.defs[ref];
      const required = new Set(d.required || []);
      const out = {};
      for (const [pname, ps] of Object.entries(d.properties || {})) {
        if (!required.has(pname) && (depth >= 2 || stack.includes(ref))) continue;
        if (stack.includes(ref) && ps.$ref) continue;
        out[pname] = this.value(ps, pname, depth + 1, [...stack, ref]);
      }
      return out;
    }
    const t = s.type;
    if (s.enum) return s.enum[0];
    if (t === 'array') return [this.value(s.items || {}, name, depth, stack)];
    if (t === 'object') {
      const ap = s.additionalProperties;
      if (ap && typeof ap === 'object') return { key1: this.value(ap, 'value', depth + 1, stack) };
      return { key1: 'value1' };
    }
    if (t === 'integer') return s.minimum ?? 1;
    if (t === 'number') return s.minimum ?? 1.5;
    if (t === 'boolean') return true;
    if (t === 'string') {
      if (s.format === 'date') return '2024-05-01';
      if (s.format === 'date-time') return '2024-05-01T12:00:00.000Z';
      if (name === 'systemPresence') return 'Available';
      if (name === 'id' || name.endsWith('Id')) return UUID;
      return `example ${name}`;
    }
    return 'example';
  }

  /**
   * The body argument of an operation. A body declared `type: string` is a document the SDK
   * sends as it is given (no JSON quoting: axios sends a string as the request text), so the
   * sample is a JSON document in a string, as a caller passes it (the process automation
   * trigger tests take an event body this way).
   */
  forOperation(schema) {
    if (schema.type === 'string') return JSON.stringify({ key1: 'value1' });
    return this.value(schema, 'body');
  }
}

// ---------------------------------------------------------------------------------------------
// The answer's shape against the declared schema: JSON types only (no formats, and enum values
// are not held to the list: servers add values, and the SDK does not check them either).

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v; // object, string, boolean
}

/** Where `value` breaks `schema`: a list of "path: expected X, got Y" (empty when it fits). */
function shapeErrors(defs, schema, value, path = 'body', out = [], depth = 0) {
  if (out.length >= 5 || depth > 40 || value === null || value === undefined) return out;
  let s = schema;
  if (s.$ref) s = defs[s.$ref.split('/').pop()];
  const want = s.type || (s.properties ? 'object' : undefined);
  const got = typeOf(value);
  const fits =
    !want || want === got || (want === 'number' && got === 'integer');
  if (!fits) {
    out.push(`${path}: expected ${want}, got ${got}`);
    return out;
  }
  if (got === 'array' && s.items) {
    value.forEach((v, i) => shapeErrors(defs, s.items, v, `${path}[${i}]`, out, depth + 1));
  } else if (got === 'object') {
    const props = s.properties || {};
    for (const [k, v] of Object.entries(value)) {
      if (props[k]) shapeErrors(defs, props[k], v, `${path}.${k}`, out, depth + 1);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        shapeErrors(defs, s.additionalProperties, v, `${path}.${k}`, out, depth + 1);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** A JSON GET with the sweep's token, outside the SDK (for the seeded entities' ids). */
async function getJson(path, token) {
  const r = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

function describeError(e) {
  if (e && typeof e === 'object' && 'status' in e && 'body' in e) {
    // An extended response: the status and the error body the SDK rejected with.
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
    return `${e.status} ${e.statusText || ''} ${(body || '').slice(0, 300)}`.replace(/\s+/g, ' ');
  }
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 300);
  return `thrown: ${String(typeof e === 'object' ? JSON.stringify(e) : e).slice(0, 300)}`;
}

test('every operation of the npm package through the official JavaScript SDK', async () => {
  const started = performance.now();
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
  const classes = new Map((spec.tags || []).map((tag) => [tag.name, tag['x-sdk-class']]));
  const bodies = new Bodies(spec);

  await admin('POST', '/__sim/reset');
  const client = platformClient.ApiClient.instance;
  client.setGateway(gateway());
  const auth = await client.loginCodeAuthorizationGrant(
    clientId,
    clientSecret,
    await authorizationCode(),
    redirectUri,
  );
  const token = auth.accessToken;
  // The status and headers of each answer, besides its body.
  client.setReturnExtendedResponses(true);

  try {
    // Ids of the simulator's seeded entities, for the operations on stateful resources.
    const ids = {};
    const me = (await getJson('/api/v2/users/me', token)).id;
    for (const [param, path, pick] of [
      ['roleId', '/api/v2/authorization/roles', () => true],
      ['divisionId', '/api/v2/authorization/divisions', (e) => !e.homeDivision],
      ['groupId', '/api/v2/groups', () => true],
      ['queueId', '/api/v2/routing/queues', () => true],
      ['presenceId', '/api/v2/presencedefinitions', () => true],
      ['definitionId', '/api/v2/presence/definitions', () => true],
    ]) {
      ids[param] = (await getJson(path, token)).entities.find(pick).id;
    }
    // The user: a member of that queue other than the token's user, so that deleting it (and
    // revoking its tokens) leaves the token working.
    const members = await getJson(`/api/v2/routing/queues/${ids.queueId}/members`, token);
    ids.userId = members.entities.find((m) => m.id !== me).id;
    ids.subjectId = ids.memberId = ids.userId;
    // Bodies that name other entities name those (as a client would); a user's PATCH changes
    // fields rather than only its state (with a state, the state is the only change).
    const overrides = {
      putUserRoles: () => [ids.roleId],
      postRoutingQueueMembers: () => [{ id: ids.userId }],
      patchRoutingQueueMembers: () => [{ id: ids.userId, joined: true }],
      patchUserQueues: () => [{ id: ids.queueId, joined: true }],
      patchUser: (b) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== 'state')),
    };

    const ops = [];
    let pypiOnly = 0;
    for (const [path, item] of Object.entries(spec.paths)) {
      const shared = item.parameters || [];
      for (const [verb, op] of Object.entries(item)) {
        if (verb === 'parameters') continue;
        if (op['x-sdk-source'] === 'pypi') {
          pypiOnly += 1;
          continue;
        }
        ops.push({ verb: verb.toUpperCase(), path, op, params: [...shared, ...(op.parameters || [])] });
      }
    }
    // Deletes last, the deepest paths first (a user's sub-resources before the user), and the
    // deletion of the token itself at the very end.
    const key = (o) => [
      o.verb === 'DELETE' ? 1 : 0,
      o.op.operationId === 'deleteTokensMe' ? 1 : 0,
      o.verb === 'DELETE' ? -o.path.split('/').length : 0,
    ];
    ops.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
      return 0;
    });

    let swept = 0;
    let clean = 0;
    let empty = 0;
    const failures = [];
    for (const { verb, path, op, params } of ops) {
      const opId = op.operationId;
      const label = `${verb} ${path} (${opId})`;
      swept += 1;
      try {
        // Every class the operation's tags name has the method; the first one calls it.
        const owners = (op.tags || []).map((tag) => classes.get(tag) || `(tag ${tag})`);
        const lacking = owners.filter(
          (cls) => typeof platformClient[cls]?.prototype?.[opId] !== 'function',
        );
        if (!owners.length || lacking.length) {
          failures.push(`${label}: no method ${opId} in ${(lacking.length ? lacking : ['any class']).join(', ')}`);
          continue;
        }
        const cls = owners[0];
        const api = new platformClient[cls]();
        const method = describeMethod(api[opId]);
        if (!method) throw new Error(`cannot read the source of ${cls}.${opId}`);
        if (method.verb !== verb || method.path !== path) {
          failures.push(`${label}: the SDK's ${cls}.${opId} calls ${method.verb} ${method.path}`);
          continue;
        }
        const byWire = new Map(params.map((p) => [`${p.in} ${p.name}`, p]));
        const bodyParam = params.find((p) => p.in === 'body');
        const body = () => {
          const b = bodies.forOperation(bodyParam.schema || {});
          return overrides[opId] ? overrides[opId](b) : b;
        };
        const args = [];
        const opts = {};
        for (const name of method.params) {
          if (name === 'opts') {
            args.push(opts);
            continue;
          }
          const [where, wire] = method.where.get(name) || [];
          if (where === 'body' && bodyParam) args.push(body());
          else if (byWire.has(`${where} ${wire}`)) args.push(paramValue(byWire.get(`${where} ${wire}`), ids));
          else throw new Error(`no spec parameter for ${cls}.${opId}(${name})`);
        }
        // A body the spec makes optional is sent too: a PUT without one means nothing.
        for (const [name, [where, wire]] of method.where) {
          if (where === 'body' && name.startsWith('opts.') && bodyParam) opts[wire] = body();
        }

        const answer = await api[opId](...args);
        const schema = op.responses?.['200']?.schema;
        if (!(answer.status >= 200 && answer.status < 300)) {
          failures.push(`${label}: status ${answer.status}`);
        } else if (!schema) {
          // No return type in the SDK: the answer carries no body.
          if (answer.body === undefined || answer.body === null || answer.body === '') empty += 1;
          else failures.push(`${label}: ${answer.status} with a ${typeOf(answer.body)} body, none declared`);
        } else if (answer.body === undefined || answer.body === null || answer.body === '') {
          failures.push(`${label}: ${answer.status} with no body, ${schema.$ref || schema.type} declared`);
        } else {
          const ct = String(answer.headers?.['content-type'] || '');
          // Text where the operation produces only text (the integration action templates:
          // axios hands back a template that parses as JSON parsed, as it would from the
          // service, so only the media type is checked there).
          const produces = op.produces || spec.produces || [];
          const text = produces.length > 0 && produces.every((m) => m.startsWith('text/'));
          const problems = [];
          if (text && !produces.some((m) => ct.startsWith(m))) {
            problems.push(`content-type '${ct}', not ${produces.join(' or ')}`);
          } else if (!text && !/^application\/([\w.-]+\+)?json\b/.test(ct)) {
            problems.push(`content-type '${ct}', not JSON`);
          }
          if (!text) shapeErrors(spec.definitions, schema, answer.body, 'body', problems);
          if (problems.length) failures.push(`${label}: ${problems.join('; ')}`);
          else clean += 1;
        }
      } catch (e) {
        failures.push(`${label}: ${describeError(e)}`);
      }
    }

    for (const f of failures.slice(0, 60)) console.log(`FAIL ${f}`);
    if (failures.length > 60) console.log(`... and ${failures.length - 60} more`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const lines = [
      `js-sdk sweep (purecloud-platform-client-v2 ${SDK_VERSION}): operations swept: ${swept} ` +
        `(${pypiOnly} operations only the PyPI package has are not in this version)`,
      `js-sdk sweep: answers decoded cleanly: ${clean} (and ${empty} operations answering 204 with no body)`,
      `js-sdk sweep: failures: ${failures.length}`,
      `js-sdk sweep: ${seconds} s`,
    ];
    for (const line of lines) console.log(line);
    assert.ok(swept > 0, 'no operation swept');
    assert.equal(clean + empty + failures.length, swept);
    // The failures are listed above (the first 60); the assertion names the count only.
    assert.equal(failures.length, 0, `${failures.length} of ${swept} operations failed`);
  } finally {
    client.setReturnExtendedResponses(false);
    // The next test file gets the simulator as seeded (the sweep wrote, deleted and revoked).
    await admin('POST', '/__sim/reset');
  }
});
