# Used by test/lab/kube-node.test.ts with experiments/environments/lab-kube-node.yaml: a host fault on a Kubernetes
# node, reached through the kube-node executor's helper pods instead of the lab's namespaces.
Feature: A network fault on a Kubernetes node without ssh

  Scenario: node-2 drops packets, reached through a helper pod
    Given web-k8s is probed over HTTP at 10 Hz
    When node-2 drops 30% of its outgoing packets for 5s
    Then web-k8s recovers within 20s
