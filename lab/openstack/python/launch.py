"""Starts one OpenStack program of the scs-chaos lab (lab/openstack/) under Debian's /usr/bin/python3.

usage: /usr/bin/python3 launch.py STATE_DIR NAME MODULE:FUNCTION [ARGS...]

Debian's python3-* packages ship the OpenStack libraries but not every console script (nova-compute, nova-manage,
glance-api, neutron-server ... come with the service packages, which the lab does not install), so the lab calls
the entry point itself. NAME becomes sys.argv[0]: oslo.config and oslo.log name the program after it.
Contract: nothing is written outside STATE_DIR (the lab's <runDir>/openstack, deleted by `lab down`):
  - stevedore's entry-point cache goes to STATE_DIR/cache (XDG_CACHE_HOME), not to ~/.cache;
  - no __pycache__ is written next to this file (it lives in the repository);
  - SCS_CHAOS_LAB=STATE_DIR is in its environment (it re-executes itself once to put it there), so it and every
    child can be traced to the lab after its namespace is gone (lab/openstack/control-plane.ts).
neutron-server first configures every SQLAlchemy mapper: without service plugins, whether backrefs such as
Port.port_forwardings exist depends on import order (GET /v2.0/ports then answers 500 in one start of two).
"""
import importlib
import os
import sys

sys.dont_write_bytecode = True
state_dir, name, target, *args = sys.argv[1:]
if os.environ.get("SCS_CHAOS_LAB") != state_dir:
    # Start again with the marker in the real environment block (/proc/<pid>/environ, which a later os.environ
    # change does not reach): forked workers that rename themselves (octavia-worker's "ConsumerService worker")
    # carry it too. The command line stays the same, so supervisord and `lab up` still recognise the program.
    environment = dict(os.environ, SCS_CHAOS_LAB=state_dir, XDG_CACHE_HOME=os.path.join(state_dir, "cache"), PYTHONDONTWRITEBYTECODE="1")
    os.execve(sys.executable, [sys.executable, *sys.argv], environment)
if name.startswith("octavia-"):
    # cotyledon (octavia-worker's process manager) renames its processes when it can import setproctitle: keep the
    # command line, which names this lab's files (neutron-server, which needs the module, is told so in its
    # configuration instead).
    sys.modules["setproctitle"] = None
if name == "neutron-server":
    import neutron.db.migration.models.head  # noqa: F401  (imports every model)
    from sqlalchemy import orm
    orm.configure_mappers()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scs_lab_sqlite  # noqa: E402,F401  ("database is locked" is retried as a deadlock: see its docstring)
if name.startswith("nova-compute"):
    # Nova loads compute_driver from nova.virt only: the lab's driver (scs_lab_fake.py) is made visible there.
    # nova.cmd first: it applies eventlet's monkey patching, which must precede every other Nova import.
    import nova.cmd  # noqa: E402,F401
    import scs_lab_fake  # noqa: E402
    sys.modules["nova.virt.scs_lab_fake"] = scs_lab_fake

module_name, function = target.split(":")
sys.argv = [name, *args]
sys.exit(getattr(importlib.import_module(module_name), function)())
