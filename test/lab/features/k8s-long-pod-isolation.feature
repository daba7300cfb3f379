Feature: a long pod isolation for the crash tests of the Kubernetes kind
  Scenario: a web pod is isolated for a minute
    When a pod of the Kubernetes Deployment default/web is isolated from the network for 60s
