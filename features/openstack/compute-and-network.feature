@lab @openstack @failsafe-L1
Feature: A hypervisor taken out of scheduling, a lost nova-compute and a port set down come back
  The lab's Nova runs one nova-compute (compute-1, fake virt driver) under the control namespace's supervisord, and
  Neutron keeps a port lab-port on lab-net that nothing is bound to. Taking the hypervisor out of scheduling
  (service disabled), stopping its nova-compute process, or setting the port down must all be undone by the
  revert, read back from the APIs.

  Scenario: a compute host disabled for scheduling is enabled and up again after the revert
    Given nova-compute on the OpenStack compute host "compute-1" is probed at 2 Hz
    When nova-compute on the OpenStack compute host "compute-1" is disabled for 3s
    Then the SLO "availability <= 20%" holds for probe "openstack-compute:compute-1" during the fault
    And probe "openstack-compute:compute-1" recovers within 5s

  Scenario: nova-compute stopped on its host runs again after the revert, and its service stays up
    Given nova-compute on the OpenStack compute host "compute-1" is probed at 2 Hz
    When nova-compute on the OpenStack compute host "compute-1" is stopped for 4s
    And the fault is observed for 2s
    Then the SLO "availability >= 100%" holds for probe "openstack-compute:compute-1" after the fault

  Scenario: a port set admin-state down is up again after the revert
    When the OpenStack port "lab-port" is set admin-state down for 2s
