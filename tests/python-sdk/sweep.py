"""Every operation of the spec through the official Python SDK, against the simulator.

Each operation is called once through its generated method (the SDK class of its first tag),
with its required parameters and a body built from the spec; the SDK sends it, and decodes the
answer into its typed model as it does for a user. An answer is clean when the call returns
without an exception (the SDK raises on a date-time it cannot parse or on a value outside a
model's constraints) and no enum value in the decoded model was replaced by the SDK's
"outdated_sdk_version" marker. Anything else is a failure: a refused request, an exception,
or a substituted enum.

    PURECLOUD_SIM_URL=http://127.0.0.1:PORT python sweep.py [SPEC]

Prints "operations swept", "answers decoded cleanly" and "failures" and exits 1 on any
failure.
"""
import inspect
import json
import os
import re
import sys
import time
import urllib.request
import warnings

from support import DEFAULT_USER_EMAIL, admin, api_client, base_url, sim_token

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException

OUTDATED = "outdated_sdk_version"
HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "spec", "platform-api-v2.json")

# ---------------------------------------------------------------------------------------------
# The SDK's generated methods: (HTTP method, path template) -> class, method, parameter names.


def sdk_methods():
    """Reads every generated API method: its path, HTTP method, response type and how its
    Python parameter names map to the wire names."""
    apis_dir = os.path.join(os.path.dirname(gc.__file__), "apis")
    found = {}
    for fname in sorted(os.listdir(apis_dir)):
        if not fname.endswith("_api.py"):
            continue
        with open(os.path.join(apis_dir, fname), encoding="utf-8") as f:
            text = f.read()
        cls = re.search(r"^class (\w+)\(object\):", text, re.M)
        if not cls:
            continue
        for block in re.split(r"\n    def ", text)[1:]:
            name = block.split("(", 1)[0]
            path = re.search(r"resource_path = '([^']+)'", block)
            verb = re.search(r"call_api\(resource_path, '(\w+)'", block)
            if not (path and verb):
                continue
            wire = {}
            for where, w, py in re.findall(
                r"(path|query|header)_params\['([^']+)'\] = params\['(\w+)'\]", block
            ):
                wire[py] = (where, w)
            body = re.search(r"body_params = params\['(\w+)'\]", block)
            if body:
                wire[body.group(1)] = ("body", body.group(1))
            key = (verb.group(1).upper(), path.group(1))
            found.setdefault(key, []).append((cls.group(1), name, wire))
    return found


# ---------------------------------------------------------------------------------------------
# Sample values.

UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def param_value(p, ids):
    """A value for a path, query or header parameter of the spec."""
    t = p.get("type", "string")
    if t == "array":
        return [param_value(dict(p.get("items", {}), name=p["name"]), ids)]
    if t == "integer":
        return 1
    if t == "number":
        return 1.5
    if t == "boolean":
        return True
    fmt = p.get("format")
    if fmt == "date":
        return "2024-05-01"
    if fmt == "date-time":
        return "2024-05-01T12:00:00.000Z"
    if p.get("in") == "header":
        return "x"
    return ids.get(p["name"], UUID)


class Bodies:
    """Request bodies from the spec: every property down to a depth, then required ones only;
    values of the declared type (the simulator checks types, enums and date formats)."""

    def __init__(self, spec):
        self.defs = spec["definitions"]

    def value(self, s, name="", depth=0, stack=()):
        if "$ref" in s:
            ref = s["$ref"].rsplit("/", 1)[-1]
            d = self.defs[ref]
            required = set(d.get("required", []))
            out = {}
            for pname, ps in d.get("properties", {}).items():
                if pname not in required and (depth >= 2 or ref in stack):
                    continue
                if ref in stack and "$ref" in ps:
                    continue
                out[pname] = self.value(ps, pname, depth + 1, stack + (ref,))
            return out
        t = s.get("type")
        if "enum" in s:
            return s["enum"][0]
        if t == "array":
            return [self.value(s.get("items", {}), name, depth, stack)]
        if t == "object":
            ap = s.get("additionalProperties")
            if isinstance(ap, dict):
                return {"key1": self.value(ap, "value", depth + 1, stack)}
            return {"key1": "value1"}
        if t == "integer":
            return s.get("minimum", 1)
        if t == "number":
            return s.get("minimum", 1.5)
        if t == "boolean":
            return True
        if t == "string":
            fmt = s.get("format")
            if fmt == "date":
                return "2024-05-01"
            if fmt == "date-time":
                return "2024-05-01T12:00:00.000Z"
            if name == "systemPresence":
                return "Available"
            if name == "id" or name.endswith("Id"):
                return UUID
            return "example %s" % name
        return "example"


