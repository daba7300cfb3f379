/**
 * How a Kubernetes fault marks what it changed, so that `sweep` and the next preflight find it without a journal
 * or a marker file: the label scs-chaos/injection=<id> (selectable) and the annotation scs-chaos/revert holding
 * the undo's steps as JSON — the object carries its own undo. The undo's last step removes both.
 */
import type { RequestSubject } from './client/errors';
import type { KubeObject } from './client/list';
import type { KubeCall, KubeStep } from './recipe';

/** INJECTION_LABEL: every object a Kubernetes fault changes carries it (preflight and sweep look for it). */
export const INJECTION_LABEL = 'scs-chaos/injection';
/** REVERT_ANNOTATION: the undo's steps (JSON), for sweep. */
export const REVERT_ANNOTATION = 'scs-chaos/revert';

/** markedMetadata: the metadata a fault's own patch adds to the object it changes. */
export function markedMetadata(injectionId: string, undo: readonly KubeStep[]): { labels: Record<string, string>; annotations: Record<string, string> } {
  return { labels: { [INJECTION_LABEL]: injectionId }, annotations: { [REVERT_ANNOTATION]: JSON.stringify(undo) } };
}

/** UNMARK_METADATA: the merge-patch metadata that removes the label and the annotation (null removes a key). */
export const UNMARK_METADATA = { labels: { [INJECTION_LABEL]: null }, annotations: { [REVERT_ANNOTATION]: null } } as const;

/** unmarkCall: the undo's last step — label and annotation gone. */
export function unmarkCall(path: string, subject: RequestSubject): KubeCall {
  return { method: 'PATCH', path, patchType: 'merge', body: { metadata: UNMARK_METADATA }, subject };
}

/** markOf: the injection id an object is labelled with, if any. */
export function markOf(object: KubeObject): string | undefined {
  return object.metadata.labels?.[INJECTION_LABEL];
}

/** undoOf: the undo steps an object carries; undefined when it carries none or they are unreadable. */
export function undoOf(object: KubeObject): KubeStep[] | undefined {
  const text = object.metadata.annotations?.[REVERT_ANNOTATION];
  if (!text) return undefined;
  try {
    const steps = JSON.parse(text) as unknown;
    return Array.isArray(steps) ? (steps as KubeStep[]) : undefined;
  } catch {
    return undefined;
  }
}
