@ceph @failsafe-L1
Feature: An OSD marked out and in again: data moves away and back, and the cluster is clean again
  `ceph osd out` keeps the daemon running but takes its data placement away; `ceph osd in` (the revert)
  brings it back, and backfill or recovery must complete.

  Scenario: osd.2 is out for 20s and the backfill after "in" completes
    Given the Ceph cluster is probed every 1s
    And client I/O on pool "scs-chaos-lab" is probed at 2 Hz
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 5s in steady state
    When osd.2 is marked out for 20s
    Then osd.2 is marked out within 5s
    And the cluster is HEALTH_OK with all PGs active+clean within 2m
    And client writes stay available during the fault
    And client writes stay available after the fault

  Scenario: with noout set, the cluster holds back and is clean again once it is unset
    Given the Ceph cluster is probed every 1s allowing the health check "OSDMAP_FLAGS"
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 5s in steady state
    When the noout flag is set for 10s
    Then the cluster is HEALTH_OK with all PGs active+clean within 1m
