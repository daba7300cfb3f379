/**
 * EnvironmentReader: reads typed values out of the environment file's YAML nodes and builds BadInput errors that
 * point at the node's file and line. The base loader (load.ts) and every target kind's section (src/core/kinds.ts)
 * read through it, so every problem in the file is reported the same way.
 */
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, YAMLMap, Node as YamlNode } from 'yaml';
import { registerSecret } from '../kernel/secrets';
import { BadInput, SourceLocation } from '../kernel/errors';
import { parseDuration } from '../kernel/duration';

export type { YAMLMap } from 'yaml';
/** YamlValue: one node of the parsed file, as a section's read() receives it. */
export type YamlValue = YamlNode;

/** Reads typed values out of YAML nodes and builds BadInput errors that point at the node's line. */
export class EnvironmentReader {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  /** path: a path from the file, resolved against the file's own directory. */
  path(text: string): string {
    return resolve(dirname(this.file), text);
  }

  /** kubeconfigPath: a kubeconfig as the file names it: "in-cluster" (a pod's service account) stays, a path resolves. */
  kubeconfigPath(text: string): string {
    return text === 'in-cluster' ? text : this.path(text);
  }

  location(node: unknown): SourceLocation {
    const range = (node as YamlNode | undefined)?.range;
    if (!range) return { file: this.file };
    const pos = this.lines.linePos(range[0]);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  error(node: unknown, message: string, hint: string): BadInput {
    return new BadInput(message, this.location(node), hint);
  }

  map(node: unknown, what: string, hint: string): YAMLMap {
    if (!isMap(node)) throw this.error(node, `${what} must be a mapping`, hint);
    return node;
  }

  get(map: YAMLMap, key: string, required: true): YamlNode;
  get(map: YAMLMap, key: string, required: boolean): YamlNode | undefined;
  get(map: YAMLMap, key: string, required: boolean): YamlNode | undefined {
    const value = map.get(key, true) as YamlNode | undefined;
    if (value === undefined || value === null || (isScalar(value) && value.value === null)) {
      if (required) throw this.error(map, `missing "${key}"`, `add "${key}:" here`);
      return undefined;
    }
    return value;
  }

  seq(map: YAMLMap, key: string): unknown[] {
    const node = this.get(map, key, true);
    if (!isSeq(node)) throw this.error(node, `"${key}" must be a list`, `write ${key} as a list of "- " items`);
    return node.items;
  }

  /**
   * secretCapable: a URL-like value with `${env:NAME}` references replaced by the variables' values, each of which
   * is registered as a secret, as is a password in the URL's userinfo. An unset variable is a BadInput here.
   */
  secretCapable<T extends string | undefined>(node: unknown, value: T): T {
    if (value === undefined) return value;
    const resolved = value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_whole, name: string) => {
      const secret = process.env[name];
      if (secret === undefined || secret === '') {
        throw this.error(node, `environment variable ${name} is not set (referenced as \${env:${name}})`, `export ${name}=... before running, or write the value into the file`);
      }
      if (secret.length < 4) throw this.error(node, `environment variable ${name} is shorter than 4 characters`, 'use a longer secret: shorter ones cannot be redacted from reports safely');
      registerSecret(secret);
      return secret;
    });
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^@\s/]+)@/i.exec(resolved)?.[1];
    if (password !== undefined) {
      if (decodeURIComponent(password).length < 4) throw this.error(node, 'the password in this URL is shorter than 4 characters', 'use a longer password: shorter ones cannot be redacted from reports safely');
      registerSecret(decodeURIComponent(password));
    }
    return resolved as T;
  }

  string(map: YAMLMap, key: string, owner: string): string {
    const node = this.get(map, key, false);
    if (!node) throw this.error(map, `${owner} is missing "${key}"`, `add "${key}:" to ${owner}`);
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') throw this.error(node, `${owner}: "${key}" must be a non-empty string`, `write ${key}: <text>`);
    return node.value;
  }

  optionalString(map: YAMLMap, key: string): string | undefined {
    const node = this.get(map, key, false);
    if (!node) return undefined;
    if (!isScalar(node) || typeof node.value !== 'string') throw this.error(node, `"${key}" must be a string`, `write ${key}: <text>`);
    return node.value;
  }

  number(map: YAMLMap, key: string, owner: string): number {
    const value = this.optionalNumber(map, key);
    if (value === undefined) throw this.error(map, `${owner} is missing "${key}"`, `add "${key}:" with a number`);
    return value;
  }

  optionalNumber(map: YAMLMap, key: string): number | undefined {
    const node = this.get(map, key, false);
    if (!node) return undefined;
    if (!isScalar(node) || typeof node.value !== 'number') throw this.error(node, `"${key}" must be a number`, `write ${key}: <number>`);
    return node.value;
  }

  optionalBoolean(map: YAMLMap, key: string): boolean | undefined {
    const node = this.get(map, key, false);
    if (!node) return undefined;
    if (!isScalar(node) || typeof node.value !== 'boolean') throw this.error(node, `"${key}" must be true or false`, `write ${key}: true or ${key}: false`);
    return node.value;
  }

  optionalDuration(map: YAMLMap, key: string): number | undefined {
    const node = this.get(map, key, false);
    if (!node) return undefined;
    const text = isScalar(node) ? String(node.value) : '';
    return parseDuration(text, this.location(node));
  }

  stringList(node: unknown, what: string): string[] {
    if (!isSeq(node)) throw this.error(node, `${what} must be a list`, 'write a list like [web, storage]');
    return node.items.map((item) => {
      if (!isScalar(item) || typeof item.value !== 'string') throw this.error(item, `${what}: every entry must be a string`, 'write plain names');
      return item.value;
    });
  }
}
