@lab @kubernetes @failsafe-L1
Feature: Cordoning a Kubernetes node leaves running pods alone
  The lab's web service also runs as a Kubernetes Deployment behind a NodePort Service, reached through the
  edge's haproxy (`scs-chaos lab up --with kubernetes`). Cordoning a node only stops new pods from landing there:
  the pods it runs keep serving, and the node is schedulable again after the revert.

  Scenario: a cordoned node keeps serving its pods
    Given web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When a Kubernetes node labelled "kubernetes.io/hostname=node-2" is cordoned for 6s
    Then availability of web-k8s stays at or above 99% during the fault
    And web-k8s recovers within 5s
