@lab @network @failsafe-L1
Feature: Any one web node may fail
  Which node fails should not matter. The node is chosen at random with the run's seed, which the run prints;
  `scs-chaos run --seed N` repeats exactly the same choice.

  Scenario: a random web node is cut off and the service does not notice
    Given web is probed over HTTP at 20 Hz
    And availability of web is at least 99% for 2s in steady state
    When a random web node is isolated from the network for 4s
    Then availability of web stays at or above 95% during the fault
    And web recovers within 5s
