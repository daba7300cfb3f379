@ceph @failsafe-L1
Feature: A hung OSD (SIGSTOP, "a hung disk") is reported down soon after the heartbeat grace
  A paused ceph-osd keeps its sockets open but answers nothing. Its peers must report it after the lab's
  heartbeat grace (5 s; 20 s by Ceph's default) — plus the next heartbeat round, the reporters' tick and the
  monitor's proposal, 5.5-10.5 s measured in the lab — the monitor must mark it down, and after SIGCONT it must
  rejoin and the cluster must be clean again. Writes to its PGs block until it is marked down.

  Scenario: osd.0 is paused for 15s, seen down within 15s, and the cluster heals
    Given the Ceph cluster is probed every 1s
    And client I/O on pool "scs-chaos-lab" is probed at 2 Hz with a timeout of 30s
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 5s in steady state
    When osd.0 is paused for 15s
    Then osd.0 is seen down within 15s
    And the cluster is HEALTH_OK with all PGs active+clean within 2m
    And client writes stay available during the fault
    And the SLO "max < 20s" holds for probe "rados-write:scs-chaos-lab" during the fault
