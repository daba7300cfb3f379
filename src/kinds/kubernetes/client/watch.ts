/**
 * KubeWatch: a list-then-watch that never misses a change and never polls (DESIGN.md section 6; what informers
 * do). It lists (listAll), hands the full state to `onSync`, then watches from the list's resourceVersion with
 * bookmarks, so a quiet resource still advances the resourceVersion. When the server ends the stream it resumes
 * from the last resourceVersion; when that is too old (410 Gone, etcd compacted it) it lists again and calls
 * `onSync` with the new full state. Connection errors are retried after a short pause, counted in `retries`.
 */
import { sleep } from '../../../kernel/clock';
import { KubeApiError, RequestSubject } from './errors';
import { KubeObject, listAll } from './list';
import type { KubeRest, Query } from './rest';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchOptions<T extends KubeObject> {
  /** Collection path, e.g. /api/v1/namespaces/web/pods. */
  path: string;
  /** labelSelector, fieldSelector, ... */
  query?: Query;
  subject: Omit<RequestSubject, 'verb'>;
  /** The whole state, at the start and after every relist. */
  onSync(items: T[]): void;
  onEvent(type: WatchEventType, object: T): void;
  /** A problem that is being retried (for progress output); the watch goes on. */
  onRetry?(error: Error): void;
  /** Seconds after which the server ends each watch request (it is resumed); default 60. */
  timeoutSeconds?: number;
  /** Resume from a resourceVersion known from earlier instead of listing first (too old: 410, then a list). */
  startAt?: string;
}

/** Pause before a watch is retried after a connection error. */
const RETRY_MS = 500;

export class KubeWatch<T extends KubeObject> {
  resourceVersion = '';
  /** Lists after the first (410 Gone). */
  relists = 0;
  /** Watch requests that ended and were resumed from the last resourceVersion. */
  resumes = 0;
  retries = 0;
  private readonly abort = new AbortController();
  private readonly running: Promise<void>;
  private synced!: () => void;
  /** Resolves once the first list was handed to onSync (with startAt: once a list was needed). */
  readonly ready = new Promise<void>((resolve) => (this.synced = resolve));

  constructor(
    private readonly rest: KubeRest,
    private readonly options: WatchOptions<T>,
  ) {
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async list(): Promise<void> {
    const listed = await listAll<T>(this.rest, this.options.path, this.options.query ?? {}, { ...this.options.subject, verb: 'list' });
    this.resourceVersion = listed.resourceVersion;
    this.options.onSync(listed.items);
    this.synced();
  }

  private async run(): Promise<void> {
    let needList = this.options.startAt === undefined;
    this.resourceVersion = this.options.startAt ?? '';
    while (!this.abort.signal.aborted) {
      try {
        if (needList) {
          await this.list();
          needList = false;
        }
        await this.watchOnce();
        this.resumes++;
      } catch (error) {
        if (this.abort.signal.aborted) break;
        if (error instanceof KubeApiError && error.gone) {
          needList = true;
          this.relists++;
          continue;
        }
        this.retries++;
        this.options.onRetry?.(error as Error);
        await sleep(RETRY_MS, this.abort.signal).catch(() => undefined);
      }
    }
  }

  private async watchOnce(): Promise<void> {
    const query = { ...this.options.query, watch: 1, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.options.timeoutSeconds ?? 60 };
    let gone: KubeApiError | null = null;
    await this.rest.stream({ method: 'GET', path: this.options.path, query, subject: { ...this.options.subject, verb: 'watch' } }, (line) => {
      const event = JSON.parse(line) as { type: string; object: T & { code?: number; reason?: string; message?: string } };
      if (event.type === 'ERROR') {
        // The server reports an expired resourceVersion inside the stream, as a Status object.
        if (event.object.code === 410) gone = new KubeApiError(this.rest.connection.cluster, { ...this.options.subject, verb: 'watch' }, 410, event.object, this.rest.connection.user);
        return;
      }
      const version = event.object.metadata?.resourceVersion;
      if (version) this.resourceVersion = version;
      if (event.type !== 'BOOKMARK') this.options.onEvent(event.type as WatchEventType, event.object);
    }, this.abort.signal);
    if (gone) throw gone;
  }
}
