// The contract between the scheduler and everything that produces packets (conversations) or
// spawns them (the traffic mix).

/**
 * A source of frames with its own clock. The scheduler calls step() when the global time reaches
 * `at`; step writes at most one frame and moves `at` forward (never backwards), or to Infinity
 * when the flow is over.
 */
export interface Flow {
  /** Time of the next event, in nanoseconds since the capture's epoch. */
  at: number;
  /** Creation order; breaks ties between flows due at the same nanosecond. */
  order: number;
  /** Scenario index, for per-scenario statistics. */
  readonly tag: number;
  /**
   * Writes the frame due at `now` at b[pos..] and returns its length, or returns 0 when the event
   * produced no frame (a spawn, or an ACK that turned out to be redundant).
   */
  step(b: Uint8Array, pos: number, now: number): number;
}

export const MICROS = 1e3;
export const MILLIS = 1e6;
export const SECONDS = 1e9;
