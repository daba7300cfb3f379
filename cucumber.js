// Cucumber profiles. `scs-chaos run` loads these and adds its own options; run features through
// `scs-chaos run`, not `cucumber-js`, so plan, journal, revert-on-signal and reports are in place.
const common = {
  requireModule: ['ts-node/register'],
  require: ['steps/**/*.ts'],
  strict: true,
};

module.exports = {
  // default and lab: every lab feature, as `npm run demo` runs them.
  default: { ...common, paths: ['features/lab/**/*.feature'] },
  lab: { ...common, paths: ['features/lab/**/*.feature'], tags: 'not @wip' },
  // ci: the same, failing fast on nothing: every scenario runs and reports.
  ci: { ...common, paths: ['features/lab/**/*.feature'], tags: 'not @wip and not @manual' },
  // ceph: the Ceph features, against a lab brought up with `scs-chaos lab up --with ceph` (or a real cluster).
  ceph: { ...common, paths: ['features/ceph/**/*.feature'], tags: 'not @wip' },
  // ceph-4: features that need more OSDs than copies (the four-node lab, experiments/environments/lab-ceph4.yaml).
  'ceph-4': { ...common, paths: ['features/ceph-4/**/*.feature'], tags: 'not @wip' },
  // ceph-ha: monitor and manager loss, against a lab with 3 monitors and 2 managers
  // (`scs-chaos lab up --with ceph --env experiments/environments/lab-ceph-ha.yaml`, or a real cluster).
  'ceph-ha': { ...common, paths: ['features/ceph-ha/**/*.feature'], tags: 'not @wip' },
  // kubernetes: the Kubernetes features, against a lab brought up with `scs-chaos lab up --with kubernetes`.
  kubernetes: { ...common, paths: ['features/kubernetes/**/*.feature'], tags: 'not @wip' },
  // alerts: alerts fire, resolve and are remediated (issue 15), against a lab brought up with
  // `scs-chaos lab up --with alerting` (Alertmanager, the rules of experiments/alerts/, the remediation service).
  alerts: { ...common, paths: ['features/alerts/**/*.feature'], tags: 'not @wip' },
  // alerts-ceph: Ceph's alerts, against `scs-chaos lab up --with ceph,alerting`.
  'alerts-ceph': { ...common, paths: ['features/alerts-ceph/**/*.feature'], tags: 'not @wip' },
  // openstack: the OpenStack features, against a lab brought up with `scs-chaos lab up --with openstack`.
  openstack: { ...common, paths: ['features/openstack/**/*.feature'], tags: 'not @wip' },
  // lab-ceph: everything the lab with Ceph can run (`scs-chaos demo --with ceph`).
  // Ceph first: the lab features' network faults leave OSD_SLOW_PING_TIME warnings that last a minute or more
  // (averaged ping times), which the Ceph scenarios' steady state would have to wait out.
  'lab-ceph': { ...common, paths: ['features/ceph/**/*.feature', 'features/lab/**/*.feature'], tags: 'not @wip' },
};
