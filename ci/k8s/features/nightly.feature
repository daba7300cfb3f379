@kubernetes @nightly
Feature: Nightly: the cluster keeps its web service through the failures it must tolerate
  The nightly CronJob's scenarios (ci/k8s/), run from a pod inside the cluster: a cordoned node, deleted pods and a
  node that loses its kubelet, each against the web Deployment default/web and its Service. These are the lab's
  (features/kubernetes/); put your own here, one file per feature, and list each in kustomization.yaml.

  @failsafe-L1
  Scenario: a cordoned node keeps serving its pods
    Given web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When a Kubernetes node labelled "kubernetes.io/hostname=node-2" is cordoned for 6s
    Then availability of web-k8s stays at or above 99% during the fault
    And web-k8s recovers within 5s

  @failsafe-L1
  Scenario: two of three web pods deleted, replacements Ready within the bound
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When 50% of the pods of the Kubernetes Deployment default/web are deleted
    Then a replacement pod is Ready within 10s
    And every replica is available again within 15s
    And availability of web-k8s stays at or above 80% during the fault

  @failsafe-L2
  Scenario: a web node loses its kubelet; the Deployment is whole again on the other nodes
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When the node of a pod of the Kubernetes Deployment default/web loses its kubelet for 30s
    Then that node is seen NotReady within 15s
    And every replica is available again within 30s
    And availability of web-k8s stays at or above 80% during the fault
