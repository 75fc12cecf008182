// pcapng timestamps: a 64-bit count of units of if_tsresol (10^-n or 2^-n s) split exactly into seconds
// and nanoseconds without BigInt on the common paths (pcapng spec, section 4.2, if_tsresol).

/**
 * Per-interface conversion constants from if_tsresol.
 *   div:   units per second when it is at most 2^36 (exact path), 0 otherwise (BigInt path)
 *   nsNum / nsDen: nanoseconds = floor(remainder * nsNum / nsDen), exact for the resolutions
 *   the exact path accepts (decimal 10^0..10^-10, binary 2^0..2^-32)
 */
export interface TsResolution {
  div: number;
  nsNum: number;
  nsDen: number;
  /** Units per second for the BigInt path (0n when `div` is set). */
  bigDiv: bigint;
}

/** Microseconds: the default when an IDB has no if_tsresol. */
export const TSRESOL_DEFAULT = 6;

/** Decode the if_tsresol byte: MSB clear = 10^-n, MSB set = 2^-n. */
export function tsResolution(tsresol: number): TsResolution {
  const n = tsresol & 0x7f;
  if ((tsresol & 0x80) === 0) {
    if (n <= 9) return { div: 10 ** n, nsNum: 10 ** (9 - n), nsDen: 1, bigDiv: 0n };
    if (n === 10) return { div: 1e10, nsNum: 1, nsDen: 10, bigDiv: 0n };
    return { div: 0, nsNum: 0, nsDen: 0, bigDiv: 10n ** BigInt(n) };
  }
  // 2^-n: 1e9 = 2^9 * 1953125, so rem * 1e9 / 2^n = rem * 1953125 / 2^(n-9), exact while rem * 1953125 < 2^53.
  if (n <= 9) return { div: 2 ** n, nsNum: 1e9 / 2 ** n, nsDen: 1, bigDiv: 0n };
  if (n <= 32) return { div: 2 ** n, nsNum: 1953125, nsDen: 2 ** (n - 9), bigDiv: 0n };
  return { div: 0, nsNum: 0, nsDen: 0, bigDiv: 1n << BigInt(n) };
}

/** Output of splitTimestamp (a scratch record, so the hot path allocates nothing). */
export const TS = { sec: 0, nsec: 0 };

/** t < 2^52 is exact as a double, and so is every intermediate of the fast path. */
const FAST_HI_LIMIT = 1 << 20;
const TWO32 = 4294967296;

/**
 * Split the 64-bit unit count hi:lo into TS.sec and TS.nsec (0..999_999_999). TS.sec is exact modulo
 * 2^32, which is all the u32 metadata word keeps (seconds beyond 2^32: year 2106, or corrupt input).
 */
export function splitTimestamp(hi: number, lo: number, r: TsResolution): void {
  const div = r.div;
  let sec: number;
  let rem: number;
  if (div === 0) {
    splitBig(hi, lo, r.bigDiv);
    return;
  }
  if (hi < FAST_HI_LIMIT) {
    // Microsecond captures of this century: hi is about 2^18.
    const t = hi * TWO32 + lo;
    sec = Math.floor(t / div);
    rem = t - sec * div;
    if (rem < 0) {
      sec -= 1;
      rem += div;
    }
  } else {
    // Long division in base 2^16 after a first 32-bit digit: remainders stay below div <= 2^36,
    // so rem * 65536 + digit < 2^53 and every step is exact. Each later digit q2, q3 is below 2^16;
    // the first one only contributes q1 * 2^32, which is 0 modulo 2^32.
    rem = hi % div;
    let cur = rem * 65536 + (lo >>> 16);
    let q2 = Math.floor(cur / div);
    rem = cur - q2 * div;
    if (rem < 0) {
      q2 -= 1;
      rem += div;
    }
    cur = rem * 65536 + (lo & 0xffff);
    let q3 = Math.floor(cur / div);
    rem = cur - q3 * div;
    if (rem < 0) {
      q3 -= 1;
      rem += div;
    }
    sec = q2 * 65536 + q3;
  }
  TS.sec = sec;
  TS.nsec = r.nsDen === 1 ? rem * r.nsNum : Math.floor((rem * r.nsNum) / r.nsDen);
}

/** Resolutions finer than 2^-36 s (picoseconds and below): rare, so BigInt is acceptable here. */
function splitBig(hi: number, lo: number, div: bigint): void {
  const t = (BigInt(hi) << 32n) | BigInt(lo);
  TS.sec = Number((t / div) & 0xffffffffn);
  TS.nsec = Number(((t % div) * 1_000_000_000n) / div);
}
