# Used by the signal tests in test/lab/: a paused process that must get SIGCONT when the runner is stopped.
Feature: A long pause for signal tests

  Scenario: the web process on node-3 is paused long enough to be interrupted
    Given web is probed over HTTP at 10 Hz
    When the web process on node-3 is paused for 20s
    Then web recovers within 5s
