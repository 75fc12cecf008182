// QUIC header protection for AES-based packet protection (RFC 9001 §5.4.3): mask = AES-ECB(hp_key,
// sample), one 16-byte block, computed here in JS (FIPS-197 AES-128) with no per-packet allocation.

/** S-box (FIPS-197 §5.1.1), built at load: s = affine(inverse(x)) over GF(2^8). */
const SBOX = new Uint8Array(256);
/** Round tables: TE0[x] = [2·S(x), S(x), S(x), 3·S(x)] as a big-endian word; TE1..3 rotated. */
const TE0 = new Uint32Array(256);
const TE1 = new Uint32Array(256);
const TE2 = new Uint32Array(256);
const TE3 = new Uint32Array(256);
const RCON = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36];

{
  const rotl8 = (x: number, s: number) => ((x << s) | (x >>> (8 - s))) & 0xff;
  let p = 1;
  let q = 1;
  do {
    // p walks the multiplicative group by ×3, q by ×3⁻¹: q is p's inverse.
    p = (p ^ ((p << 1) & 0xff) ^ (p & 0x80 ? 0x1b : 0)) & 0xff;
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    SBOX[p] = (q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63) & 0xff;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x];
    const s2 = ((s << 1) ^ (s & 0x80 ? 0x1b : 0)) & 0xff;
    const w = ((s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s)) >>> 0;
    TE0[x] = w;
    TE1[x] = ((w >>> 8) | (w << 24)) >>> 0;
    TE2[x] = ((w >>> 16) | (w << 16)) >>> 0;
    TE3[x] = ((w >>> 24) | (w << 8)) >>> 0;
  }
}

/** Words of an expanded AES-128 key (11 round keys). */
export const AES128_ROUND_KEY_WORDS = 44;

/** Expand a 16-byte AES-128 key at key[off] into `rk` (44 words, FIPS-197 §5.2). */
export function aes128ExpandKey(key: Uint8Array, off: number, rk: Uint32Array): void {
  for (let i = 0; i < 4; i++) {
    const p = off + 4 * i;
    rk[i] = ((key[p] << 24) | (key[p + 1] << 16) | (key[p + 2] << 8) | key[p + 3]) >>> 0;
  }
  for (let i = 4; i < AES128_ROUND_KEY_WORDS; i++) {
    let t = rk[i - 1];
    if ((i & 3) === 0) {
      t = ((SBOX[(t >>> 16) & 0xff] << 24) | (SBOX[(t >>> 8) & 0xff] << 16) | (SBOX[t & 0xff] << 8) | SBOX[t >>> 24]) >>> 0;
      t = (t ^ (RCON[(i >> 2) - 1] << 24)) >>> 0;
    }
    rk[i] = (rk[i - 4] ^ t) >>> 0;
  }
}

/**
 * AES-128 encryption of the 16-byte block at input[inOff] into out[outOff] with round keys `rk`
 * (aes128ExpandKey). Reads and writes only those bytes; never allocates.
 */
export function aes128EncryptBlock(rk: Uint32Array, input: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
  let s0 = (((input[inOff] << 24) | (input[inOff + 1] << 16) | (input[inOff + 2] << 8) | input[inOff + 3]) ^ rk[0]) >>> 0;
  let s1 = (((input[inOff + 4] << 24) | (input[inOff + 5] << 16) | (input[inOff + 6] << 8) | input[inOff + 7]) ^ rk[1]) >>> 0;
  let s2 = (((input[inOff + 8] << 24) | (input[inOff + 9] << 16) | (input[inOff + 10] << 8) | input[inOff + 11]) ^ rk[2]) >>> 0;
  let s3 = (((input[inOff + 12] << 24) | (input[inOff + 13] << 16) | (input[inOff + 14] << 8) | input[inOff + 15]) ^ rk[3]) >>> 0;
  let k = 4;
  for (let round = 1; round < 10; round++, k += 4) {
    const t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 0xff] ^ TE2[(s2 >>> 8) & 0xff] ^ TE3[s3 & 0xff] ^ rk[k];
    const t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 0xff] ^ TE2[(s3 >>> 8) & 0xff] ^ TE3[s0 & 0xff] ^ rk[k + 1];
    const t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 0xff] ^ TE2[(s0 >>> 8) & 0xff] ^ TE3[s1 & 0xff] ^ rk[k + 2];
    const t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 0xff] ^ TE2[(s1 >>> 8) & 0xff] ^ TE3[s2 & 0xff] ^ rk[k + 3];
    s0 = t0 >>> 0;
    s1 = t1 >>> 0;
    s2 = t2 >>> 0;
    s3 = t3 >>> 0;
  }
  // Final round: SubBytes, ShiftRows, AddRoundKey (no MixColumns).
  const o0 = ((SBOX[s0 >>> 24] << 24) | (SBOX[(s1 >>> 16) & 0xff] << 16) | (SBOX[(s2 >>> 8) & 0xff] << 8) | SBOX[s3 & 0xff]) ^ rk[40];
  const o1 = ((SBOX[s1 >>> 24] << 24) | (SBOX[(s2 >>> 16) & 0xff] << 16) | (SBOX[(s3 >>> 8) & 0xff] << 8) | SBOX[s0 & 0xff]) ^ rk[41];
  const o2 = ((SBOX[s2 >>> 24] << 24) | (SBOX[(s3 >>> 16) & 0xff] << 16) | (SBOX[(s0 >>> 8) & 0xff] << 8) | SBOX[s1 & 0xff]) ^ rk[42];
  const o3 = ((SBOX[s3 >>> 24] << 24) | (SBOX[(s0 >>> 16) & 0xff] << 16) | (SBOX[(s1 >>> 8) & 0xff] << 8) | SBOX[s2 & 0xff]) ^ rk[43];
  out[outOff] = o0 >>> 24; out[outOff + 1] = o0 >>> 16; out[outOff + 2] = o0 >>> 8; out[outOff + 3] = o0;
  out[outOff + 4] = o1 >>> 24; out[outOff + 5] = o1 >>> 16; out[outOff + 6] = o1 >>> 8; out[outOff + 7] = o1;
  out[outOff + 8] = o2 >>> 24; out[outOff + 9] = o2 >>> 16; out[outOff + 10] = o2 >>> 8; out[outOff + 11] = o2;
  out[outOff + 12] = o3 >>> 24; out[outOff + 13] = o3 >>> 16; out[outOff + 14] = o3 >>> 8; out[outOff + 15] = o3;
}
