"""Nova's databases for the scs-chaos lab (lab/openstack/) in one Python start, under Debian's /usr/bin/python3.

usage: nova-db.py STATE_DIR NOVA_CONF CELL0_URL

Does what `nova-manage api_db sync`, `nova-manage cell_v2 map_cell0 --database_connection CELL0_URL`,
`nova-manage cell_v2 create_cell --name cell1` and `nova-manage db sync` do, in that order, calling the same
command classes: each of those commands alone costs ~3 s of CPU to start, most of the lab's bootstrap.
Like launch.py, it writes nothing outside STATE_DIR.
"""
import os
import sys

sys.dont_write_bytecode = True
state_dir, nova_conf, cell0_url = sys.argv[1:]
os.environ["XDG_CACHE_HOME"] = os.path.join(state_dir, "cache")
os.environ["SCS_CHAOS_LAB"] = state_dir
sys.argv = ["nova-manage", "--config-file", nova_conf]

from nova.cmd import manage  # noqa: E402  (nova.cmd monkey-patches eventlet first)
from nova import config, objects  # noqa: E402
from oslo_log import log as logging  # noqa: E402

config.parse_args(sys.argv)
logging.setup(config.CONF, "nova")
objects.register_all()
cells = manage.CellV2Commands()
for what, run in [
    ("api_db sync", lambda: manage.ApiDbCommands().sync()),
    ("cell_v2 map_cell0", lambda: cells.map_cell0(database_connection=cell0_url)),
    ("cell_v2 create_cell --name cell1", lambda: cells.create_cell(name="cell1")),
    ("db sync", lambda: manage.DbCommands().sync()),
]:
    code = run()
    if code not in (None, 0):
        sys.exit(f"nova-manage {what} failed with {code}")
    print(f"nova-manage {what}: done", flush=True)
