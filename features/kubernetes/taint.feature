@lab @kubernetes @failsafe-L1
Feature: A NoExecute taint moves a node's pods elsewhere
  `kubectl taint ... :NoExecute` evicts every pod that does not tolerate the taint. The web pod on the tainted node
  is deleted at once and replaced on another node; after the revert the taint is gone and the node takes pods again.

  Scenario: a web node tainted NoExecute, its web pod replaced on another node
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When the node of a pod of the Kubernetes Deployment default/web is tainted NoExecute for 12s
    Then a replacement pod is Ready within 10s
    And every replica is available again within 12s
    And availability of web-k8s stays at or above 80% during the fault
