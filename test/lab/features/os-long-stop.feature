# Used by test/lab/openstack-features.test.ts: a stop that outlives a SIGKILLed runner (TTL 20 s + faultTtlGrace).
Feature: a long server stop for the crash tests of the OpenStack kind
  Scenario: lab-server-2 is stopped for 20s
    When the OpenStack server "lab-server-2" is stopped for 20s
