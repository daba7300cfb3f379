@lab @network @failsafe-L1
Feature: The web service survives losing one node
  The lab's web service runs on three nodes behind haproxy, which checks every backend five times a second.
  When one node is cut off from the network, haproxy must take it out of the pool before users notice,
  and the node's backend must serve again as soon as the network is back.

  Scenario: web stays available while one node is cut off from the network
    Given web is probed over HTTP at 20 Hz
    And web on node-1 is probed over HTTP at 10 Hz
    And steady load of 50 requests per second on web
    And Prometheus watches "promql(sum(haproxy_backend_active_servers{proxy='web'})) >= 2"
    And availability of web is at least 99% for 3s in steady state
    When node-1 is isolated from the network for 6s
    Then availability of web stays at or above 95% during the fault
    And availability of the load on web stays at or above 95% during the fault
    And the SLO "p(95) < 800ms" holds for web during the fault
    And Prometheus shows "promql(sum(haproxy_backend_active_servers{proxy='web'})) >= 2" during the fault
    And the SLO "availability <= 10%" holds for web on node-1 during the fault
    And web on node-1 recovers within 5s
    And web recovers within 5s
