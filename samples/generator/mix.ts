// The traffic mix: which conversations start, how often (Poisson arrivals per scenario), and the
// opening sequence that starts every scenario once so even a short capture holds all of them.

import type { Ctx } from './conversation.js';
import type { Flow } from './flow.js';
import { SECONDS } from './flow.js';
import {
  artifactDownload, dnsLookup, kubeletProbe, metricsScrape, serviceCall,
} from './scenarios-cluster.js';
import { ipv6Dns, ipv6Http, overlayBulk, overlayDns, overlayHttp } from './scenarios-overlay.js';
import {
  apiServerFromOutside, etcdAccess, kubeletAccess, metadataAccess, nodePortFromOutside,
} from './scenarios-threats.js';
import { apiServerWatch, externalHttps, imagePull } from './scenarios-tls.js';

export interface Scenario {
  name: string;
  /** Conversations started per second of capture time. */
  rate: number;
  /** Megabyte transfers: started last in the opening sequence, so they do not crowd it out. */
  bulk?: boolean;
  run(ctx: Ctx, t: number): void;
}

export const SCENARIOS: Scenario[] = [
  { name: 'dns', rate: 120, run: dnsLookup },
  { name: 'http-service', rate: 55, run: serviceCall },
  { name: 'kubelet-probe', rate: 40, run: kubeletProbe },
  { name: 'metrics-scrape', rate: 4, bulk: true, run: metricsScrape },
  { name: 'bulk-download', rate: 0.4, bulk: true, run: artifactDownload },
  { name: 'tls-external', rate: 30, run: externalHttps },
  { name: 'image-pull', rate: 0.3, bulk: true, run: imagePull },
  { name: 'apiserver-watch', rate: 5, run: apiServerWatch },
  { name: 'vxlan-http', rate: 26, run: overlayHttp },
  { name: 'vxlan-bulk', rate: 1, bulk: true, run: overlayBulk },
  { name: 'vxlan-dns', rate: 20, run: overlayDns },
  { name: 'ipv6-http', rate: 15, run: ipv6Http },
  { name: 'ipv6-dns', rate: 12, run: ipv6Dns },
  { name: 'fw-apiserver-outside', rate: 4, run: apiServerFromOutside },
  { name: 'fw-etcd', rate: 2, run: etcdAccess },
  { name: 'fw-kubelet', rate: 3, run: kubeletAccess },
  { name: 'fw-nodeport-outside', rate: 5, run: nodePortFromOutside },
  { name: 'fw-metadata', rate: 3, run: metadataAccess },
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
  private readonly runs: number[];

  constructor(ctx: Ctx) {
    this.ctx = ctx;
    let total = 0;
    this.cumulative = SCENARIOS.map((s) => (total += s.rate));
    this.meanGap = SECONDS / total;
    // Popped from the end: shuffled small scenarios first, then the bulk ones.
    const small = ctx.rng.shuffle(SCENARIOS.flatMap((s, i) => (s.bulk ? [] : [i])));
    const bulk = ctx.rng.shuffle(SCENARIOS.flatMap((s, i) => (s.bulk ? [i] : [])));
    this.intro = [...bulk, ...small];
    this.runs = SCENARIOS.map(() => 0);
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
    this.ctx.nth = this.runs[idx]!++;
    SCENARIOS[idx]!.run(this.ctx, now);
    this.at = now + 1 + rng.exp(this.meanGap);
    return 0;
  }
}
