@lab @kubernetes @failsafe-L2
Feature: A Kubernetes node that loses its kubelet is given up and its pods move
  When a node's kubelet stops, the node stops renewing its lease; the node lifecycle controller marks it NotReady
  after the grace period (8 s in the lab), taints it, and the pods are evicted once their toleration (5 s in the lab)
  runs out; the ReplicaSet controller replaces them on the other nodes. The service behind the Deployment keeps
  answering from the other pods. Every step of that reaction is a moment in summary.json, timed by the watch and by
  the cluster's stamps (condition lastTransitionTime, taint timeAdded, deletion time). The lab's nodes are Cluster API
  Machines without a MachineHealthCheck: nothing would replace a node that stays lost, and the report says so.

  Scenario: a web node loses its kubelet; the Deployment is whole again on the other nodes
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When the node of a pod of the Kubernetes Deployment default/web loses its kubelet for 30s
    Then that node is seen NotReady within 15s
    And every replica is available again within 30s
    And availability of web-k8s stays at or above 80% during the fault
    And Cluster API remediation of that node is reported
