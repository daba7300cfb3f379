/**
 * kernel-features: whether a node's kernel has a traffic-control part (sch_netem, act_police, ifb, act_mirred),
 * found out by reading only, in this order (first decisive answer wins):
 *   1. /sys/module/<module> exists            → yes (loaded module, or built in with parameters)
 *   2. `modprobe -n -q <module>` succeeds      → yes (loadable or built in; -n loads nothing)
 *   3. the kernel config (/proc/config.gz, else /boot/config-$(uname -r)):
 *        <CONFIG>=y                             → yes (built in)
 *        "# <CONFIG> is not set"                → no
 *        <CONFIG>=m and modprobe cannot find it → no (module not installed, e.g. Ubuntu's linux-modules-extra)
 *   4. nothing of that                          → unknown
 * A built-in part without parameters leaves no trace in /sys/module, and a kernel without module support has no
 * modprobe data, so "unknown" is real; netem.ts settles it for sch_netem with a throwaway-device probe.
 */
import type { Executor } from '../../../executors/executor';

/** KernelFeature: one part of the kernel, by module name and config symbol. */
export interface KernelFeature {
  module: string;
  config: string;
}

/** KERNEL_FEATURES: the parts network faults may need. */
export const KERNEL_FEATURES = {
  netem: { module: 'sch_netem', config: 'CONFIG_NET_SCH_NETEM' },
  police: { module: 'act_police', config: 'CONFIG_NET_ACT_POLICE' },
  ifb: { module: 'ifb', config: 'CONFIG_IFB' },
  mirred: { module: 'act_mirred', config: 'CONFIG_NET_ACT_MIRRED' },
} as const satisfies Record<string, KernelFeature>;

/** FeatureName: a key of KERNEL_FEATURES. */
export type FeatureName = keyof typeof KERNEL_FEATURES;

/** FeatureAnswer: yes / no / unknown, with the evidence that decided it. */
export interface FeatureAnswer {
  available: 'yes' | 'no' | 'unknown';
  evidence: string;
}

/** KernelReport: the node's kernel release and an answer per asked feature. */
export interface KernelReport {
  kernel: string;
  features: Partial<Record<FeatureName, FeatureAnswer>>;
}

/**
 * kernelFeatureScript: the read-only POSIX script behind detectKernelFeatures. It prints `kernel <release>` and
 * one `feature <name> <yes|no|unknown> <evidence>` line per feature; it changes nothing on the node.
 */
export function kernelFeatureScript(names: readonly FeatureName[]): string {
  const lines = [
    'k=$(uname -r); echo "kernel $k"',
    'cfg=""',
    'if [ -r /proc/config.gz ]; then cfg=/proc/config.gz; elif [ -r "/boot/config-$k" ]; then cfg="/boot/config-$k"; fi',
    'cfgline() { case "$cfg" in *.gz) gzip -dc "$cfg" 2>/dev/null ;; ?*) cat "$cfg" ;; esac | grep -E "^(# )?$1[= ]" | head -n 1; }',
    'feature() {',
    '  if [ -d "/sys/module/$2" ]; then echo "feature $1 yes /sys/module/$2 exists"; return; fi',
    '  mp=absent; if command -v modprobe >/dev/null 2>&1; then if modprobe -n -q "$2" 2>/dev/null; then echo "feature $1 yes modprobe -n finds $2"; return; fi; mp=no; fi',
    '  if [ -n "$cfg" ]; then',
    '    line=$(cfgline "$3")',
    '    case "$line" in',
    '      "$3=y") echo "feature $1 yes $cfg: $line (built in)"; return ;;',
    '      "# $3 is not set") echo "feature $1 no $cfg: $line"; return ;;',
    '      "$3=m") if [ "$mp" = no ]; then echo "feature $1 no $cfg: $line, but modprobe cannot find $2 (module not installed)"; return; fi ;;',
    '    esac',
    '  fi',
    '  echo "feature $1 unknown no trace in /sys/module, modprobe ($mp) or the kernel config (${cfg:-not readable})"',
    '}',
    ...names.map((name) => `feature ${name} ${KERNEL_FEATURES[name].module} ${KERNEL_FEATURES[name].config}`),
  ];
  return lines.join('\n');
}

/** parseKernelReport: reads the output of kernelFeatureScript. */
export function parseKernelReport(stdout: string): KernelReport {
  const report: KernelReport = { kernel: 'unknown', features: {} };
  for (const line of stdout.split('\n')) {
    const kernel = /^kernel (\S+)/.exec(line);
    if (kernel?.[1]) report.kernel = kernel[1];
    const feature = /^feature (\S+) (yes|no|unknown) ?(.*)$/.exec(line);
    if (feature?.[1] && feature[1] in KERNEL_FEATURES) {
      report.features[feature[1] as FeatureName] = { available: feature[2] as FeatureAnswer['available'], evidence: feature[3] ?? '' };
    }
  }
  return report;
}

/** detectKernelFeatures: asks the node (read-only) which of the named features its kernel has. */
export async function detectKernelFeatures(executor: Executor, names: readonly FeatureName[]): Promise<KernelReport> {
  const result = await executor.runScript(kernelFeatureScript(names), { timeoutMs: 10_000 });
  const report = parseKernelReport(result.stdout);
  for (const name of names) {
    report.features[name] ??= { available: 'unknown', evidence: `the detection script failed: ${result.stderr.trim() || `exit ${result.code}`}` };
  }
  return report;
}
