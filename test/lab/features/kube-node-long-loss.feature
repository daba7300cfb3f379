# Used by test/lab/kube-node.test.ts with experiments/environments/lab-kube-node.yaml: a fault on a Kubernetes node
# that is still active when the runner is SIGKILLed; the on-node timer (a timer pod) must undo it at its TTL.
Feature: A long network fault on a Kubernetes node without ssh

  Scenario: node-2 drops packets for longer than the runner lives
    When node-2 drops 30% of its outgoing packets for 20s
