// The traffic mix: which conversations start, how often (Poisson arrivals per scenario), and the
// opening sequence that starts every scenario once so even a short capture holds all of them.

import type { Ctx } from './conversation.js';
import type { Flow } from './flow.js';
import { SECONDS } from './flow.js';
import {
  artifactDownload, dnsLookup, kubeletProbe, metricsScrape, serviceCall,
} from './scenarios-cluster.js';

export interface Scenario {
  name: string;
  /** Conversations started per second of capture time. */
  rate: number;
  run(ctx: Ctx, t: number): void;
}

export const SCENARIOS: Scenario[] = [
  { name: 'dns', rate: 120, run: dnsLookup },
  { name: 'http-service', rate: 90, run: serviceCall },
  { name: 'kubelet-probe', rate: 40, run: kubeletProbe },
  { name: 'metrics-scrape', rate: 4, run: metricsScrape },
  { name: 'bulk-download', rate: 0.6, run: artifactDownload },
];

/** Starts conversations; never writes a frame itself. */
export class TrafficMix implements Flow {
  at = 0;
  order = 0;
  readonly tag = -1;
  private readonly ctx: Ctx;
  private readonly cumulative: number[];
  private readonly meanGap: number;
  private readonly intro: number[];

  constructor(ctx: Ctx) {
    this.ctx = ctx;
    let total = 0;
    this.cumulative = SCENARIOS.map((s) => (total += s.rate));
    this.meanGap = SECONDS / total;
    this.intro = ctx.rng.shuffle(SCENARIOS.map((_, i) => i));
  }

  step(_b: Uint8Array, _pos: number, now: number): number {
    const rng = this.ctx.rng;
    let idx: number;
    if (this.intro.length > 0) {
      idx = this.intro.pop()!;
    } else {
      const r = rng.float() * this.cumulative[this.cumulative.length - 1]!;
      idx = 0;
      while (this.cumulative[idx]! <= r) idx++;
    }
    this.ctx.tag = idx;
    SCENARIOS[idx]!.run(this.ctx, now);
    this.at = now + 1 + rng.exp(this.meanGap);
    return 0;
  }
}
