Feature: a long scale-down for the crash tests of the Kubernetes kind
  Scenario: web is scaled to 2 for a minute
    When the Kubernetes Deployment default/web is scaled to 2 for 60s
