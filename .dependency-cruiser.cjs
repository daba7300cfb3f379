// Dependency rules of src/ (issue 12, point 7; docs/decisions/0102-dependency-rules.md), checked by
// `npm run lint` through dependency-cruiser. Each rule's `comment` states the rule and why it holds; a broken
// rule prints as "error <rule name>: <importing file> → <imported file>" and makes the lint exit non-zero.
//
// Paths are relative to the directory dependency-cruiser runs in (the repository root; the unit test
// test/lint/dependency-rules.test.ts runs the same file from fixture trees laid out like the real one).
// The rules constrain imports *into src/* (and into steps/ and Cucumber); helpers outside src that tests use
// (test/support/, lab/) are not part of these rules. `import type` counts: a type import is a dependency too.
// Test files (*.test.ts) are held to the same rules as the code they sit next to.
const path = require('node:path');

// Node built-ins that do I/O (files, network, processes, threads); SLO math may import none of them.
const NODE_IO_BUILTINS = [
  'fs', 'fs/promises', 'net', 'http', 'http2', 'https', 'child_process', 'dgram', 'dns', 'dns/promises',
  'tls', 'worker_threads', 'cluster', 'readline', 'readline/promises',
];

// Imports that break a rule but are allowed for a while, each waiting to be moved. A listed import is reported as
// ignored instead of failing the lint; an import not listed here fails it. `rule` is the rule's name below, `from`
// and `to` the files exactly as dependency-cruiser prints them.
// `npm run lint:deps:all` (LINT_DEPS_ALL=1) applies the rules without this list and shows the listed imports
// failing (dependency-cruiser's own hint, --no-ignore-known, only drops a list given by --ignore-known).
// Add an entry as { type: 'dependency', from, to, rule: { name, severity: 'error' } }. Empty: src/ follows the rules.
const KNOWN_VIOLATIONS = [];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'kernel-imports-only-kernel',
      comment:
        'src/kernel/ (errors, clock, duration, secrets, ticker, wait) imports nothing of src/ but src/kernel/: it is ' +
        'the ground floor everything may import, so it must depend on nothing above it.',
      severity: 'error',
      from: { path: '^src/kernel/' },
      to: { path: '^src/', pathNot: '^src/kernel/' },
    },
    {
      name: 'model-imports-only-kernel-and-model',
      comment:
        'src/model/ (the shared words: summary, verdicts, phases, results, samples, environment types, scenario ' +
        'meta) imports only src/kernel/ and src/model/: 40 files import the model, so it may not pull in report, ' +
        'load, core or a kind.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/(kernel|model)/' },
    },
    {
      name: 'slo-imports-only-kernel-model-slo',
      comment:
        'src/slo/ (SLO and recovery math) imports only src/kernel/, src/model/ and src/slo/: the math is judged ' +
        'on samples and must not depend on probes, reports, core or kinds.',
      severity: 'error',
      from: { path: '^src/slo/' },
      to: { path: '^src/', pathNot: '^src/(kernel|model|slo)/' },
    },
    {
      name: 'slo-no-io',
      comment:
        'src/slo/ is pure math: it imports no Node I/O built-in (' + NODE_IO_BUILTINS.join(', ') + '), so SLOs ' +
        'are computed and tested on samples without files, sockets, DNS or processes.',
      severity: 'error',
      from: { path: '^src/slo/' },
      to: { dependencyTypes: ['core'], path: `^(node:)?(${NODE_IO_BUILTINS.join('|')})$` },
    },
    {
      name: 'slo-no-npm',
      comment:
        'src/slo/ imports no npm package (it uses none today): the math stays pure and dependency-free; a pure ' +
        'package it ever needs is added to this rule\'s pathNot by name, with the reason.',
      severity: 'error',
      from: { path: '^src/slo/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'executors-import-only-kernel-model-executors',
      comment:
        'src/executors/ (how commands reach nodes: local, netns, ssh) imports only src/kernel/, src/model/ and ' +
        'src/executors/: executors never import the lifecycle (core), faults, kinds, revert, probes, load, ' +
        'reports or the CLI, which all sit above them.',
      severity: 'error',
      from: { path: '^src/executors/' },
      to: { path: '^src/', pathNot: '^src/(kernel|model|executors)/' },
    },
    {
      name: 'core-imports-no-kind-cli-or-steps',
      comment:
        'src/core/ (the lifecycle and the target-kind contract) never imports src/kinds/, src/cli/ or steps/: ' +
        'core knows kinds only through the contract and the registration list, so adding a kind is adding a folder.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src/kinds/|src/cli/|steps/)' },
    },
    {
      name: 'kinds-import-no-other-kind',
      comment:
        'A kind (src/kinds/<kind>/) never imports another kind\'s folder: a kind is a plug-in that can be added or ' +
        'removed alone. Only files directly in src/kinds/ (the registration list) may import every kind; what two ' +
        'kinds share belongs in core, executors, model or kernel.',
      severity: 'error',
      from: { path: '^src/kinds/([^/]+)/' },
      to: { path: '^src/kinds/[^/]+/', pathNot: '^src/kinds/$1/' },
    },
    {
      name: 'kinds-import-no-report',
      comment:
        'Faults, probes and everything else in src/kinds/ never import src/report/: reports read what a run ' +
        'produced, they are not a tool of the run.',
      severity: 'error',
      from: { path: '^src/kinds/' },
      to: { path: '^src/report/' },
    },
    {
      name: 'slo-and-model-import-no-report',
      comment:
        'src/slo/ and src/model/ never import src/report/: reports depend on SLO and the model, never the other ' +
        'way round (the summary types used to live in report/, which made SLO math depend on the report format).',
      severity: 'error',
      from: { path: '^src/(slo|model)/' },
      to: { path: '^src/report/' },
    },
    {
      name: 'domain-imports-no-steps-or-cucumber',
      comment:
        'Nothing in src/ except src/cli/ and src/report/allure/ imports steps/, @cucumber/* or allure-cucumberjs: ' +
        'the domain runs without Cucumber, steps are glue on top of it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|report/allure)/' },
      // Resolved packages sit under node_modules/; an import that does not resolve is matched by its name.
      to: { path: '^steps/|(^|/)node_modules/(@cucumber/|allure-cucumberjs/)|^(@cucumber/|allure-cucumberjs(/|$))' },
    },
    {
      name: 'kernel-and-model-no-cycles',
      comment:
        'No import cycle within src/kernel/ and src/model/: the ground floor is a tree, each file usable alone.',
      severity: 'error',
      from: { path: '^src/(kernel|model)/' },
      to: { path: '^src/(kernel|model)/', circular: true },
    },
    {
      name: 'src-imports-resolve',
      comment:
        'Every import in src/ resolves to a file or package. Guards the checker itself: an import it cannot ' +
        'resolve could hide a broken rule above.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Every rule starts in src/; what src/ imports from elsewhere is a target only, never followed further.
    doNotFollow: { path: ['node_modules', '^(lab|test|steps|bench|bin|experiments)/'] },
    // Types count: `import type { X } from '../report/...'` ties the model to the report as much as a value does.
    tsPreCompilationDeps: true,
    // Resolution options come from the repository's tsconfig.json (absolute, so the unit test can run the same
    // configuration from a fixture tree).
    tsConfig: { fileName: path.join(__dirname, 'tsconfig.json') },
    // tsconfig.json resolves as Node 10 does (moduleResolution "node": package.json "exports" not read, .d.ts
    // files count); resolve the same way, so a type-only deep import such as allure-js-commons/dist/types/...
    // resolves here as it does for tsc.
    enhancedResolveOptions: { exportsFields: [], extensions: ['.ts', '.d.ts', '.js', '.cjs', '.json'] },
    knownViolations: process.env.LINT_DEPS_ALL === '1' ? [] : KNOWN_VIOLATIONS,
  },
};
