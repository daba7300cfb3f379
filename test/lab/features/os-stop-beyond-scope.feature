# Used by test/lab/openstack-features.test.ts: two servers at once, but openstack.scope.maxServersAtOnce is 1, so
# the plan refuses the run (exit 2) and nothing is touched.
@openstack
Feature: Stopping more servers than the blast radius allows is refused
  Scenario: both lab servers would be stopped at once
    When 2 of the OpenStack servers tagged "scs-chaos-lab" are stopped for 5s
