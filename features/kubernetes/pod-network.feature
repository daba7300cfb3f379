@lab @kubernetes @failsafe-L1
Feature: A pod cut off from the network is taken out of its Service and comes back
  The existing network faults act inside one pod's network namespace (entered with nsenter on its node). A pod that
  cannot be reached fails its readiness probe, the endpoints controller takes it out of the Service, and the
  service keeps answering from the other pods; after the revert the pod is Ready again. The isolation is proven on
  the data plane: another node's knock at the pod meets silence where it was answered before.

  Scenario: one web pod isolated for 8s
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When a pod of the Kubernetes Deployment default/web is isolated from the network for 8s
    Then a watched pod's endpoint is taken out of its Service within 6s
    And availability of web-k8s stays at or above 60% during the fault
    And every replica is available again within 20s

  Scenario: one web pod drops 30% of its outgoing packets for 6s
    Given web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When a pod of the Kubernetes Deployment default/web drops 30% of its outgoing packets for 6s
    Then web-k8s recovers within 10s
