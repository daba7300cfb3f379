"""Keystone of the scs-chaos lab (lab/openstack/) in one Python start, under Debian's /usr/bin/python3.

usage: keystone-setup.py STATE_DIR KEYSTONE_CONF < request.json

Does what `keystone-manage db_sync` and `keystone-manage bootstrap` do (admin user and project, roles admin, member
and reader, the identity endpoints), then registers what the lab needs through Keystone's own managers, the code
behind its REST API: the load-balancer roles Octavia's policies name, the service project with one user per
service (role admin on it), the catalogue (public, internal and admin endpoint of each service), the scenario
project and user with their roles, and the user's application credential. The request (stdin, JSON, so no secret
shows on a command line) carries secrets, names and URLs; the last line of the output is the result as JSON (ids
and the application credential). Doing it here saves two Python starts and a start of Keystone's API just to
register over REST (~15 s on two busy cores). Like launch.py, it writes nothing outside STATE_DIR.
"""
import json
import os
import sys
import uuid

sys.dont_write_bytecode = True
state_dir, config_file = sys.argv[1:]
request = json.load(sys.stdin)
os.environ["XDG_CACHE_HOME"] = os.path.join(state_dir, "cache")
sys.argv = ["keystone-manage", "--config-file", config_file]

import keystone.conf  # noqa: E402
from keystone.cmd import bootstrap  # noqa: E402
from keystone.common import provider_api, sql  # noqa: E402
from keystone.common.sql import upgrades  # noqa: E402

# As keystone-manage's main() prepares itself, without its command-line sub-commands.
CONF = keystone.conf.CONF
keystone.conf.configure()
sql.initialize()
keystone.conf.set_default_for_default_log_levels()
CONF(args=sys.argv[1:], project="keystone", default_config_files=[])
keystone.conf.setup_logging()

upgrades.offline_sync_database_to_version()  # keystone-manage db_sync

boot = bootstrap.Bootstrapper()  # keystone-manage bootstrap
boot.admin_username, boot.admin_password = "admin", request["adminPassword"]
boot.project_name, boot.admin_role_name, boot.service_name = "admin", "admin", "keystone"
boot.region_id = request["region"]
boot.public_url = boot.internal_url = boot.admin_url = request["identityUrl"]
boot.immutable_roles = True
boot.bootstrap()

api = provider_api.ProviderAPIs
roles = {role["name"]: role["id"] for role in api.role_api.list_roles()}
for name in request["roles"]:
    if name not in roles:
        role_id = uuid.uuid4().hex
        roles[name] = api.role_api.create_role(role_id, {"id": role_id, "name": name})["id"]


def project(name, description):
    project_id = uuid.uuid4().hex
    api.resource_api.create_project(project_id, {"id": project_id, "name": name, "domain_id": "default", "enabled": True, "description": description})
    return project_id


def user(name, password, project_id, role_names):
    created = api.identity_api.create_user({"name": name, "domain_id": "default", "enabled": True, "password": password, "default_project_id": project_id})
    for role in role_names:
        api.assignment_api.add_role_to_user_and_project(created["id"], project_id, roles[role])
    return created["id"]


service_project = project(request["serviceProject"], "OpenStack service users (scs-chaos lab)")
for service in request["services"]:
    user(service["user"], request["servicePassword"], service_project, ["admin"])
    service_id = uuid.uuid4().hex
    api.catalog_api.create_service(service_id, {"id": service_id, "name": service["user"], "type": service["type"], "enabled": True})
    for interface in ("public", "internal", "admin"):
        endpoint_id = uuid.uuid4().hex
        api.catalog_api.create_endpoint(endpoint_id, {"id": endpoint_id, "service_id": service_id, "interface": interface, "url": service["url"], "region_id": request["region"], "enabled": True})

project_id = project(request["project"], "What scs-chaos scenarios act on in the lab")
user_id = user(request["user"], request["userPassword"], project_id, request["roles"])
credential = api.application_credential_api.create_application_credential({
    "id": uuid.uuid4().hex,
    "name": request["applicationCredential"],
    "description": "scs-chaos lab: the application-credential cloud of clouds.yaml",
    "user_id": user_id,
    "project_id": project_id,
    "secret": request["applicationCredentialSecret"],
    "roles": [{"id": roles[name]} for name in request["roles"]],
    "unrestricted": False,
    "expires_at": None,
})
print(json.dumps({"projectId": project_id, "userId": user_id, "applicationCredential": {"id": credential["id"], "secret": request["applicationCredentialSecret"]}}), flush=True)
