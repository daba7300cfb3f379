# Used by the crash test in test/lab/crash.test.ts: a short isolation with a short TTL, killed at random moments.
Feature: An isolation for the crash test

  Scenario: node-2 is isolated briefly
    Given web is probed over HTTP at 10 Hz
    When node-2 is isolated from the network for 3s with a TTL of 4s
    Then web recovers within 5s
