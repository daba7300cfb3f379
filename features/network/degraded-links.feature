@network @netem @failsafe-L1
Feature: Degraded links between nodes cost latency, not availability
  Latency with jitter, corruption, duplication and reordering need the kernel's sch_netem on the node (real
  SCS nodes have it). On a kernel without it — the built-in lab's, here — every scenario is refused at plan time
  with "sch_netem not available on node …", exit 2, and nothing is touched. Run against an environment of real
  hosts: scs-chaos run --env experiments/environments/<cloud>.yaml features/network

  Background:
    Given web is probed over HTTP at 20 Hz
    And availability of web is at least 99% for 3s in steady state

  Scenario: 100ms of latency with 20ms jitter on one node keeps the service within its latency SLO
    When node-1 gets 100ms of added latency with 20ms jitter for 10s
    Then availability of web stays at or above 99% during the fault
    And the SLO "p(95) < 500ms" holds for web during the fault
    And web recovers within 5s

  Scenario: 5% corrupted packets on one node are retransmitted, not served
    When node-2 corrupts 5% of its outgoing packets for 10s
    Then availability of web stays at or above 99% during the fault
    And web recovers within 5s

  Scenario: duplicated packets are harmless
    When node-3 duplicates 10% of its outgoing packets for 10s
    Then availability of web stays at or above 99% during the fault

  Scenario: reordered packets are harmless
    When node-1 reorders 25% of its outgoing packets behind a 50ms delay for 10s
    Then availability of web stays at or above 99% during the fault
    And the SLO "p(95) < 500ms" holds for web during the fault
