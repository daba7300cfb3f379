@alerts
Feature: Planned chaos is silenced in Alertmanager, and the silence ends with the fault
  Run by test/lab/alerts.test.ts with alerting.silenceExpected: true (and SIGKILLed mid-fault, to show the silence
  ends at the fault's TTL by itself, or is removed by sweep).

  Scenario: the expected alert fires for node-3 under a silence of this injection
    Given alerts are watched
    When the web process on node-3 is paused for 4s
    Then the alert "WebBackendDown" fires for node-3 within 5s
    And it resolves within 5s after the fault
