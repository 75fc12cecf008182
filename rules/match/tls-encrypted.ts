// Where a TLS flow's encrypted data begins, from the record headers (RFC 8446 §5.1, RFC 5246 §6.2)
// of each direction's in-order stream bytes: raw stream content inspection stops there, as
// Suricata's default `app-layer.protocols.tls.encryption-handling: default` does (the first
// application_data record after the ServerHello sets NO_INSPECTION_PAYLOAD on the flow).
//
// Per stream (slot × 2 + direction):
//   mode   UNSEEN → WALK (the direction starts with a TLS handshake record) or OFF (it does not,
//          or a record header is not TLS: nothing is skipped)
//   next   stream offset of the next record header; hpos/hdr: header bytes seen so far (a header
//          may be split across segments)
// A flow is encrypted once a direction in WALK meets an application_data record (type 23) while
// the other direction also walks (its ServerHello or ClientHello was seen: TLS 1.3 0-RTT early
// data before the server's first record does not count). Both directions stop there.

const UNSEEN = 0;
const WALK = 1;
const OFF = 2;

const CONTENT_CCS = 20;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPDATA = 23;
const CONTENT_HEARTBEAT = 24;
/** TLSCiphertext.length limit (2^14 + 2048). */
const MAX_RECORD = 18432;

export class TlsEncrypted {
  private mode = new Uint8Array(0);
  private next = new Int32Array(0);
  private hpos = new Uint8Array(0);
  private hdr = new Float64Array(0);
  /** Per stream: 1 once its flow carries encrypted application data (both directions set). */
  encrypted = new Uint8Array(0);
  /** Flows whose raw stream inspection stopped at encrypted data. */
  flows = 0;

  /** Make room for streams 0 .. n-1. */
  ensure(n: number): void {
    if (n <= this.mode.length) return;
    const size = Math.max(n, this.mode.length * 2, 1024);
    const m = new Uint8Array(size); m.set(this.mode); this.mode = m;
    const x = new Int32Array(size); x.set(this.next); this.next = x;
    const p = new Uint8Array(size); p.set(this.hpos); this.hpos = p;
    const h = new Float64Array(size); h.set(this.hdr); this.hdr = h;
    const e = new Uint8Array(size); e.set(this.encrypted); this.encrypted = e;
  }

  /** A new flow in the slot of stream `s` (both directions start over). */
  reset(s: number): void {
    const o = s ^ 1;
    this.mode[s] = this.mode[o] = UNSEEN;
    this.next[s] = this.next[o] = 0;
    this.hpos[s] = this.hpos[o] = 0;
    this.encrypted[s] = this.encrypted[o] = 0;
  }

  /**
   * The next in-order bytes `bytes[off, off+len)` of stream `s`, at stream offset `rel`: how many
   * of them come before encrypted data (len: all of them). Once it returns less than `len`,
   * `encrypted[s]` and `encrypted[s ^ 1]` are set.
   */
  cleartext(s: number, bytes: Uint8Array, off: number, len: number, rel: number): number {
    let mode = this.mode[s];
    if (mode === OFF) return len;
    if (mode === UNSEEN) {
      if (rel !== 0 || bytes[off] !== CONTENT_HANDSHAKE) {
        this.mode[s] = OFF;
        return len;
      }
      this.mode[s] = mode = WALK;
    }
    const end = rel + len;
    let at = this.next[s];
    let hpos = this.hpos[s];
    let hdr = this.hdr[s];
    while (at + hpos < end) {
      // header byte `hpos` of the record at stream offset `at`
      hdr = hpos === 0 ? bytes[off + at - rel] : hdr * 256 + bytes[off + at + hpos - rel];
      if (++hpos < 5) continue;
      hpos = 0;
      // hdr = type(8) version(16) length(16), as a number (40 bits)
      const type = Math.floor(hdr / 2 ** 32);
      const major = Math.floor(hdr / 2 ** 24) & 0xff;
      const minor = Math.floor(hdr / 2 ** 16) & 0xff;
      const length = hdr % 65536;
      if (type < CONTENT_CCS || type > CONTENT_HEARTBEAT || major !== 3 || minor > 4 || length > MAX_RECORD) {
        this.mode[s] = OFF;
        return len;
      }
      if (type === CONTENT_APPDATA && this.mode[s ^ 1] === WALK) {
        this.encrypted[s] = this.encrypted[s ^ 1] = 1;
        this.flows++;
        return Math.max(0, at - rel);
      }
      at += 5 + length;
    }
    this.next[s] = at;
    this.hpos[s] = hpos;
    this.hdr[s] = hdr;
    return len;
  }
}
