@lab @nodes @failsafe-L1
Feature: The web service rides out faults on one node's host
  A stopped service, a busy CPU, a memory hog, heavy writes or a full data volume on one node must cost the
  service little: haproxy takes a dead backend
  out of the pool, and the node serves again once its service is started.

  Background:
    Given web is probed over HTTP at 20 Hz
    And availability of web is at least 99% for 2s in steady state

  Scenario: the web service on node-2 is stopped by its supervisor and started again
    Given web on node-2 is probed over HTTP at 10 Hz
    When the web service on node-2 is stopped for 4s
    Then availability of web stays at or above 95% during the fault
    And the SLO "availability <= 20%" holds for web on node-2 during the fault
    And web on node-2 recovers within 5s

  Scenario: a CPU hog on node-3 leaves the service available
    When node-3 is stressed with 1 CPU worker at 50% load for 4s
    Then availability of web stays at or above 99% during the fault
    And web recovers within 5s

  Scenario: node-2's data volume fills up, its backend refuses work, and haproxy routes around it
    Given web on node-2 is probed over HTTP at 10 Hz
    When the filesystem of "/run/scs-chaos-lab/node-2/data" on node-2 is filled to 97% for 4s
    Then availability of web stays at or above 95% during the fault
    And the SLO "availability <= 20%" holds for web on node-2 during the fault
    And web on node-2 recovers within 2s

  Scenario: a memory hog on node-3 leaves the service available
    When node-3 is stressed with 5% of its memory for 4s
    Then availability of web stays at or above 99% during the fault
    And web recovers within 5s

  Scenario: heavy writes on node-1's data volume leave the service available
    When node-1 is stressed with 2 I/O workers writing 4 MiB each to "/run/scs-chaos-lab/node-1/data" for 4s
    Then availability of web stays at or above 99% during the fault
    And web recovers within 5s
