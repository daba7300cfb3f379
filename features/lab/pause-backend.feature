@lab @nodes @failsafe-L1
Feature: A hung web backend is taken out of the pool
  A paused process keeps its sockets open but answers nothing, like a process stuck on a dead disk.
  haproxy's health checks must take it out of the pool, and it must serve again once it resumes.
  The direct probe of node-3 (10 Hz, 500 ms timeout) still gets answers to the requests it sent in the last half
  second of the pause — the process answers them once it resumes — so about 6 of the ~50 samples of a 5 s pause
  are good: the bound is 20 %, not 10 %.

  Scenario: web stays mostly available while one backend hangs
    Given web is probed over HTTP at 20 Hz
    And web on node-3 is probed over HTTP at 10 Hz
    And the k6 script "experiments/load/web-constant-rate.ts" loads web at 30 requests per second for 12s
    And availability of web is at least 99% for 3s in steady state
    When the web process on node-3 is paused for 5s
    Then availability of web stays at or above 85% during the fault
    And the SLO "availability <= 20%" holds for web on node-3 during the fault
    And web on node-3 recovers within 5s
    And availability of web stays at or above 99% after the fault
    And the load summary of web meets "availability >= 85%"
    And the load summary of web meets "p(95) < 1s"
