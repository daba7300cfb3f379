"""SQLite helpers of the scs-chaos lab's OpenStack (lab/openstack/), run under Debian's /usr/bin/python3.

usage: db-schema.py neutron|octavia SQLITE_URL   create the schema from the models, stamped as the newest
       db-schema.py wal DB_FILE...               switch databases to write-ahead logging

neutron-db-manage and octavia-db-manage cannot migrate SQLite (their migrations ALTER constraints), so the schema
is created from the models, as the projects' own unit tests do, and alembic_version gets the newest revisions, as
`neutron-db-manage stamp heads` / `octavia-db-manage stamp head` would write them (here, without two more Python
starts of ~3 s each). Octavia's lookup tables are seeded as octavia/tests/functional/db/base.py
(_seed_lookup_tables) does.
WAL lets the API, conductor, scheduler and compute read while one of them writes (without it Keystone and Nova
answer "database is locked" under load).
"""
import sqlite3
import sys
import warnings

sys.dont_write_bytecode = True
# Octavia's models draw SQLAlchemy warnings about overlapping tag relationships: known, harmless, and noisy.
warnings.filterwarnings("ignore", message=".*relationship .* will copy column")


def wal(path):
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()


def stamp(engine, revisions):
    """What `alembic stamp` writes into a database that has no alembic_version table yet."""
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        for revision in revisions:
            connection.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES (?)", (revision,))


def neutron(url):
    import os
    import sqlalchemy
    from neutron.db.migration import alembic_migrations
    from neutron.db.migration.models import head
    engine = sqlalchemy.create_engine(url)
    head.get_metadata().create_all(engine)
    # Neutron keeps the heads of its expand and contract branches in these two files.
    versions = os.path.join(os.path.dirname(alembic_migrations.__file__), "versions")
    stamp(engine, [open(os.path.join(versions, name)).read().strip() for name in ("EXPAND_HEAD", "CONTRACT_HEAD")])


def octavia(url):
    import sqlalchemy
    from sqlalchemy import orm
    from octavia.common import constants as C
    from octavia.db import base_models, models as M
    engine = sqlalchemy.create_engine(url)
    base_models.BASE.metadata.create_all(engine)
    session = orm.Session(bind=engine)
    lookups = [(C.SUPPORTED_PROVISIONING_STATUSES, M.ProvisioningStatus), (C.SUPPORTED_HEALTH_MONITOR_TYPES, M.HealthMonitorType),
               (C.SUPPORTED_LB_ALGORITHMS, M.Algorithm), (C.SUPPORTED_PROTOCOLS, M.Protocol),
               (C.SUPPORTED_OPERATING_STATUSES, M.OperatingStatus), (C.SUPPORTED_SP_TYPES, M.SessionPersistenceType),
               (C.SUPPORTED_AMPHORA_ROLES, M.AmphoraRoles), (C.SUPPORTED_LB_TOPOLOGIES, M.LBTopology),
               (C.SUPPORTED_VRRP_AUTH, M.VRRPAuthMethod), (C.SUPPORTED_L7RULE_TYPES, M.L7RuleType),
               (C.SUPPORTED_L7RULE_COMPARE_TYPES, M.L7RuleCompareType), (C.SUPPORTED_L7POLICY_ACTIONS, M.L7PolicyAction),
               (C.SUPPORTED_CLIENT_AUTH_MODES, M.ClientAuthenticationMode)]
    for names, model in lookups:
        for lookup in names:
            session.add(model(name=lookup))
    session.flush()
    # Placeholders Octavia's migrations create: deleted load balancers point at them.
    session.add(M.FlavorProfile(id=C.NIL_UUID, name="DELETED-PLACEHOLDER", provider_name=C.DELETED, flavor_data="{}"))
    session.flush()
    session.add(M.Flavor(id=C.NIL_UUID, flavor_profile_id=C.NIL_UUID, name="DELETED-PLACEHOLDER", enabled=False,
                         description="Placeholder for DELETED LBs with DELETED flavors"))
    session.flush()
    session.add(M.AvailabilityZoneProfile(id=C.NIL_UUID, name="DELETED-PLACEHOLDER", provider_name=C.DELETED,
                                          availability_zone_data="{}"))
    session.flush()
    session.add(M.AvailabilityZone(availability_zone_profile_id=C.NIL_UUID, name=C.NIL_UUID, enabled=False,
                                   description="Placeholder for DELETED LBs with DELETED availability zones"))
    session.commit()
    import os
    from alembic.script import ScriptDirectory
    from octavia.db import migration
    stamp(engine, ScriptDirectory(os.path.join(os.path.dirname(migration.__file__), "alembic_migrations")).get_heads())


command, *arguments = sys.argv[1:]
if command == "wal":
    for database in arguments:
        wal(database)
elif command in ("neutron", "octavia"):
    globals()[command](arguments[0])
    wal(arguments[0].split("sqlite:///", 1)[1].split("?", 1)[0])
else:
    sys.exit(f"db-schema.py: unknown command {command}")
