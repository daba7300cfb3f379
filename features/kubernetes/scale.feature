@lab @kubernetes @failsafe-L1
Feature: Scaling a Deployment down and back
  Scaling the web Deployment from three replicas to one for a while must not take the service down, and the revert
  brings the replicas back.

  Scenario: web scaled to one replica for 8s keeps serving
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When the Kubernetes Deployment default/web is scaled to 1 for 8s
    Then availability of web-k8s stays at or above 90% during the fault
    And web-k8s recovers within 10s