# ---------------------------------------------------------------------------------------------
# The decoded answer: enum values the SDK replaced.


def outdated(value, path="response", seen=None):
    """Paths inside a decoded answer whose value is the SDK's outdated_sdk_version marker."""
    out = []
    if isinstance(value, str):
        if value == OUTDATED:
            out.append(path)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += outdated(v, "%s[%d]" % (path, i))
    elif isinstance(value, dict):
        for k, v in value.items():
            out += outdated(v, "%s.%s" % (path, k))
    elif hasattr(value, "swagger_types"):
        for attr in value.swagger_types:
            out += outdated(getattr(value, attr), "%s.%s" % (path, value.attribute_map[attr]))
    return out


def get_json(path, token):
    req = urllib.request.Request(base_url() + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def main():
    started = time.monotonic()
    spec_path = sys.argv[1] if len(sys.argv) > 1 else SPEC
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    classes = {t["name"]: t.get("x-sdk-class") for t in spec.get("tags", [])}
    methods = sdk_methods()
    bodies = Bodies(spec)

    admin("POST", "/__sim/reset")
    client = api_client()
    client.access_token = sim_token(DEFAULT_USER_EMAIL)

    # Ids of the simulator's seeded entities, for the operations on stateful resources.
    ids = {}
    me = get_json("/api/v2/users/me", client.access_token)["id"]
    for param, path, pick in [
        ("roleId", "/api/v2/authorization/roles", lambda e: True),
        ("divisionId", "/api/v2/authorization/divisions", lambda e: not e.get("homeDivision")),
        ("groupId", "/api/v2/groups", lambda e: True),
        ("queueId", "/api/v2/routing/queues", lambda e: True),
        ("presenceId", "/api/v2/presencedefinitions", lambda e: True),
        ("definitionId", "/api/v2/presence/definitions", lambda e: True),
    ]:
        entities = get_json(path, client.access_token)["entities"]
        ids[param] = next(e["id"] for e in entities if pick(e))
    # The user: a member of that queue other than the token's user, so that deleting it (and
    # revoking its tokens) leaves the token working.
    members = get_json("/api/v2/routing/queues/%s/members" % ids["queueId"], client.access_token)
    ids["userId"] = next(m["id"] for m in members["entities"] if m["id"] != me)
    ids["subjectId"] = ids["memberId"] = ids["userId"]
    # Bodies that name other entities name those (as a client would); a user's PATCH changes
    # fields rather than only its state (with a state, the state is the only change).
    overrides = {
        "putUserRoles": lambda b: [ids["roleId"]],
        "postRoutingQueueMembers": lambda b: [{"id": ids["userId"]}],
        "patchRoutingQueueMembers": lambda b: [{"id": ids["userId"], "joined": True}],
        "patchUserQueues": lambda b: [{"id": ids["queueId"], "joined": True}],
        "patchUser": lambda b: {k: v for k, v in b.items() if k != "state"},
    }

    ops = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for verb, op in item.items():
            if verb == "parameters":
                continue
            ops.append((verb.upper(), path, op, shared + op.get("parameters", [])))
    # Deletes last, the deepest paths first (a user's sub-resources before the user), and the
    # deletion of the token itself at the very end.
    ops.sort(
        key=lambda o: (
            o[0] == "DELETE",
            o[2]["operationId"] == "deleteTokensMe",
            -o[1].count("/") if o[0] == "DELETE" else 0,
        )
    )

    swept = clean = empty = via_call_api = 0
    failures = []
    for verb, path, op, params in ops:
        op_id = op["operationId"]
        swept += 1
        candidates = methods.get((verb, path), [])
        tags = [classes.get(t) for t in op.get("tags", [])]
        candidates.sort(key=lambda c: tags.index(c[0]) if c[0] in tags else len(tags))
        body_param = next((p for p in params if p["in"] == "body"), None)
        try:
            if candidates:
                cls_name, name, wire = candidates[0]
                api = getattr(gc, cls_name)(client)
                fn = getattr(api, name)
                by_wire = {(w, n): p for p in params for (w, n) in [(p["in"], p["name"])]}
                kwargs = {}
                for py, param in inspect.signature(fn).parameters.items():
                    if param.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD or py == "self":
                        continue
                    where, w = wire.get(py, (None, None))
                    if where == "body" and body_param is not None:
                        body = bodies.value(body_param.get("schema", {}), "body")
                        kwargs[py] = overrides.get(op_id, lambda b: b)(body)
                    elif (where, w) in by_wire:
                        kwargs[py] = param_value(by_wire[(where, w)], ids)
                    else:
                        raise RuntimeError("no spec parameter for %s.%s(%s)" % (cls_name, name, py))
                # A body the spec makes optional is sent too: a PUT without one means nothing.
                for py, (where, _) in wire.items():
                    if where == "body" and py not in kwargs and body_param is not None:
                        body = bodies.value(body_param.get("schema", {}), "body")
                        kwargs[py] = overrides.get(op_id, lambda b: b)(body)
                # The SDK warns on each deprecated operation (resetting the warning filters as
                # it does); calling them is the point here, so the warnings are kept quiet.
                with warnings.catch_warnings(record=True):
                    result = fn(**kwargs)
            else:
                # Not generated in this SDK version (an operation only the npm package has):
                # the SDK's own ApiClient sends it and decodes the answer into the model.
                via_call_api += 1
                p_path = {p["name"]: param_value(p, ids) for p in params if p["in"] == "path"}
                query = {
                    p["name"]: param_value(p, ids)
                    for p in params
                    if p["in"] == "query" and p.get("required")
                }
                body = bodies.value(body_param["schema"], "body") if body_param else None
                schema = op.get("responses", {}).get("200", {}).get("schema", {})
                rtype = schema["$ref"].rsplit("/", 1)[-1] if "$ref" in schema else None
                result = client.call_api(
                    path, verb, p_path, query, {"Content-Type": "application/json"},
                    body=body, response_type=rtype, auth_settings=["PureCloud OAuth"],
                )
            bad = outdated(result)
            has_body = "schema" in op.get("responses", {}).get("200", {})
            if bad:
                failures.append("%s %s (%s): %s replaced by %s" % (verb, path, op_id, ", ".join(bad[:5]), OUTDATED))
            elif has_body and result is None:
                failures.append("%s %s (%s): no answer decoded" % (verb, path, op_id))
            elif has_body:
                clean += 1
            else:
                empty += 1
        except ApiException as e:
            failures.append("%s %s (%s): %s %s %s" % (verb, path, op_id, e.status, e.reason, (e.body or "")[:300]))
        except Exception as e:  # noqa: BLE001  (a decoding error of any kind is what we look for)
            failures.append("%s %s (%s): %s: %s" % (verb, path, op_id, type(e).__name__, str(e)[:300]))

    for f in failures[:60]:
        print("FAIL", f)
    if len(failures) > 60:
        print("... and %d more" % (len(failures) - 60))
    print("python-sdk sweep (PureCloudPlatformClientV2 %s): operations swept: %d (%d through ApiClient.call_api, not generated in this version)"
          % (sdk_version(), swept, via_call_api))
    print("python-sdk sweep: answers decoded cleanly: %d (and %d operations answering 204 with no body)" % (clean, empty))
    print("python-sdk sweep: failures: %d" % len(failures))
    print("python-sdk sweep: %.1f s" % (time.monotonic() - started))
    return 1 if failures or swept == 0 else 0


def sdk_version():
    from importlib import metadata
    return metadata.version("PureCloudPlatformClientV2")


if __name__ == "__main__":
    sys.exit(main())
