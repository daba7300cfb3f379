Feature: a long cordon for the crash tests of the Kubernetes kind
  Scenario: node-2 is cordoned for a minute
    When the Kubernetes node node-2 is cordoned for 60s
