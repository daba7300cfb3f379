@lab @kubernetes @failsafe-L1
Feature: Draining a Kubernetes node honours PodDisruptionBudgets
  A drain cordons the node and evicts its pods through the Eviction API, which refuses (HTTP 429) any eviction a
  PodDisruptionBudget does not allow. scs-chaos retries a refused eviction while the fault lasts and never forces
  it; the node is uncordoned by the revert.

  Scenario: a budget that allows no disruption holds the drain back
    Given the Kubernetes Deployment default/web is watched
    And a PodDisruptionBudget allows no disruption of the Kubernetes Deployment default/web
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When the node of a pod of the Kubernetes Deployment default/web is drained for 6s
    Then the drain was held back by a PodDisruptionBudget
    And no pod of the watched workload was deleted
    And availability of web-k8s stays at or above 99% during the fault

  Scenario: without a budget in the way, the drained node's pod is replaced elsewhere
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When the node of a pod of the Kubernetes Deployment default/web is drained for 10s
    Then a replacement pod is Ready within 10s
    And every replica is available again within 12s
    And availability of web-k8s stays at or above 80% during the fault
