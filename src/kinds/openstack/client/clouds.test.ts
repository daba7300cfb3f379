import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput } from '../../../kernel/errors';
import { forgetSecretsForTests, redact } from '../../../kernel/secrets';
import { readCloud } from './clouds';
import { authRequest, endpointOf } from './keystone';
import { detailOf } from './errors';

const CLOUDS = `clouds:
  pw:
    auth:
      auth_url: http://keystone.example:5000/v3/
      username: alice
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionTwo
  app:
    auth_type: v3applicationcredential
    auth:
      auth_url: http://keystone.example:5000/v3
      application_credential_id: abc123
      application_credential_secret: s3cret-app-credential
    interface: internal
  v2:
    identity_api_version: 2
    auth: { auth_url: http://k/v2.0, username: a, password: longpassword }
`;

function files(secure?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-clouds-'));
  writeFileSync(join(dir, 'clouds.yaml'), CLOUDS);
  if (secure) {
    writeFileSync(join(dir, 'secure.yaml'), secure);
    process.env.OS_CLIENT_SECURE_FILE = join(dir, 'secure.yaml');
  }
  return join(dir, 'clouds.yaml');
}

describe('clouds.yaml and secure.yaml', () => {
  afterEach(() => {
    delete process.env.OS_CLIENT_SECURE_FILE;
    delete process.env.OS_CLOUD;
    forgetSecretsForTests();
  });

  it('merges secure.yaml over clouds.yaml and registers the password for redaction', () => {
    const cloud = readCloud('pw', files('clouds:\n  pw:\n    auth:\n      password: very-secret-pw\n'));
    assert.equal(cloud.authUrl, 'http://keystone.example:5000/v3');
    assert.equal(cloud.region, 'RegionTwo');
    assert.equal(cloud.interface, 'public');
    assert.equal(cloud.auth.method, 'password');
    assert.equal(redact('Keystone said very-secret-pw'), 'Keystone said ***');
    assert.deepEqual(authRequest(cloud.auth), {
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'alice', domain: { name: 'Default' }, password: 'very-secret-pw' } } },
        scope: { project: { name: 'demo', domain: { name: 'Default' } } },
      },
    });
  });

  it('reads an application credential and takes the cloud from OS_CLOUD', () => {
    process.env.OS_CLOUD = 'app';
    const cloud = readCloud(undefined, files());
    assert.equal(cloud.interface, 'internal');
    assert.deepEqual(authRequest(cloud.auth), { auth: { identity: { methods: ['application_credential'], application_credential: { secret: 's3cret-app-credential', id: 'abc123' } } } });
    assert.equal(redact('s3cret-app-credential'), '***');
  });

  it('refuses what it cannot use with BadInput naming the cloud and the file', () => {
    const path = files();
    assert.throws(() => readCloud('pw', path), (e: unknown) => e instanceof BadInput && /cloud pw in .*clouds\.yaml: auth\.password is missing/.test(e.message));
    assert.throws(() => readCloud('v2', path), (e: unknown) => e instanceof BadInput && /identity_api_version 2 is not supported/.test(e.message));
    assert.throws(() => readCloud('nope', path), (e: unknown) => e instanceof BadInput && /cloud nope is not in .*\(it has: pw, app, v2\)/.test(e.message));
    assert.throws(() => readCloud(undefined, path), (e: unknown) => e instanceof BadInput && /no OpenStack cloud is named/.test(e.message));
  });
});

describe('the catalogue and error bodies', () => {
  const catalog = [
    { type: 'compute', endpoints: [
      { interface: 'public', region_id: 'RegionOne', url: 'http://one/v2.1/' },
      { interface: 'internal', region_id: 'RegionOne', url: 'http://one-internal/v2.1' },
      { interface: 'public', region_id: 'RegionTwo', url: 'http://two/v2.1' },
    ] },
  ];

  it('picks the endpoint by interface and region', () => {
    assert.equal(endpointOf(catalog, 'compute', { interface: 'public', region: 'RegionTwo' }), 'http://two/v2.1');
    assert.equal(endpointOf(catalog, 'compute', { interface: 'internal', region: 'RegionOne' }), 'http://one-internal/v2.1');
    assert.equal(endpointOf(catalog, 'compute', { interface: 'public' }), 'http://one/v2.1');
    assert.equal(endpointOf(catalog, 'network', { interface: 'public' }), undefined);
  });

  it("reads Nova's, Neutron's, Octavia's and Keystone's error bodies", () => {
    assert.equal(detailOf('{"itemNotFound": {"code": 404, "message": "Instance x could not be found."}}'), 'Instance x could not be found.');
    assert.equal(detailOf('{"NeutronError": {"type": "PortNotFound", "message": "Port y could not be found.", "detail": ""}}'), 'Port y could not be found.');
    assert.equal(detailOf('{"faultcode": "Client", "faultstring": "Load Balancer z is immutable.", "debuginfo": null}'), 'Load Balancer z is immutable.');
    assert.equal(detailOf('{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}'), 'The request you have made requires authentication.');
    assert.equal(detailOf('<html>\n<h1>502</h1></html>'), '<html> <h1>502</h1></html>');
  });
});
