/**
 * Errors of the OpenStack client. Every message names the cloud and the call ("cloud os14: POST compute
 * /servers/abc/action"), so a failing step says where to look; secrets never appear (tokens travel only in headers,
 * and the kernel's redaction covers passwords and application-credential secrets everywhere text leaves the process).
 */

/** OpenStackApiError: the API answered with an error status; `detail` is the service's own message. */
export class OpenStackApiError extends Error {
  override readonly name = 'OpenStackApiError';
  constructor(
    readonly cloud: string,
    readonly call: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`cloud ${cloud}: ${call} answered ${status}${detail ? `: ${detail}` : ''}${hintFor(status)}`);
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  /** conflict: 409 — the object is in a state that does not allow the call (e.g. starting an ACTIVE server). */
  get conflict(): boolean {
    return this.status === 409;
  }
}

/** OpenStackUnreachable: no answer at all (refused, reset, timed out, DNS). */
export class OpenStackUnreachable extends Error {
  override readonly name = 'OpenStackUnreachable';
  constructor(
    readonly cloud: string,
    readonly call: string,
    readonly reason: string,
  ) {
    super(`cloud ${cloud}: ${call} got no answer: ${reason}`);
  }
}

/** OpenStackAuthError: Keystone refused the credentials (401) — bad input, not an outage. */
export class OpenStackAuthError extends Error {
  override readonly name = 'OpenStackAuthError';
  constructor(
    readonly cloud: string,
    readonly file: string,
    readonly detail: string,
  ) {
    super(`cloud ${cloud}: Keystone refused the credentials of ${file}: ${detail}`);
  }
}

function hintFor(status: number): string {
  if (status === 403) return ' (the credentials lack a role for this call: the scenario user needs member, or admin for compute services, or the load-balancer roles)';
  return '';
}

/** detailOf: the human message of an OpenStack error body (Nova, Neutron, Octavia and Keystone each shape it differently). */
export function detailOf(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.replace(/\s+/g, ' ').trim().slice(0, 300);
  }
  const visit = (value: unknown): string | undefined => {
    if (!value || typeof value !== 'object') return undefined;
    const record = value as Record<string, unknown>;
    for (const key of ['message', 'faultstring', 'description', 'title']) if (typeof record[key] === 'string') return record[key] as string;
    for (const inner of Object.values(record)) {
      const found = visit(inner);
      if (found) return found;
    }
    return undefined;
  };
  return (visit(body) ?? text).slice(0, 300);
}
