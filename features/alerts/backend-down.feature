@alerts @lab @failsafe-L1
Feature: A failing web backend raises an alert, which resolves once it heals
  An SRE relies on WebBackendDown (experiments/alerts/web.rules.yml) to page when haproxy takes a backend out of the
  pool. The alert must fire soon after the fault, not during normal operation, and clear once the backend serves
  again. Times are Alertmanager's startsAt and the rule evaluation that resolved it (summary.json `alerts`).
  Needs `scs-chaos lab up --with alerting`.

  Scenario: a hung web backend raises WebBackendDown, which resolves after the fault
    Given alerts are watched
    And web is probed over HTTP at 10 Hz
    And availability of web is at least 99% for 2s in steady state
    And no alert fires in steady state
    When the web process on node-2 is paused for 6s
    Then the alert "WebBackendDown" fires for node-2 within 5s
    And it resolves within 5s after the fault
