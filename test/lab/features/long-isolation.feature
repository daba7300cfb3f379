# Used by the crash and signal tests in test/lab/: a fault that is still active when the runner is killed.
Feature: A long isolation for crash tests

  Scenario: node-1 is isolated long enough to be interrupted
    Given web is probed over HTTP at 10 Hz
    And availability of web is at least 90% for 1s in steady state
    When node-1 is isolated from the network for 8s with a TTL of 9s
    Then web recovers within 5s
