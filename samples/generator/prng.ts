// Seeded PRNG for the sample generator: xoshiro128** (Blackman & Vigna, 2018) seeded through
// FNV-1a + splitmix32, so the same seed string gives the same stream on every platform.

const TWO32 = 4294967296;

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of `text`. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A deterministic random stream; every draw the generator makes goes through one of these. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    const st = { s: fnv1a(seed) };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** Next 32 random bits as an unsigned integer. */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / TWO32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi], both ends included. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Exponential with the given mean, rounded down to an integer (used for nanosecond gaps). */
  exp(mean: number): number {
    return Math.floor(-mean * Math.log(1 - this.float()));
  }

  /** Log-normal around `median` with spread `sigma` (natural-log units), as an integer >= 1. */
  logNormal(median: number, sigma: number): number {
    // Sum of 4 uniforms is close enough to a normal for traffic sizes and avoids trigonometry.
    const n = (this.float() + this.float() + this.float() + this.float() - 2) * 1.7320508;
    return Math.max(1, Math.floor(median * Math.exp(sigma * n)));
  }

  /** `base` scaled by a uniform factor in [1 - spread, 1 + spread], as an integer. */
  jitter(base: number, spread: number): number {
    return Math.floor(base * (1 - spread + 2 * spread * this.float()));
  }

  /** Fills `out[off .. off+len)` with random bytes. */
  fill(out: Uint8Array, off = 0, len = out.length - off): void {
    let i = off;
    const end = off + len;
    for (; i + 4 <= end; i += 4) {
      const r = this.u32();
      out[i] = r >>> 24;
      out[i + 1] = (r >>> 16) & 0xff;
      out[i + 2] = (r >>> 8) & 0xff;
      out[i + 3] = r & 0xff;
    }
    if (i < end) {
      let r = this.u32();
      for (; i < end; i++, r >>>= 8) out[i] = r & 0xff;
    }
  }

  bytes(len: number): Uint8Array {
    const out = new Uint8Array(len);
    this.fill(out);
    return out;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
