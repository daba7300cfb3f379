/**
 * listAll: a list in pages of `limit` objects, following `continue` tokens (the API server keeps one consistent
 * snapshot across the pages); a token that expired between pages (410) starts the list again, once.
 * Returns the items and the resourceVersion a watch resumes from.
 */
import type { RequestSubject } from './errors';
import { KubeApiError } from './errors';
import type { KubeRest, Query } from './rest';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export interface KubeList<T> {
  items: T[];
  resourceVersion: string;
  /** How many requests the list took. */
  pages: number;
}

interface ListBody<T> {
  items?: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

export const DEFAULT_PAGE_SIZE = 500;

export async function listAll<T extends KubeObject>(rest: KubeRest, path: string, query: Query, subject: RequestSubject, limit = DEFAULT_PAGE_SIZE): Promise<KubeList<T>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await listPages<T>(rest, path, query, subject, limit);
    } catch (error) {
      if (!(error instanceof KubeApiError && error.gone) || attempt > 0) throw error;
    }
  }
}

async function listPages<T>(rest: KubeRest, path: string, query: Query, subject: RequestSubject, limit: number): Promise<KubeList<T>> {
  const items: T[] = [];
  let token: string | undefined;
  let resourceVersion = '';
  let pages = 0;
  do {
    const body = await rest.json<ListBody<T>>({ method: 'GET', path, query: { ...query, limit, ...(token ? { continue: token } : {}) }, subject });
    pages++;
    items.push(...(body.items ?? []));
    resourceVersion = body.metadata?.resourceVersion ?? resourceVersion;
    token = body.metadata?.continue || undefined;
  } while (token);
  return { items, resourceVersion, pages };
}
