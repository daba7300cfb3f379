Feature: a long taint for the crash tests of the Kubernetes kind
  Scenario: node-3 is tainted NoSchedule for 20 seconds
    When the Kubernetes node node-3 is tainted NoSchedule for 20s
