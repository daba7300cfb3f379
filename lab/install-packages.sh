#!/usr/bin/env bash
# Installs the Debian packages the built-in lab needs, when they are missing. Idempotent: with everything
# installed it changes nothing and does not touch the network.
#   usage: bash lab/install-packages.sh [--for-tests] [--with-ceph] [--with-kubernetes] [--with-openstack] [--with-alerting] [--with-image] [--reinstall]
#   (root; --for-tests adds the packages only the tests use, --reinstall repairs a broken install;
#   --with-kubernetes also builds the lab's Kubernetes into the user's cache, lab/kubernetes/build.sh)
# The packages' maintainer scripts would start the system-wide haproxy, supervisord, prometheus and
# prometheus-node-exporter; the lab runs its own instances (inside its namespaces, on lab addresses), so this
# script keeps them from starting and stops any that started anyway.
set -euo pipefail

# iproute2: ip (namespaces, veths, bridge, routes); nftables: nft (network faults); haproxy: the edge;
# supervisor: supervisord per node; procps: pgrep (finding service processes); prometheus and
# prometheus-node-exporter: steady-state measurement with PromQL (lab/prometheus/config.ts); fonts-dejavu-core:
# the font of the timeline plots' PNGs (src/report/plot/fonts.ts).
PACKAGES=(iproute2 nftables haproxy supervisor procps prometheus prometheus-node-exporter openssh-server openssh-client stress-ng fonts-dejavu-core)
# --for-tests adds what only the tests need (`npm test` passes it; `npm run demo` does not, so a first demo
# does not download a browser): prometheus-pushgateway (src/report/pushgateway.ts is tested against the real
# one), libxml2-utils and python3-yaml (junit.xml checked with xmllint, compliance.yaml read with PyYAML),
# chromium (the HTML run page's browser test, headless, no daemon).
TEST_PACKAGES=(prometheus-pushgateway libxml2-utils python3-yaml chromium)
# yamllint (the Zuul and GitLab pipelines in ci/ are linted with it) and shellcheck (actionlint checks the GitHub
# workflow's run: scripts with it): test/ci/pipelines.test.ts.
TEST_PACKAGES+=(yamllint shellcheck)
# --with-ceph (and --for-tests) add Ceph: ceph-mon, ceph-mgr, ceph-osd for a lab cluster, ceph-common for the
# `ceph` CLI the framework drives with `-f json` (src/kinds/ceph/client). Debian 12 ships 16.2.15 "pacific" (~250 MB).
# Their packages start no daemon: Ceph's systemd units are templates (ceph-osd@ID) that need a cluster config.
CEPH_PACKAGES=(ceph-mon ceph-mgr ceph-osd ceph-common)
# --with-kubernetes (and --for-tests) add what the lab's Kubernetes nodes run besides the binaries built from
# source (lab/kubernetes/build.sh): containerd (one per node namespace, with its `ctr`), runc, the CNI bridge and
# host-local plugins (/usr/lib/cni), busybox-static (the lab's busybox image), openssl (the cluster's
# certificates), iptables (kube-proxy's and the kubelet's rules, inside each node namespace). Debian's containerd package would start a system-wide containerd: it is kept from starting.
# --with-alerting (and --for-tests) add Alertmanager for `lab up --with alerting` (lab/alerting/, issue 15); its
# package would start a system-wide prometheus-alertmanager: kept from starting like the daemons below.
ALERTING_PACKAGES=(prometheus-alertmanager)
KUBERNETES_PACKAGES=(containerd runc containernetworking-plugins busybox-static openssl iptables)
# --with-openstack (and --for-tests) add a real OpenStack Zed control plane (lab/openstack/, docs/decisions/0101):
# Debian 12's python3-* library packages of Keystone, Placement, Nova, Glance, Neutron and Octavia (no service
# packages: no debconf questions, no daemons, no /etc files of their own), the openstack CLI for people, RabbitMQ
# (its package would start a system-wide rabbitmq-server: kept from starting like the daemons below), uwsgi, which
# serves the WSGI APIs, and openssl (Octavia's CA); ~110 MB to download, ~510 MB installed. The paste-deploy files
# the APIs need are in lab/openstack/paste/.
OPENSTACK_PACKAGES=(python3-keystone python3-placement python3-nova python3-glance python3-glance-store python3-neutron
  python3-octavia python3-openstackclient python3-osc-placement python3-octaviaclient rabbitmq-server uwsgi-core
  uwsgi-plugin-python3 openssl)
