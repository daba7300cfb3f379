@lab @nodes @failsafe-L1
Feature: A crashed web backend is brought back by its supervisor
  Every lab node runs its web backend under a process supervisor. When the backend process dies, the
  supervisor must start it again, and the service must recover within seconds.

  Scenario: a killed backend is restarted and the service recovers within its bound
    Given web is probed over HTTP at 20 Hz
    And web on node-2 is probed over HTTP at 20 Hz
    And availability of web is at least 99% for 3s in steady state
    When the web process on node-2 is killed
    And the fault is observed for 3s
    Then web on node-2 recovers within 5s
    And web recovers within 5s
    And availability of web stays at or above 90% during the fault
