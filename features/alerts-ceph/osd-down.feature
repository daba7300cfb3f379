@alerts @ceph @failsafe-L1
Feature: A stopped OSD raises CephOSDDown, which resolves once the OSD is back
  CephOSDDown (experiments/alerts/ceph.rules.yml, after the Ceph mixin) fires on the manager's OSD_DOWN health
  check. In the lab an OSD is marked down after the heartbeat grace (5 s) and the rule waits 5 s more (`for:`).
  Ceph's alerts are cluster-wide: they carry no node label, so the step names no node.
  Needs `scs-chaos lab up --with ceph,alerting`.

  Scenario: osd.1 stopped raises CephOSDDown, which resolves after the fault
    Given alerts are watched
    And the Ceph cluster is probed every 1s
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 3s in steady state
    When osd.1 is stopped for 12s
    Then the alert "CephOSDDown" fires within 12s
    And it resolves within 15s after the fault
