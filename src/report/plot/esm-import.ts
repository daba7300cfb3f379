/**
 * importEsm: loads an ES-module-only package (vega) from this CommonJS code base.
 *
 * Node 20 cannot require() an ES module without --experimental-require-module, and TypeScript with
 * "module": "commonjs" (tsc and ts-node alike) compiles `import('x')` into `require('x')`. The import() inside a
 * Function body is not seen by the compiler, so it stays a real dynamic import. It is given an absolute file
 * URL, resolved here with require.resolve, so that it does not depend on where Node thinks the Function's
 * code lives.
 */
import { pathToFileURL } from 'node:url';

const dynamicImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

/** importEsm: the module namespace of `specifier`, typed by the caller (e.g. `importEsm<typeof import('vega')>('vega')`). */
export async function importEsm<T>(specifier: string): Promise<T> {
  let path: string;
  try {
    path = require.resolve(specifier);
  } catch (error) {
    throw new Error(`cannot find the package "${specifier}" (${(error as Error).message}); run npm ci`);
  }
  return (await dynamicImport(pathToFileURL(path).href)) as T;
}
