@lab @openstack @failsafe-L1
Feature: A worker server comes back after a reboot or a stop
  The lab's OpenStack (`scs-chaos lab up --with openstack`) runs Nova with the fake virt driver: servers are records
  whose state machine is real (API, conductor, compute manager, instance actions). A server that is hard rebooted,
  or stopped and started again, must be ACTIVE with no task within a bound; the transition times come from Nova's
  own instance-action events and from a probe sampling the server at 10 Hz.

  Scenario: a hard-rebooted worker server is ACTIVE again within 10s
    Given the OpenStack server "lab-server-1" is probed at 10 Hz
    When the OpenStack server "lab-server-1" is hard rebooted
    Then the OpenStack server "lab-server-1" is ACTIVE again within 10s

  Scenario: a stopped worker server is ACTIVE again within 10s of its start
    Given the OpenStack server "lab-server-2" is probed at 10 Hz
    When the OpenStack server "lab-server-2" is stopped for 3s
    Then the OpenStack server "lab-server-2" is ACTIVE again within 10s
