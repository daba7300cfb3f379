/**
 * The Prometheus programs, found by absolute path like lab/tools.ts finds the lab's (a non-root PATH often lacks
 * /usr/sbin); a missing one is reported with its Debian package and the script that installs it.
 */
import { findProgram } from '../tools';

/** PROMETHEUS_TOOLS maps each Prometheus program to the Debian package that ships it. */
export const PROMETHEUS_TOOLS = {
  prometheus: 'prometheus',
  'prometheus-node-exporter': 'prometheus-node-exporter',
} as const;

/** PrometheusTool: the name of a Prometheus program. */
export type PrometheusTool = keyof typeof PROMETHEUS_TOOLS;

/** findPrometheusTool returns the absolute path of `tool`, or undefined when it is not installed. */
export function findPrometheusTool(tool: PrometheusTool): string | undefined {
  return findProgram(tool);
}

/** prometheusToolPath returns the absolute path of `tool`; throws naming the package and lab/install-packages.sh when missing. */
export function prometheusToolPath(tool: PrometheusTool): string {
  const path = findPrometheusTool(tool);
  if (path === undefined) {
    throw new Error(`the lab needs ${tool} from the Debian package ${PROMETHEUS_TOOLS[tool]}, which is not installed: run lab/install-packages.sh as root`);
  }
  return path;
}
