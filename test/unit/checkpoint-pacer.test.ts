import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointPacer } from '../../src-main/engine/train/checkpoint-pacer.ts';

test('checkpoints are due at once, then only after 30 times the last write has passed', async () => {
  let clock = 0;
  const pacer = new CheckpointPacer(() => clock);
  assert.ok(pacer.due, 'the first epoch is saved');
  await pacer.write(async () => {
    clock += 10;
  });
  clock += 290;
  assert.ok(!pacer.due, 'a 10 ms write is not repeated within 300 ms');
  clock += 10;
  assert.ok(pacer.due);
  await pacer.write(async () => {
    clock += 1;
  });
  clock += 30;
  assert.ok(pacer.due, 'a cheaper write comes sooner');
});
