# Used by test/lab/openstack-features.test.ts: a feature whose plan passes while lab-server-2 is stopped, so a
# refusal to run is the preflight's (it finds the stopped server's leftovers).
@openstack
Feature: a reboot of lab-server-1 for the preflight test of the OpenStack kind
  Scenario: lab-server-1 is hard rebooted
    When the OpenStack server "lab-server-1" is hard rebooted
