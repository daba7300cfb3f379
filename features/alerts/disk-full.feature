@alerts @lab @failsafe-L1
Feature: A filling filesystem raises an alert that no remediation answers
  NodeFilesystemAlmostOutOfSpace (experiments/alerts/node.rules.yml, after the node-exporter mixin) fires below
  10 % free space. The lab's remediation policy has no action for it: the audit log shows the alert reached the
  remediation service and no rule answered it, which the report states as "no remediation configured".

  Scenario: a full data volume raises NodeFilesystemAlmostOutOfSpace; no remediation is configured
    Given alerts are watched
    And no alert fires in steady state
    When the filesystem of "/run/scs-chaos-lab/node-1/data" on node-1 is filled to 93% for 8s
    Then the alert "NodeFilesystemAlmostOutOfSpace" fires for node-1 within 6s
    And no remediation is configured for the alert "NodeFilesystemAlmostOutOfSpace"
    And it resolves within 5s after the fault
