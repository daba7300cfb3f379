@ceph @failsafe-L1
Feature: Re-replication: with more OSDs than copies, an OSD marked out is healed around
  With four OSDs and pools of size 3, the PGs of an OSD marked out are backfilled onto the other three, so the
  cluster is HEALTH_OK with all PGs active+clean again while the OSD is still out — the healing an operator
  relies on before replacing a disk. Needs the four-node lab (experiments/environments/lab-ceph4.yaml).

  Scenario: osd.1 is marked out and its data is re-replicated while it stays out
    Given the pool "scs-chaos-lab" holds 64 MiB of test data
    And the Ceph cluster is probed every 1s
    And client I/O on pool "scs-chaos-lab" is probed at 2 Hz
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 5s in steady state
    When osd.1 is marked out for 60s
    Then osd.1 is marked out within 5s
    And the cluster is HEALTH_OK with all PGs active+clean within 45s while the fault lasts
    And client writes stay available during the fault
