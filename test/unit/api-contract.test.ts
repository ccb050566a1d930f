import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { inputSchemas } from '../../src-main/contract/contract.ts';
import { toErrorBody } from '../../src-main/api/errors.ts';
import { eventNames, methodNames } from '../../src-main/contract/method-names.ts';
import { UserError } from '../../src-main/errors.ts';
import { hostAllowed, isLoopback } from '../../src-main/server/request-guard.ts';
import { tokensEqual } from '../../src-main/server/token.ts';

test('the schema table and the method list name the same methods, each once', () => {
  assert.deepEqual(Object.keys(inputSchemas).sort(), [...methodNames].sort());
  assert.equal(new Set(methodNames).size, methodNames.length);
  assert.equal(new Set(eventNames).size, eventNames.length);
});

test('every input schema refuses keys it does not know (a typo is an error, not ignored)', () => {
  for (const method of methodNames) {
    const parsed = inputSchemas[method].safeParse({ surelyNotAnOption: 1 });
    assert.equal(parsed.success, false, method);
  }
});

test('errors: people get the message, bugs get a short line and the stack goes to the log only', () => {
  const logged: unknown[] = [];
  const log = (_message: string, error?: unknown) => logged.push(error);
  assert.deepEqual(toErrorBody(new UserError('The folder /x does not exist.', 'not_found'), log, 'startImport'), { code: 'not_found', message: 'The folder /x does not exist.' });
  assert.equal(logged.length, 0);

  const bug = new TypeError("Cannot read properties of undefined (reading 'x')\n    at secret (/src/file.ts:1:2)");
  const body = toErrorBody(bug, log, 'project');
  assert.equal(body.code, 'internal');
  assert.doesNotMatch(body.message, /\bat secret|file\.ts/);
  assert.match(body.message, /during project/);
  assert.deepEqual(logged, [bug]);

  const invalid = inputSchemas.interpolate.safeParse({ runId: 1, from: 2, to: 'x', steps: 1000 });
  assert.ok(!invalid.success);
  const described = toErrorBody(invalid.error as z.ZodError, log, 'interpolate');
  assert.equal(described.code, 'invalid_input');
  assert.match(described.message, /to: /);
  assert.match(described.message, /steps: /);
});

test('Host check: loopback names only on a loopback bind; IP literals and this machine on a network bind', () => {
  for (const host of ['127.0.0.1:4178', 'localhost:4178', '[::1]:4178', 'LOCALHOST:9000']) assert.ok(hostAllowed(host, '127.0.0.1'), host);
  for (const host of ['evil.example:4178', '192.168.1.5:4178', '127.0.0.1.nip.io:4178', '', 'localhost:4178:1', undefined]) assert.ok(!hostAllowed(host, '127.0.0.1'), String(host));
  assert.ok(hostAllowed('192.168.1.5:4178', '0.0.0.0'));
  assert.ok(hostAllowed('[fe80::1]:4178', '::'));
  assert.ok(!hostAllowed('evil.example:4178', '0.0.0.0'), 'DNS rebinding stays refused on a network bind');
  for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) assert.ok(isLoopback(host), host);
  for (const host of ['127.evil.com', '127.0.0.1.nip.io', '0.0.0.0', '::', '192.168.1.5', 'localhost.evil.com', '1270.0.0.1']) assert.ok(!isLoopback(host), host);
});

test('token comparison is exact', () => {
  assert.ok(tokensEqual('abc', 'abc'));
  assert.ok(!tokensEqual('abc', 'abd'));
  assert.ok(!tokensEqual('abc', 'abcd'));
  assert.ok(!tokensEqual('', 'abc'));
});
