@ceph @ceph-ha @failsafe-L1
Feature: A lost monitor leaves a quorum: clients keep writing and the cluster is healthy again after it returns
  The HA lab (experiments/environments/lab-ceph-ha.yaml) runs three monitors a, b and c. Stopping one leaves two
  of three, still a majority: the remaining monitors elect a leader without it (mon lease 2 s, election timeout
  2 s in the lab), client I/O goes on (a new rados client may hunt for a live monitor, hence the 10 s timeout),
  and once the monitor is started again it rejoins the quorum and the cluster is HEALTH_OK with all PGs
  active+clean again.

  One reading a second covers the cluster, its monitors and managers, over one librados session (a few ms of
  CPU per reading; the ceph CLI, ~0.6 s of CPU per reading, only where the session cannot start).

  Background:
    Given the Ceph cluster with its monitors and managers is probed every 1s
    And client I/O on pool "scs-chaos-lab" is probed at 2 Hz with a timeout of 10s
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 10s in steady state

  Scenario: a peon monitor is stopped for 20s
    When monitor c is stopped for 20s
    Then monitor c is out of quorum within 15s
    And the monitors have quorum within 20s
    And the cluster is HEALTH_OK with all PGs active+clean within 1m
    And client writes stay available during the fault

  Scenario: the leader monitor is stopped for 20s
    When monitor a is stopped for 20s
    Then monitor a is out of quorum within 15s
    And the monitors have quorum within 20s
    And the cluster is HEALTH_OK with all PGs active+clean within 1m
    And client writes stay available during the fault
