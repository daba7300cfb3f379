@lab @kubernetes @failsafe-L1
Feature: A killed container is restarted by its kubelet
  SIGKILL to a container's main process (what an OOM kill or a crash does), sent through the node's containerd: the
  kubelet sees the container exit and starts it again in the same pod; the pod's restartCount rises. The service
  keeps answering from the other pods meanwhile.

  Scenario: the web container of one pod is killed and restarted
    Given the Kubernetes Deployment default/web is watched
    And web-k8s is probed over HTTP at 10 Hz
    And availability of web-k8s is at least 99% for 3s in steady state
    When a container of a pod of the Kubernetes Deployment default/web is killed
    Then a container of the watched pods is restarted within 10s
    And every replica is available again within 15s
    And availability of web-k8s stays at or above 80% during the fault
