# Used by test/lab/ceph-ha.test.ts against a lab with ONE monitor: losing it leaves no majority, so the plan
# refuses the run (exit 2) and nothing is injected.
@ceph
Feature: Losing the only monitor is refused

  Scenario: the only monitor would be stopped
    Given the Ceph monitors and managers are probed every 1s
    When monitor a is stopped for 10s
    Then the monitors have quorum within 20s
