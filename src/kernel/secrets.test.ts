import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forgetSecretsForTests, hasSecrets, redact, registerSecret, REDACTED } from './secrets';

describe('secrets', () => {
  afterEach(() => forgetSecretsForTests());

  it('redacts every registered secret, longest first, and its URL-encoded form', () => {
    registerSecret('s3cr3t');
    registerSecret('s3cr3t-token');
    registerSecret('p@ss word');
    assert.equal(redact('token s3cr3t-token and s3cr3t'), `token ${REDACTED} and ${REDACTED}`);
    assert.equal(redact('q=p%40ss%20word'), `q=${REDACTED}`);
    assert.ok(hasSecrets());
  });

  it('removes passwords from URLs even when nobody registered them', () => {
    assert.equal(redact('GET http://chaos:hunter22@198.18.0.10:80/ failed'), `GET http://chaos:${REDACTED}@198.18.0.10:80/ failed`);
    assert.equal(redact('http://198.18.0.10:80/ and user@example.org'), 'http://198.18.0.10:80/ and user@example.org', 'no userinfo password, nothing changes');
    assert.equal(hasSecrets(), false);
  });

  it('refuses secrets too short to redact safely', () => {
    assert.throws(() => registerSecret('abc'), /at least 4 characters/);
  });
});
