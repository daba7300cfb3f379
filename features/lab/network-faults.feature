@lab @network @failsafe-L1
Feature: The web service rides out network faults on one node
  haproxy checks each backend five times a second and retries a failed connection on another backend. Faults
  that hit one node's network must cost the service little, and the node must serve again once they end.

  Background:
    Given web is probed over HTTP at 20 Hz
    And availability of web is at least 99% for 2s in steady state

  Scenario: a partition between node-1 and node-2 does not touch clients
    When node-1 is partitioned from node-2 for 4s
    Then availability of web stays at or above 99% during the fault
    And web recovers within 5s

  Scenario: 20% packet loss on node-3's way out costs retries, not availability
    When node-3 drops 20% of its outgoing packets for 4s
    Then availability of web stays at or above 90% during the fault
    And web recovers within 5s

  Scenario: node-2's outgoing bandwidth is limited to 1mbit
    When the outgoing bandwidth of node-2 is limited to 1mbit for 4s
    Then availability of web stays at or above 95% during the fault
    And the SLO "p(95) < 500ms" holds for web during the fault

  Scenario: a blackholed backend port is taken out of the pool
    Given web on node-1 is probed over HTTP at 10 Hz
    When port 8080 on node-1 is blackholed for 4s
    Then availability of web stays at or above 95% during the fault
    And the SLO "availability <= 20%" holds for web on node-1 during the fault
    And web on node-1 recovers within 5s
