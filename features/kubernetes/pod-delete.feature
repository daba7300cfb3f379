@lab @kubernetes @failsafe-L1
Feature: Deleting half of a Deployment's pods keeps the service up while the replacements start
  The web Deployment runs three pods, one per node, behind a NodePort Service reached through the edge. Deleting
  half of them (two of three) leaves one serving; the ReplicaSet controller creates replacements, the scheduler
  places them, and the Deployment has every replica available again within a bound. Each moment is timed by the
  watch that saw it and by the cluster's own stamp (summary.json events).

  Scenario: two of three web pods deleted, replacements Ready within the bound
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When 50% of the pods of the Kubernetes Deployment default/web are deleted
    Then a replacement pod is Ready within 10s
    And every replica is available again within 15s
    And availability of web-k8s stays at or above 80% during the fault

  Scenario: one pod chosen by its label deleted, its replacement Ready within the bound
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When 1 pod labelled "app=web" in the Kubernetes namespace default is deleted
    Then a replacement pod is Ready within 10s
    And availability of web-k8s stays at or above 90% during the fault
