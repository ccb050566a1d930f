/**
 * When to write a checkpoint (weights and Adam's moments: megabytes) after an epoch: once the
 * time since the last write is at least SPACING times what that write took, so writes stay a
 * few percent of wall time even when an epoch of a small dataset takes a fraction of a
 * second; with long epochs that is after every one. A crash loses the epochs since the last
 * write, and a resume starts there.
 */
const SPACING = 30;

export class CheckpointPacer {
  private lastWriteMs = 0;
  private lastWriteEnd: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastWriteEnd = now();
  }

  get due(): boolean {
    return this.now() - this.lastWriteEnd >= SPACING * this.lastWriteMs;
  }

  async write(save: () => Promise<void>): Promise<void> {
    const started = this.now();
    await save();
    this.lastWriteEnd = this.now();
    this.lastWriteMs = this.lastWriteEnd - started;
  }
}
