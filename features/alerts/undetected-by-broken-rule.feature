@alerts @lab
Feature: A broken alert rule is found out
  WebBackendDownBroken (lab/alerting/broken-on-purpose.rules.yml) has a typo promtool's syntax check cannot see: it
  matches no series, so it never fires. A chaos experiment finds it: the scenario fails with "did not fire".
  It is expected to fail (@expect-failed) and counts as passed when it does.

  @expect-failed
  Scenario: the broken rule stays silent while a backend hangs
    Given alerts are watched
    When the web process on node-3 is paused for 5s
    Then the alert "WebBackendDownBroken" fires for node-3 within 10s
