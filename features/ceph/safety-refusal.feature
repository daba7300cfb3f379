@ceph @safety
Feature: The safety check refuses OSD faults beyond the pools' budget, touching nothing
  With size 3 and min_size 2 every pool tolerates one failure-domain bucket (host) down. Stopping OSDs on two
  hosts at once would leave PGs with one copy, below min_size: writes would stop. The check must refuse and
  name the pool, its size/min_size and the failure domain; the OSD map must not change.
  (A fault step that is refused ends the whole run at plan time with exit 2; this scenario tests the check.)

  Scenario: stopping OSDs on two hosts at once is refused and the OSD map is unchanged
    Given the Ceph cluster is probed every 1s
    And the Ceph cluster is HEALTH_OK with all PGs active+clean for 3s in steady state
    Then stopping osd.0 and osd.1 at once is refused by the safety check
