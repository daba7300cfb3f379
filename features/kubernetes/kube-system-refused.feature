@lab @kubernetes @safety
Feature: Faults on the cluster's own namespaces are refused before anything is touched
  The environment lists the namespaces faults may touch (kubernetes.namespaces); kube-system is not among them in
  the lab. A step that targets a workload there is refused at plan time with the file and the fix, and nothing is
  deleted. (A refused fault step ends a whole run with exit 2; this scenario tests the refusal itself.)

  Scenario: deleting a pod in kube-system is refused
    Given web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 2s in steady state
    Then deleting 1 pod of the Kubernetes Deployment kube-system/coredns is refused at plan time
