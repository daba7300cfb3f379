/**
 * fixture: the text of one captured `ceph ... -f json` output or cluster log (fixtures/README.md says how and
 * from which cluster they were captured). For the unit tests of this folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function fixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}
