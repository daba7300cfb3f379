@lab @network @failsafe-L2
Feature: Name lookups on a node fail while DNS is cut off, and work again after
  Every lab node resolves through the lab's own DNS server on the edge (`<name>.lab`; lab/dns.ts). Cutting a
  node off from DNS must be visible to what runs there — lookups fail at once (refused) — and leave no trace
  after the revert.

  Scenario: DNS is refused on node-1 for 6s; lookups from node-1 fail during the fault and recover after it
    Given the command "getent hosts web.lab" on node-1 is probed at 2 Hz as "dns-lookup:node-1"
    And the command "getent hosts web.lab" on node-2 is probed at 2 Hz as "dns-lookup:node-2"
    And the SLO "availability >= 100%" holds for probe "dns-lookup:node-1" for 2s in steady state
    When DNS fails on node-1 for 6s
    Then the SLO "availability <= 10%" holds for probe "dns-lookup:node-1" during the fault
    And the SLO "availability >= 100%" holds for probe "dns-lookup:node-2" during the fault
    And probe "dns-lookup:node-1" recovers within 3s
