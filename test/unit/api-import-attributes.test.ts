import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createApi, type Api } from '../../src-main/api/create-api.ts';
import type { ApiEvent } from '../../src-main/contract/contract.ts';
import { writeImage } from '../helpers/images.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const folder = path.join(dir, 'images');
const secretCsv = path.join(dir, 'private.csv');
const secret = 'SECRET-CELL-VALUE';
let api: Api;

before(async () => {
  for (let i = 0; i < 3; i++) await writeImage(path.join(folder, 'cats', `${i}.png`), { seed: i });
  fs.writeFileSync(path.join(folder, 'attributes.csv'), 'path,Fluffy\ncats/0.png,1\ncats/1.png,0\ncats/2.png,1\n');
  fs.writeFileSync(secretCsv, `path,${secret}\ncats/0.png,${secret}\n`);
  fs.symlinkSync(secretCsv, path.join(folder, 'link.csv'));
  api = createApi({ dbPath: path.join(dir, 'lab.db'), host: { kind: 'server' }, log: () => undefined });
});

after(() => api.close());

test('startImport refuses an attributes file outside the imported folder, unread, symlinks included', async () => {
  for (const attributes of [secretCsv, '../private.csv', 'link.csv', '/etc/passwd']) {
    const outcome = await api.call('startImport', { folder, attributes });
    assert.ok('error' in outcome, `${attributes} was accepted`);
    assert.equal(outcome.error.code, 'attributes_outside', attributes);
    assert.match(outcome.error.message, /must be inside the folder being imported/);
    assert.ok(!outcome.error.message.includes(secret) && !outcome.error.message.includes('root:'), 'nothing of the file is echoed');
  }
  const missing = await api.call('startImport', { folder, attributes: 'nope.csv' });
  assert.equal('error' in missing && missing.error.code, 'not_found');
});

test('an attributes file inside the folder, named relative to it, is used', async () => {
  const finished = new Promise<ApiEvent>((resolve) => api.events.subscribe((event) => (event.type === 'import.finished' || event.type === 'import.failed') && resolve(event)));
  const started = await api.invoke('startImport', { folder, attributes: 'attributes.csv', size: 8 });
  const event = await finished;
  assert.ok(event.type === 'import.finished' && event.data.jobId === started.jobId, JSON.stringify(event));
  assert.deepEqual(event.data.summary.attributes, ['Fluffy']);
});
