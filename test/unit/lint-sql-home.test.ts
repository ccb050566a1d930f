import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint();

/** The messages of the SQL-home rule for `code` placed at `filePath`. */
async function sqlFindings(code: string, filePath: string): Promise<number[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line);
}

const planted = [
  "export const a = (db: { prepare(sql: string): unknown }) => db.prepare('SELECT 1');",
  "export const b = (ctx: { db: { exec(sql: string): void } }) => ctx.db.exec('DELETE FROM runs');",
  'export const c = (s: { db: { transaction(f: () => void): () => void } }) => s.db.transaction(() => undefined)();',
  "export const d = /x/.exec('x');",
].join('\n');

test('SQL written outside src-main/store/ fails the lint, RegExp#exec does not, and the store itself may', async () => {
  assert.deepEqual(await sqlFindings(planted, 'src-main/latent/planted.ts'), [1, 2, 3]);
  assert.deepEqual(await sqlFindings(planted, 'src-main/store/planted.ts'), []);
});
