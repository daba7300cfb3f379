@ceph @failsafe-L1
Feature: A hung OSD (SIGSTOP, "a hung disk") is reported down within the heartbeat grace
  A paused ceph-osd keeps its sockets open but answers nothing. Its peers must report it after the lab's
  heartbeat grace (5 s; 20 s by Ceph's default), the monitor must mark it down, and after SIGCONT it must
  rejoin and the cluster must be clean again.

  Scenario: osd.0 is paused for 15s, seen down within the grace, and the cluster heals
    Given the Ceph cluster is probed every 1s
    And client I/O on pool "scs-chaos-lab" is probed at 2 Hz
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 5s in steady state
    When osd.0 is paused for 15s
    Then osd.0 is seen down within 10s
    And the cluster is HEALTH_OK with all PGs active+clean within 2m
    And client writes stay available during the fault
