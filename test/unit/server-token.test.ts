import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { appPathOf, tokenFromFile } from '../../src-main/server/token.ts';
import { tempDir } from '../helpers/tmp.ts';

test('--token-file: created 0600 with a fresh token, then read back; refused when others can read it or it holds no token', () => {
  const dir = tempDir();
  const file = path.join(dir, 'token');
  const token = tokenFromFile(file);
  assert.match(token, /^[A-Za-z0-9_-]{32}$/);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(tokenFromFile(file), token, 'the same token on the next start');
  fs.chmodSync(file, 0o644);
  assert.throws(() => tokenFromFile(file), /--token-file: .* can be read by other users; run `chmod 600/);
  const junk = path.join(dir, 'junk');
  fs.writeFileSync(junk, 'short\n', { mode: 0o600 });
  assert.throws(() => tokenFromFile(junk), /does not hold a token/);
  assert.throws(() => tokenFromFile(path.join(dir, 'no-such-folder', 'token')), /--token-file: cannot create/);
});

test("the app's folder follows the token: stable for one token, different for another", () => {
  assert.equal(appPathOf('a'.repeat(32)), appPathOf('a'.repeat(32)));
  assert.notEqual(appPathOf('a'.repeat(32)), appPathOf('b'.repeat(32)));
  assert.match(appPathOf('a'.repeat(32)), /^\/lab-[A-Za-z0-9_-]{22}\/$/);
  assert.ok(!appPathOf('a'.repeat(32)).includes('a'.repeat(8)), 'the folder does not reveal the token');
});