# --with-image (and --for-tests) add what ci/image/build.sh builds the scs-chaos container image with, no daemon:
# mmdebstrap (Debian trixie's root filesystem from the Debian mirror; docs/decisions/0150). The image test runs it in
# the containerd and runc of --with-kubernetes.
IMAGE_PACKAGES=(mmdebstrap)
# The daemons the packages' scripts may start: command lines that name the system-wide configs. Debian starts
# prometheus, prometheus-node-exporter and prometheus-pushgateway with the ARGS of /etc/default/<name> (empty by default) and
# prometheus its config under /etc/prometheus/; the lab's and the tests' own instances always pass their own arguments.
SYSTEM_DAEMONS='^/usr/bin/containerd *$|^/usr/sbin/haproxy .*/etc/haproxy/|beam\.smp .*-home /var/lib/rabbitmq|^(/usr/bin/|/usr/lib/erlang/erts-[^/]*/bin/)?epmd -daemon *$|supervisord .*-c /etc/supervisor/|^/usr/bin/prometheus( *$| .*/etc/prometheus/)|^/usr/bin/prometheus-node-exporter *$|^/usr/bin/prometheus-pushgateway *$|^/usr/bin/prometheus-alertmanager *$|^(sshd: )?/usr/sbin/sshd( -D)?( \[listener\].*)? *$'

# Prints the pids of running system-wide daemons (SYSTEM_DAEMONS), one a line (reads /proc: pgrep may not be installed yet).
system_daemons() {
  local dir command_line
  for dir in /proc/[0-9]*; do
    command_line=$(tr '\0' ' ' 2>/dev/null <"$dir/cmdline") || continue
    [[ "$command_line" =~ $SYSTEM_DAEMONS ]] || continue
    # A lab's own epmd (started by its RabbitMQ, lab/openstack/) looks the same but carries the lab's marker.
    if [[ "$command_line" =~ epmd ]] && tr '\0' '\n' 2>/dev/null <"$dir/environ" | grep -q '^SCS_CHAOS_LAB='; then continue; fi
    echo "${dir#/proc/}"
  done | sort
}

reinstall=false
build_kubernetes=false
for argument in "$@"; do
  case "$argument" in
    --reinstall) reinstall=true ;;
    --for-tests) PACKAGES+=("${TEST_PACKAGES[@]}" "${ALERTING_PACKAGES[@]}" "${CEPH_PACKAGES[@]}" "${KUBERNETES_PACKAGES[@]}" "${OPENSTACK_PACKAGES[@]}" "${IMAGE_PACKAGES[@]}") ;;
    --with-ceph) PACKAGES+=("${CEPH_PACKAGES[@]}") ;;
    --with-kubernetes) PACKAGES+=("${KUBERNETES_PACKAGES[@]}"); build_kubernetes=true ;;
    --with-openstack) PACKAGES+=("${OPENSTACK_PACKAGES[@]}") ;;
    --with-alerting) PACKAGES+=("${ALERTING_PACKAGES[@]}") ;;
    --with-image) PACKAGES+=("${IMAGE_PACKAGES[@]}") ;;
    *) echo "lab/install-packages.sh: unknown argument $argument (usage: lab/install-packages.sh [--for-tests] [--with-ceph] [--with-kubernetes] [--with-openstack] [--with-alerting] [--with-image] [--reinstall])" >&2; exit 2 ;;
  esac
done

# build_kubernetes_when_asked: --with-kubernetes also builds the binaries and images (cached: seconds when present).
build_kubernetes_when_asked() {
  if [ "$build_kubernetes" = true ]; then bash "$(dirname "$0")/kubernetes/build.sh"; fi
}

if [ "$(id -u)" != 0 ]; then
  echo "lab/install-packages.sh must run as root: it installs Debian packages (${PACKAGES[*]}) with apt-get; try: sudo bash lab/install-packages.sh" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
  echo "lab/install-packages.sh needs a Debian-based system (apt-get, dpkg-query); install ${PACKAGES[*]} by other means" >&2
  exit 1
fi

missing=()
for package in "${PACKAGES[@]}"; do
  if [ "$reinstall" = true ] || [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "lab packages already installed: ${PACKAGES[*]}"
  build_kubernetes_when_asked
  exit 0
fi

# policy-rc.d answering 101 ("action forbidden") stops invoke-rc.d and deb-systemd-invoke from starting
# services during the install. Only a policy-rc.d we created ourselves is removed again.
policy=/usr/sbin/policy-rc.d
daemons_before=$(system_daemons)
cleanup() {
  if [ -n "${created_policy:-}" ]; then rm -f "$policy"; fi
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# Temporary, by scs-chaos lab/install-packages.sh: start no services during package installation.\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=1
fi

echo "installing lab packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
install_flags=(-y -q --no-install-recommends)
if [ "$reinstall" = true ]; then install_flags+=(--reinstall); fi
apt-get install "${install_flags[@]}" "${missing[@]}"

# Belt and braces: stop a system-wide daemon that a maintainer script started despite the policy.
daemons_after=$(system_daemons)
started=$(comm -13 <(printf '%s\n' "$daemons_before") <(printf '%s\n' "$daemons_after") | grep -v '^$' || true)
if [ -n "$started" ]; then
  echo "stopping daemons started by the package scripts (the lab runs its own): $(echo "$started" | tr '\n' ' ')"
  # shellcheck disable=SC2086 # one pid per word
  kill $started 2>/dev/null || true
fi
echo "lab packages installed: ${missing[*]}"
build_kubernetes_when_asked
