// QUIC Initial packet protection (RFC 9001 §5.2, §5.3, §5.4; RFC 9369 §3.3.1–3.3.2 for v2): keys from
// the client's original Destination Connection ID, header protection removal, AEAD_AES_128_GCM.

import { createDecipheriv, createHmac } from 'node:crypto';
import { AES128_ROUND_KEY_WORDS, aes128EncryptBlock, aes128ExpandKey } from './quic-header-protection.js';
import { MAX_CID_LEN, QV_COUNT, QV_DRAFT22, QV_DRAFT23, QV_DRAFT29, QV_T050, QV_T051, QV_V1, QV_V2 } from './quic-header.js';

function hexBytes(s: string): Buffer {
  return Buffer.from(s, 'hex');
}

/** initial_salt per QV_* profile (RFC 9001 §5.2, RFC 9369 §3.3.1, the drafts, Google T050/T051). */
const SALTS: Buffer[] = new Array<Buffer>(QV_COUNT).fill(Buffer.alloc(0));
SALTS[QV_V1] = hexBytes('38762cf7f55934b34d179ae6a4c80cadccbb7f0a');
SALTS[QV_V2] = hexBytes('0dede3def700a6db819381be6e269dcbf9bd2ed9');
SALTS[QV_DRAFT29] = hexBytes('afbfec289993d24c9e9786f19c6111e04390a899');
SALTS[QV_DRAFT23] = hexBytes('c3eef712c72ebb5a11a7d2432bb46365bef9f502');
SALTS[QV_DRAFT22] = hexBytes('7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a');
SALTS[QV_T050] = hexBytes('7ff579e5acd072915580304c43a2367c60488310');
SALTS[QV_T051] = hexBytes('7a4edef4e7ccee5fa4506c19124fc8ccda6e033d');

/**
 * HKDF-Expand-Label info (RFC 8446 §7.1) with HKDF-Expand's block counter 0x01 appended: for an
 * output of at most 32 bytes, HKDF-Expand(secret, info, L) = HMAC-SHA256(secret, info || 0x01)[0, L).
 */
function expandInfo(label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const b = Buffer.alloc(2 + 1 + full.length + 1 + 1);
  b.writeUInt16BE(length, 0);
  b[2] = full.length;
  full.copy(b, 3);
  b[3 + full.length] = 0; // empty context
  b[4 + full.length] = 1; // T(1)
  return b;
}

const CLIENT_IN = expandInfo('client in', 32);
const V1_LABELS = { key: expandInfo('quic key', 16), iv: expandInfo('quic iv', 12), hp: expandInfo('quic hp', 16) };
const V2_LABELS = { key: expandInfo('quicv2 key', 16), iv: expandInfo('quicv2 iv', 12), hp: expandInfo('quicv2 hp', 16) };

function expand(secret: Buffer, info: Buffer, length: number): Buffer {
  return createHmac('sha256', secret).update(info).digest().subarray(0, length);
}

/** Per-thread scratch for the header-protection mask: valid until the next mask() call on this thread. */
const maskScratch = new Uint8Array(16);

/**
 * The client's Initial keys for one connection: derived once from its original DCID (five
 * HMAC-SHA256), then used for every Initial packet the client sends on that connection. Owned by one
 * flow's QuicConnState; all storage is allocated with the object (about 350 bytes of typed arrays,
 * no native cipher context is kept) and holds no view into any capture buffer.
 */
export class QuicInitialKeys {
  /** The DCID the keys were derived from (first `dcidLength` bytes); -1 when no keys are set. */
  readonly dcid = new Uint8Array(MAX_CID_LEN);
  dcidLength = -1;
  version = 0;
  profile = 0;
  /** client_initial_secret (RFC 9001 §5.2). */
  readonly secret = new Uint8Array(32);
  /** AEAD key and IV (RFC 9001 §5.1). */
  readonly key = new Uint8Array(16);
  readonly iv = new Uint8Array(12);
  /** Header-protection key and its AES-128 round keys. */
  readonly hp = new Uint8Array(16);
  private readonly hpRoundKeys = new Uint32Array(AES128_ROUND_KEY_WORDS);

  get ready(): boolean {
    return this.dcidLength >= 0;
  }

  clear(): void {
    this.dcidLength = -1;
    this.version = 0;
    this.profile = 0;
  }

  /** Keys were derived from this DCID for this version. */
  matches(bytes: Uint8Array, dcidOffset: number, dcidLength: number, version: number): boolean {
    if (this.dcidLength !== dcidLength || this.version !== version) return false;
    const d = this.dcid;
    for (let i = 0; i < dcidLength; i++) if (d[i] !== bytes[dcidOffset + i]) return false;
    return true;
  }

  /**
   * Derive the client keys for `version` (profile `profile`, from quicVersionProfile()) from the DCID
   * at bytes[dcidOffset, +dcidLength). Allocates node:crypto HMAC objects and their digests: once
   * per connection.
   */
  derive(bytes: Uint8Array, dcidOffset: number, dcidLength: number, version: number, profile: number): void {
    const initial = createHmac('sha256', SALTS[profile]).update(bytes.subarray(dcidOffset, dcidOffset + dcidLength)).digest();
    const secret = expand(initial, CLIENT_IN, 32);
    const labels = profile === QV_V2 ? V2_LABELS : V1_LABELS;
    this.secret.set(secret);
    this.key.set(expand(secret, labels.key, 16));
    this.iv.set(expand(secret, labels.iv, 12));
    this.hp.set(expand(secret, labels.hp, 16));
    aes128ExpandKey(this.hp, 0, this.hpRoundKeys);
    for (let i = 0; i < dcidLength; i++) this.dcid[i] = bytes[dcidOffset + i];
    this.dcidLength = dcidLength;
    this.version = version;
    this.profile = profile;
  }

