@alerts @lab @failsafe-L2
Feature: The remediation heals what the supervisor leaves down, and leaves a trace
  A web backend stopped through its supervisor stays down: supervisord never restarts a program that was stopped
  on purpose, so in this scenario only the remediation can heal it. The remediation service
  (lab/services/remediation/) answers WebBackendDown with "restart-backend", runs it through the executors and
  records it in its audit log; the backend serves again long before the fault's own revert — cause and effect.

  Scenario: WebBackendDown fires, restart-backend restarts the stopped backend, web is back before the revert
    Given alerts are watched
    And web on node-2 is probed over HTTP at 10 Hz
    And the SLO "availability >= 99%" holds for probe "web@node-2" for 2s in steady state
    And no alert fires in steady state
    When the web service on node-2 is stopped for 15s
    Then the alert "WebBackendDown" fires for node-2 within 5s
    And the remediation "restart-backend" acts on node-2 within 12s
    And web on node-2 recovers within 5s after the remediation
    And it resolves within 5s after the fault
