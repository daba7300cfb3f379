@lab @openstack @failsafe-L1
Feature: The load balancer survives a failover and losing half its members
  The lab's Octavia (`scs-chaos lab up --with openstack`) runs its real API, controller worker flows and health
  manager with the noop amphora, compute and network drivers: a failover replaces the amphora records through the
  real flow (PENDING_UPDATE → ACTIVE), member changes go through the same worker. There is no data plane, so the
  service is judged by Octavia's own status: provisioning status back ACTIVE, never ERROR.

  Scenario: a load-balancer failover has the VIP's provisioning status ACTIVE again within 10s
    Given the OpenStack load balancer "lab-lb" is probed at 10 Hz
    When the OpenStack load balancer "lab-lb" fails over
    Then the OpenStack load balancer "lab-lb" is ACTIVE again within 10s
    And the SLO "availability >= 100%" holds for probe "openstack-lb-up:lab-lb" after the fault

  Scenario: disabling half the pool's members degrades the pool, not the service
    Given the OpenStack load balancer "lab-lb" is probed at 10 Hz
    And the pool of the OpenStack load balancer "lab-lb" is probed at 2 Hz
    And the SLO "availability >= 100%" holds for probe "openstack-pool:lab-lb" for 1s in steady state
    When half of the members of the OpenStack load balancer "lab-lb" are disabled for 4s
    Then the SLO "availability <= 40%" holds for probe "openstack-pool:lab-lb" during the fault
    And the SLO "availability >= 100%" holds for probe "openstack-lb-up:lab-lb" during the fault
    And the OpenStack load balancer "lab-lb" is ACTIVE again within 10s