  /**
   * Header-protection mask for the 16-byte sample at bytes[off] (RFC 9001 §5.4.3): AES-128-ECB of
   * the sample. Returns a per-thread scratch array, valid until the next call; never allocates.
   */
  mask(bytes: Uint8Array, off: number): Uint8Array {
    aes128EncryptBlock(this.hpRoundKeys, bytes, off, maskScratch, 0);
    return maskScratch;
  }
}

/** unprotectInitial() results. */
export const UNPROTECT_OK = 0;
/** The packet is too short to hold a packet number and the 16-byte sample (or the tag). */
export const UNPROTECT_TOO_SHORT = 1;
/** The AEAD tag did not verify: wrong keys (not the client's, another DCID) or damaged bytes. */
export const UNPROTECT_AUTH = 2;

/** AEAD tag length (RFC 9001 §5.3: AEAD_AES_128_GCM). */
export const AEAD_TAG_LEN = 16;
/** Header protection samples 16 bytes starting 4 bytes after the packet number's start (§5.4.2). */
const SAMPLE_SKIP = 4;

/**
 * Output of unprotectInitial(), one per thread, overwritten by every call. `plain` is a fresh Buffer
 * from node:crypto: the caller may keep views into it (it is never reused).
 */
export class QuicPlaintext {
  plain: Buffer = Buffer.alloc(0);
  /** Full packet number (RFC 9000 §A.3, decoded against the largest one seen on the connection). */
  packetNumber = 0;
  /** Packet-number length in bytes (1–4). */
  pnLength = 0;
  /** First byte with header protection removed. */
  firstByte = 0;
}

/** Per-thread scratch: the unprotected header (the AEAD's associated data) and the nonce. */
let aadScratch = Buffer.alloc(256);
const nonceScratch = Buffer.alloc(12);

/**
 * Remove header protection and decrypt one Initial packet: bytes[pktOffset, packetEnd), packet number
 * at pnOffset. `largestPn` is the largest packet number decrypted so far on this connection (-1 for
 * none). The capture buffer is not modified: the unmasked header is copied to a scratch buffer.
 * Allocates only what node:crypto needs: one AES-GCM decipher and its output (plus the views
 * handed to it).
 */
export function unprotectInitial(bytes: Uint8Array, pktOffset: number, pnOffset: number, packetEnd: number,
  keys: QuicInitialKeys, largestPn: number, out: QuicPlaintext): number {
  const sampleOffset = pnOffset + SAMPLE_SKIP;
  if (sampleOffset + 16 > packetEnd) return UNPROTECT_TOO_SHORT;
  const mask = keys.mask(bytes, sampleOffset);
  const b0 = bytes[pktOffset] ^ (mask[0] & 0x0f);
  const pnLength = (b0 & 3) + 1;
  const headerLength = pnOffset + pnLength - pktOffset;
  if (pnOffset + pnLength + AEAD_TAG_LEN > packetEnd) return UNPROTECT_TOO_SHORT;

  if (aadScratch.length < headerLength) aadScratch = Buffer.alloc(Math.max(headerLength, aadScratch.length * 2));
  const aad = aadScratch;
  for (let i = 0; i < headerLength; i++) aad[i] = bytes[pktOffset + i];
  aad[0] = b0;
  let truncated = 0;
  const pnAt = pnOffset - pktOffset;
  for (let i = 0; i < pnLength; i++) {
    const v = bytes[pnOffset + i] ^ mask[1 + i];
    aad[pnAt + i] = v;
    truncated = truncated * 256 + v;
  }
  const pn = decodePacketNumber(largestPn, truncated, pnLength * 8);

  // nonce = iv XOR packet number, left-padded to 12 bytes (RFC 9001 §5.3).
  const iv = keys.iv;
  for (let i = 0; i < 12; i++) nonceScratch[i] = iv[i];
  let hi = Math.floor(pn / 0x100000000);
  let lo = pn >>> 0;
  for (let i = 11; i >= 8; i--) { nonceScratch[i] ^= lo & 0xff; lo >>>= 8; }
  for (let i = 7; i >= 4; i--) { nonceScratch[i] ^= hi & 0xff; hi >>>= 8; }

  const ctEnd = packetEnd - AEAD_TAG_LEN;
  const payloadOffset = pnOffset + pnLength;
  try {
    const d = createDecipheriv('aes-128-gcm', keys.key, nonceScratch, { authTagLength: AEAD_TAG_LEN });
    d.setAAD(aad.subarray(0, headerLength));
    d.setAuthTag(bytes.subarray(ctEnd, packetEnd));
    const plain = d.update(bytes.subarray(payloadOffset, ctEnd));
    d.final();
    out.plain = plain;
  } catch {
    return UNPROTECT_AUTH;
  }
  out.packetNumber = pn;
  out.pnLength = pnLength;
  out.firstByte = b0;
  return UNPROTECT_OK;
}

/**
 * Full packet number from its truncated `bits`-bit encoding, closest to largestPn + 1
 * (RFC 9000 §A.3). largestPn = -1 before any packet of the space was processed.
 */
export function decodePacketNumber(largestPn: number, truncated: number, bits: number): number {
  const expected = largestPn + 1;
  const win = 2 ** bits;
  const hwin = win / 2;
  // (expected & ~mask) | truncated, in numbers (packet numbers go past 2^32); truncated < win.
  const candidate = expected - (expected % win) + truncated;
  if (candidate <= expected - hwin && candidate < 2 ** 62 - win) return candidate + win;
  if (candidate > expected + hwin && candidate >= win) return candidate - win;
  return candidate;
}
