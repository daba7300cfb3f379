@lab @network @safety @expect-aborted
Feature: A hard floor halts the scenario and reverts the fault at once
  A halt condition is a promise to the people who own the system: if a service falls below a floor while
  a fault is active, the fault is removed immediately, whatever the scenario still had planned.
  Tagged @expect-aborted: the floor is crossed on purpose, so "aborted" is the expected verdict.

  Scenario: isolating a node takes its backend below the floor and the run halts within a second
    Given web on node-1 is probed over HTTP at 20 Hz
    And the scenario halts if availability of web on node-1 over 1s drops below 50%
    When node-1 is isolated from the network for 30s
    Then web on node-1 recovers within 5s
