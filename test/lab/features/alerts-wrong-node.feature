@alerts @expect-failed
Feature: A remediation that acts on the wrong node is caught by its audit log
  test/lab/alerts.test.ts swaps the lab's remediation policy for one whose restart-backend always acts on node-1
  (a mistaken target, as a bad label mapping would make), then runs this scenario: it must fail, naming the node the
  audit log says the action ran on.

  Scenario: restart-backend answers the alert for node-2 on node-1
    Given alerts are watched
    When the web service on node-2 is stopped for 8s
    Then the alert "WebBackendDown" fires for node-2 within 5s
    And the remediation "restart-backend" acts on node-2 within 8s
