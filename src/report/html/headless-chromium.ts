/**
 * HeadlessChromium: Debian's chromium driven over the DevTools protocol (CDP) through --remote-debugging-pipe,
 * for the page's browser test. No dependency and no port: CDP messages are JSON texts ended by a NUL byte,
 * written to the browser's fd 3 and read from its fd 4 (the transport puppeteer uses for pipes).
 *
 * Contract: `launch` starts chromium in its own process group with a fresh --user-data-dir; `close` ends it on
 * every path (Browser.close, then SIGKILL to the group after 5 s) and removes the directory. A process exit
 * without `close` (a crashed or timed-out test) still kills the group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags every run uses (headless as root), plus --user-data-dir and --remote-debugging-pipe. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const COMMAND_TIMEOUT_MS = 15_000;

type Params = Record<string, unknown>;
type CdpEvent = { method: string; params: Params; sessionId?: string };

interface Pending {
  method: string;
  resolve: (result: Params) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class HeadlessChromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventHandlers = new Set<(event: CdpEvent) => void>();
  private buffer = '';
  private stderr = '';
  private exited = false;
  private readonly exitPromise: Promise<void>;
  private readonly killOnExit = (): void => this.killGroup();

  private constructor(
    private readonly child: ChildProcess,
    private readonly userDataDir: string,
  ) {
    const toBrowser = child.stdio[3] as Writable;
    const fromBrowser = child.stdio[4] as Readable;
    fromBrowser.setEncoding('utf8');
    fromBrowser.on('data', (chunk: string) => this.receive(chunk));
    toBrowser.on('error', () => undefined); // a write after the browser died: the pending command times out or is rejected on exit
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (this.stderr.length < 64_000) this.stderr += chunk;
    });
    this.exitPromise = new Promise((resolve) => {
      // 'error' without 'exit' is a spawn that failed (no such file): there is no process to wait for either.
      const gone = (): void => {
        if (this.exited) return;
        this.exited = true;
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`chromium exited before answering ${p.method}; its stderr:\n${this.stderrTail()}`));
          this.pending.delete(id);
        }
        resolve();
      };
      child.once('exit', gone);
      child.once('error', gone);
    });
    process.once('exit', this.killOnExit);
  }

  /** launch: starts chromium on about:blank with a fresh profile directory. */
  static async launch(executable = CHROMIUM_PATH): Promise<HeadlessChromium> {
    const userDataDir = mkdtempSync(join(tmpdir(), 'scs-chaos-chromium-'));
    const child = spawn(executable, [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
      detached: true, // its own process group, so close() can end the renderer and GPU processes too
    });
    const browser = new HeadlessChromium(child, userDataDir);
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (error) => reject(new Error(`cannot start ${executable}: ${error.message}`)));
      });
      await browser.send('Browser.getVersion');
      return browser;
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /** send: one CDP command (to the browser, or to a page when `sessionId` is given); rejects on a protocol error. */
  send(method: string, params: Params = {}, sessionId?: string): Promise<Params> {
    if (this.exited) return Promise.reject(new Error(`chromium has exited; cannot send ${method}`));
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`chromium did not answer ${method} within ${COMMAND_TIMEOUT_MS} ms; its stderr:\n${this.stderrTail()}`));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, { method, resolve, reject, timer });
      (this.child.stdio[3] as Writable).write(`${message}\0`);
    });
  }

  /** onEvent: calls `listener` for every CDP event; returns the function that removes it. */
  onEvent(listener: (method: string, params: Params, sessionId: string | undefined) => void): () => void {
    const handler = (event: CdpEvent): void => listener(event.method, event.params, event.sessionId);
    this.eventHandlers.add(handler);
    return () => this.eventHandlers.delete(handler);
  }

  /** waitForEvent: the next event `method` (of `sessionId`, when given) within `timeoutMs`. */
  waitForEvent(method: string, sessionId: string | undefined, timeoutMs: number): Promise<Params> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${method} from chromium within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onEvent((name, params, session) => {
        if (name !== method || (sessionId !== undefined && session !== sessionId)) return;
        clearTimeout(timer);
        off();
        resolve(params);
      });
    });
  }

  /** close: ends chromium (politely, then SIGKILL to its process group) and removes its profile directory. */
  async close(): Promise<void> {
    if (!this.exited) {
      await Promise.race([this.send('Browser.close').catch(() => undefined), delay(3000)]);
      await Promise.race([this.exitPromise, delay(5000)]);
    }
    // The group may still hold helper processes even when the browser process itself has exited.
    this.killGroup();
    await Promise.race([this.exitPromise, delay(2000)]);
    process.removeListener('exit', this.killOnExit);
    rmSync(this.userDataDir, { recursive: true, force: true });
  }

  /** The last lines chromium wrote to stderr, for error messages. */
  stderrTail(): string {
    return this.stderr.split('\n').slice(-20).join('\n');
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 1);
      const message = JSON.parse(raw) as { id?: number; method?: string; params?: Params; result?: Params; error?: { message: string }; sessionId?: string };
      if (message.id !== undefined) {
        const p = this.pending.get(message.id);
        if (!p) continue;
        this.pending.delete(message.id);
        clearTimeout(p.timer);
        if (message.error) p.reject(new Error(`${p.method} failed: ${message.error.message}`));
        else p.resolve(message.result ?? {});
      } else if (message.method) {
        for (const handler of [...this.eventHandlers]) {
          handler({ method: message.method, params: message.params ?? {}, ...(message.sessionId ? { sessionId: message.sessionId } : {}) });
        }
      }
    }
  }

  private killGroup(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is gone already.
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** LoadedPage: a page opened by `openPage`, with what went wrong while it loaded and ran. */
export interface LoadedPage {
  /** The CDP session of the page's tab, for commands this interface does not wrap. */
  sessionId: string;
  /** console.error/assert calls and browser log entries of level "error" (CSP violations, failed loads). */
  consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  exceptions: string[];
  /** Every URL the page asked the network stack for, the page itself included. */
  requests: string[];
  /** evaluate: the value of a JavaScript expression in the page (returned by value). */
  evaluate<T>(expression: string): Promise<T>;
  /** screenshotPng: the whole page (not only the window) as PNG, at the page's width. */
  screenshotPng(): Promise<Buffer>;
}

/** openPage: a new tab `widthPx` wide that loads `url` and waits for its load event. */
export async function openPage(browser: HeadlessChromium, url: string, widthPx: number): Promise<LoadedPage> {
  const { targetId } = (await browser.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
  const { sessionId } = (await browser.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
  const page: Omit<LoadedPage, 'evaluate' | 'screenshotPng'> = { sessionId, consoleErrors: [], exceptions: [], requests: [] };
  browser.onEvent((method, params, session) => {
    if (session !== sessionId) return;
    if (method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'assert')) {
      const args = (params.args as { value?: unknown; description?: string }[] | undefined) ?? [];
      page.consoleErrors.push(`console.${String(params.type)}: ${args.map((a) => a.description ?? JSON.stringify(a.value)).join(' ')}`);
    } else if (method === 'Log.entryAdded') {
      const entry = params.entry as { level: string; source: string; text: string; url?: string };
      if (entry.level === 'error') page.consoleErrors.push(`${entry.source}: ${entry.text}${entry.url ? ` (${entry.url})` : ''}`);
    } else if (method === 'Runtime.exceptionThrown') {
      const details = params.exceptionDetails as { text: string; exception?: { description?: string } };
      page.exceptions.push(details.exception?.description ?? details.text);
    } else if (method === 'Network.requestWillBeSent') {
      page.requests.push((params.request as { url: string }).url);
    }
  });
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await browser.send(`${domain}.enable`, {}, sessionId);
  await browser.send('Emulation.setDeviceMetricsOverride', { width: widthPx, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
  const loaded = browser.waitForEvent('Page.loadEventFired', sessionId, 15_000);
  const navigation = (await browser.send('Page.navigate', { url }, sessionId)) as { errorText?: string };
  if (navigation.errorText) throw new Error(`chromium could not open ${url}: ${navigation.errorText}`);
  await loaded;
  return {
    ...page,
    evaluate: async <T>(expression: string): Promise<T> => {
      const reply = (await browser.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as {
        result: { value?: unknown };
        exceptionDetails?: { text: string };
      };
      if (reply.exceptionDetails) throw new Error(`evaluating ${expression} threw: ${reply.exceptionDetails.text}`);
      return reply.result.value as T;
    },
    screenshotPng: async (): Promise<Buffer> => {
      const metrics = (await browser.send('Page.getLayoutMetrics', {}, sessionId)) as { cssContentSize: { height: number } };
      const height = Math.ceil(metrics.cssContentSize.height);
      await browser.send('Emulation.setDeviceMetricsOverride', { width: widthPx, height, deviceScaleFactor: 1, mobile: false }, sessionId);
      const shot = (await browser.send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
      return Buffer.from(shot.data, 'base64');
    },
  };
}
