@ceph @ceph-ha @failsafe-L1
Feature: A lost active manager is replaced by the standby within a bound
  The HA lab runs two managers, x and y; one is active, the other stands by. When the active one stops sending
  beacons, the monitors make the standby active after `mon mgr beacon grace` (8 s in the lab, Ceph's default is
  30 s) plus up to one monitor tick (5 s). Client I/O does not go through the manager and must not notice.
  The manager stopped is the one active at the injection; it comes back as the new standby.

  One reading a second covers the cluster, its monitors and managers, over one librados session (a few ms of
  CPU per reading; the ceph CLI, ~0.6 s of CPU per reading, only where the session cannot start).

  Background:
    Given the Ceph cluster with its monitors and managers is probed every 1s
    And client I/O on pool "scs-chaos-lab" is probed at 2 Hz with a timeout of 10s
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 10s in steady state

  Scenario: the active manager is stopped for 25s and the standby takes over
    When the active manager is stopped for 25s
    Then a standby manager is active within 20s
    And client writes stay available during the fault
    And the cluster is HEALTH_OK with all PGs active+clean within 1m
