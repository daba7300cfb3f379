"""SQLite with several writers, in the scs-chaos lab's OpenStack (lab/openstack/): imported by every service before
its first transaction (launch.py imports it; the uwsgi APIs get --pythonpath and --import).

oslo.db starts every SQLite transaction with a deferred BEGIN. A transaction that has read and then writes fails
at once with "database is locked" when another connection committed in between (its snapshot is stale; SQLite
does not wait then). Nova's API, conductor and scheduler, Neutron's workers and Octavia's services write the same
files. Seen here: a server delete went to ERROR when Placement failed so. Two things keep it rare:
  - Keystone and Placement, whose databases only they use, answer with one uwsgi thread (lab/openstack/config.ts);
  - this module makes oslo.db report "database is locked" as DBDeadlock, which the projects' own
    retry_on_deadlock decorators retry (Nova has them on its busiest writes).
BEGIN IMMEDIATE for every transaction would end it but deadlocks where the projects nest an independent
transaction inside a writing one on the same file (Placement does when it allocates).
"""
from oslo_db import exception
from oslo_db.sqlalchemy import exc_filters
from sqlalchemy import exc as sqla_exc


@exc_filters.filters("sqlite", sqla_exc.OperationalError, r".*database is locked")
def _sqlite_locked(operational_error, match, engine_name, is_disconnect):
    raise exception.DBDeadlock(operational_error)
