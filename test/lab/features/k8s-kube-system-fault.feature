Feature: a fault on kube-system for the refusal test of the Kubernetes kind
  Scenario: a coredns pod is deleted
    Given web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 2s in steady state
    When 1 pod of the Kubernetes Deployment kube-system/coredns is deleted
