// Set.prototype.union and friends (Node 22) for Node 20, loaded with --require before gitlab-ci-local's bundle,
// which calls them although its package declares Node >= 18 (test/ci/pipelines.test.ts). Adds only what is missing.
'use strict';
const methods = {
  union(other) { const out = new Set(this); for (const x of other.keys()) out.add(x); return out; },
  intersection(other) { const out = new Set(); for (const x of this) if (other.has(x)) out.add(x); return out; },
  difference(other) { const out = new Set(); for (const x of this) if (!other.has(x)) out.add(x); return out; },
  symmetricDifference(other) { const out = new Set(this); for (const x of other.keys()) { if (this.has(x)) out.delete(x); else out.add(x); } return out; },
  isSubsetOf(other) { for (const x of this) if (!other.has(x)) return false; return true; },
  isSupersetOf(other) { for (const x of other.keys()) if (!this.has(x)) return false; return true; },
  isDisjointFrom(other) { for (const x of this) if (other.has(x)) return false; return true; },
};
for (const [name, fn] of Object.entries(methods)) {
  if (!Set.prototype[name]) Object.defineProperty(Set.prototype, name, { value: fn, writable: true, configurable: true });
}
