"""The official Python SDK's own integration flow, and a user's sub-resources, against the
simulator.

The flow is the one the SDK's maintainers run against a real org after each build: log in with
client credentials, create a user from a name, an email and a password only, patch its
department at version 1, put its profile skills and get exactly them back, read the user with
expand=profileSkills,dateLastLogin, read it again through a client that only has the token
(with request hooks), delete it. Then the user's sub-resources that a client writes are read
back through the SDK's typed models: routing skills and languages, roles, queue memberships,
station; and a deleted user is listed with state=deleted.

    PURECLOUD_SIM_URL=http://127.0.0.1:PORT python flows.py

Prints one line per step and "passed" / "failed" counts; exits 1 on any failure. A failed step
stops the flow (the later ones build on it).
"""
import sys
import time
import traceback
import uuid

from support import CLIENT_ID, CLIENT_SECRET, admin, api_client

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException

state = {}
STEPS = []


def model(cls, **attrs):
    """A model of the SDK with these attributes (its constructors take none)."""
    m = cls()
    for k, v in attrs.items():
        setattr(m, k, v)
    return m


def step(fn):
    STEPS.append(fn)
    return fn


@step
def authenticate():
    """ApiClient.get_client_credentials_token, as the SDK's test does."""
    admin("POST", "/__sim/reset")
    client = api_client().get_client_credentials_token(CLIENT_ID, CLIENT_SECRET)
    assert client.access_token, "no token"
    state["client"] = client
    state["users"] = gc.UsersApi(client)


@step
def create_user():
    body = gc.CreateUser()
    body.name = "Python SDK Tester"
    body.email = "%s@python-sdk.example.com" % uuid.uuid4()
    body.password = "%s!@#$1234asdfASDF" % uuid.uuid4()
    user = state["users"].post_users(body)
    assert user.name == body.name and user.email == body.email, user
    home = gc.AuthorizationApi(state["client"]).get_authorization_divisions_home()
    assert user.division.id == home.id, (user.division, home.id)
    state["user"] = user


@step
def update_user():
    update = gc.UpdateUser()
    update.department = "Ministry of Testing"
    update.version = 1
    user = state["users"].patch_user(state["user"].id, update)
    assert user.id == state["user"].id
    assert user.name == state["user"].name and user.email == state["user"].email
    assert user.department == "Ministry of Testing", user.department
    assert user.version == 2


@step
def set_profile_skills():
    skills = state["users"].put_user_profileskills(state["user"].id, ["Testmaster"])
    assert skills == ["Testmaster"], skills


@step
def get_user():
    user = state["users"].get_user(state["user"].id, expand=["profileSkills", "dateLastLogin"])
    assert user.id == state["user"].id and user.name == state["user"].name
    assert user.department == "Ministry of Testing", user.department
    assert user.profile_skills == ["Testmaster"], user.profile_skills
    assert user.date_last_login is not None


@step
def get_user_again_with_the_token_only():
    """A new ApiClient with just the token and pre/post request hooks, as the SDK's test does."""
    calls = []

    def pre(options):
        calls.append("pre")
        options.headers["Test-Header"] = "PreHook-Test"
        return options

    def post(response):
        calls.append(("post", response.status))
        return response

    client = api_client()
    client.access_token = state["client"].access_token
    client.get_http_client().set_pre_request_hook(pre)
    client.get_http_client().set_post_request_hook(post)
    user = gc.UsersApi(client).get_user(state["user"].id, expand=["profileSkills"])
    assert calls == ["pre", ("post", 200)], calls
    assert user.department == "Ministry of Testing"
    assert user.profile_skills[0] == "Testmaster"


@step
def routing_skills_and_languages():
    users, uid = state["users"], state["user"].id
    skill_id = str(uuid.uuid4())
    posted = users.post_user_routingskills(uid, model(gc.UserRoutingSkillPost, id=skill_id, proficiency=4.5))
    assert posted.id == skill_id and posted.proficiency == 4.5 and posted.state == "active"
    listing = users.get_user_routingskills(uid)
    assert [(s.id, s.proficiency) for s in listing.entities] == [(skill_id, 4.5)], listing
    users.put_user_routingskill(uid, skill_id, model(gc.UserRoutingSkill, proficiency=2.0))
    lang_id = str(uuid.uuid4())
    users.post_user_routinglanguages(uid, model(gc.UserRoutingLanguagePost, id=lang_id, proficiency=3.0))
    user = users.get_user(uid, expand=["skills", "languages"])
    assert [(s.id, s.proficiency) for s in user.skills] == [(skill_id, 2.0)], user.skills
    assert [(l.id, l.proficiency) for l in user.languages] == [(lang_id, 3.0)], user.languages


@step
def roles():
    client, uid = state["client"], state["user"].id
    roles = gc.AuthorizationApi(client).get_authorization_roles(name="Supervisor").entities
    supervisor = next(r for r in roles if r.name == "Supervisor")
    auth = state["users"].put_user_roles(uid, [supervisor.id])
    assert [(r.id, r.name) for r in auth.roles] == [(supervisor.id, "Supervisor")], auth.roles
    assert sorted(auth.permissions) == sorted(supervisor.permissions)
    again = state["users"].get_user_roles(uid)
    assert [r.id for r in again.roles] == [supervisor.id]


@step
def queue_membership():
    client, uid = state["client"], state["user"].id
    routing = gc.RoutingApi(client)
    queue = routing.get_routing_queues(name="Support").entities[0]
    routing.post_routing_queue_members(queue.id, [model(gc.WritableEntity, id=uid)])
    mine = state["users"].get_user_queues(uid)
    assert [(q.id, q.joined) for q in mine.entities] == [(queue.id, False)], mine.entities
    joined = state["users"].patch_user_queue(queue.id, uid, model(gc.UserQueue, joined=True))
    assert joined.joined is True
    members = routing.get_routing_queue_members(queue.id, joined=True, page_size=100)
    assert uid in [m.id for m in members.entities]


@step
def station():
    uid = state["user"].id
    station_id = str(uuid.uuid4())
    state["users"].put_user_station_associatedstation_station_id(uid, station_id)
    stations = state["users"].get_user_station(uid)
    assert stations.associated_station.id == station_id
    assert stations.associated_station.associated_user.id == uid
    assert stations.effective_station.id == station_id


@step
def delete_user():
    uid = state["user"].id
    state["users"].delete_user(uid)
    try:
        state["users"].get_user(uid)
        raise AssertionError("a deleted user must be 404")
    except ApiException as e:
        assert e.status == 404, e.status
        assert '"code":"not.found"' in e.body.replace(" ", ""), e.body
        assert e.headers["inin-correlation-id"] in e.body
    deleted = state["users"].get_users(state="deleted")
    assert [(u.id, u.state) for u in deleted.entities] == [(uid, "deleted")], deleted.entities


def main():
    started = time.monotonic()
    passed = failed = 0
    for fn in STEPS:
        try:
            fn()
            passed += 1
            print("ok    %s" % fn.__name__)
        except Exception:  # noqa: BLE001
            failed += 1
            print("FAIL  %s" % fn.__name__)
            traceback.print_exc(file=sys.stdout)
            break
    skipped = len(STEPS) - passed - failed
    print("python-sdk flows: %d passed, %d failed, %d not run (%.1f s)"
          % (passed, failed, skipped, time.monotonic() - started))
    return 1 if failed or skipped or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
