@ceph @failsafe-L1
Feature: A killed OSD is restarted and the cluster heals to clean while clients keep writing
  The lab runs one OSD per node under the node's supervisord, with a pool of size 3 and min_size 2 across
  the nodes (failure domain host). Killing one OSD leaves two copies of every object: client I/O must go on
  (writes to PGs whose primary died block until the OSD is marked down or back — every write must complete,
  none later than 20 s), and once the supervisor has restarted the daemon, Ceph must be HEALTH_OK with all PGs
  active+clean again.

  Background:
    Given the Ceph cluster is probed every 1s
    And client I/O on pool "scs-chaos-lab" is probed at 2 Hz with a timeout of 30s
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 5s in steady state

  Scenario: one OSD on node-2 is killed and the cluster is clean within 2 minutes
    When one OSD on node-2 is killed
    And the fault is observed for 10s
    Then the cluster is HEALTH_OK with all PGs active+clean within 2m
    And client writes stay available during the fault
    And client reads stay available during the fault
    And the SLO "max < 20s" holds for probe "rados-write:scs-chaos-lab" during the fault
