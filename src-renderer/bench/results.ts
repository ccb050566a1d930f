/** What the render bench page reports to bench/render.ts (plain types: both sides import them). */

export interface BenchResult {
  mode: string;
  points: number;
  fps: number;
  frames: number;
  seconds: number;
  drawnWhileMoving: number;
}

export interface PickTiming {
  /** Projecting every point and bucketing it, once after the camera rests. */
  indexMs: number;
  /** One hover lookup, averaged. */
  pickMs: number;
  hits: number;
}
