@ceph @network @failsafe-L1
Feature: A storage node cut off from the network takes its OSD down, and the cluster heals after the revert
  Each lab OSD is bound to its node's address inside the node's network namespace, so isolating the node
  isolates its OSD for real: its peers stop hearing its heartbeats and report it down after the grace.
  Until then, writes to PGs whose primary is the isolated OSD block (Ceph never fails them): the hypothesis is
  that every write completes, none later than 20 s — the grace, the report and the re-peering.

  Scenario: node-2 is isolated, osd.1 is seen down, the cluster is clean again after the revert
    Given the Ceph cluster is probed every 1s
    And client I/O on pool "scs-chaos-lab" is probed at 2 Hz with a timeout of 30s
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 5s in steady state
    When node-2 is isolated from the network for 20s
    Then osd.1 is seen down within 15s
    And the cluster is HEALTH_OK with all PGs active+clean within 2m
    And client writes stay available during the fault
    And the SLO "max < 20s" holds for probe "rados-write:scs-chaos-lab" during the fault

  Scenario: the storage host node-3 is lost for 20s and the cluster heals after it returns
    Given the Ceph cluster is probed every 1s
    And client I/O on pool "scs-chaos-lab" is probed at 2 Hz
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 5s in steady state
    When the storage host node-3 is lost for 20s
    Then osd.2 is seen down within 10s
    And the cluster is HEALTH_OK with all PGs active+clean within 2m
    And client writes stay available during the fault
