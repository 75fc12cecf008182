// The ClientHello handshake message fragmented across several TLS records (RFC 8446 section 5.1:
// handshake messages may be split over records), the evasion a single-record parser misses. Each
// record adds a 5-byte header: later client sequence numbers and the server's ACKs move with it.
// Usage: node --import tsx samples/derive/records.ts [--out DIR]

import { helloLayout } from './client-hello.js';
import { runScript } from './cases.js';
import type { DerivedCase, SourceKey } from './cases.js';
import { helloPacket } from './session.js';
import type { Session } from './session.js';

const RECORD_HLEN = 5;

/**
 * Re-frames the ClientHello record as one record per piece of the handshake message, cut at
 * `cuts` (offsets from the handshake type byte, ascending), in the same TCP segment.
 */
export function splitRecords(s: Session, cuts: readonly number[]): Session {
  const h = helloPacket(s);
  const rec = h.payload;
  const msgLen = (rec[3]! << 8) | rec[4]!;
  if (rec.length !== RECORD_HLEN + msgLen) throw new RangeError('the ClientHello segment holds more or less than one record');
  const at = [0, ...cuts, msgLen];
  for (let i = 1; i < at.length; i++) if (!(at[i]! > at[i - 1]!)) throw new RangeError(`cuts ${cuts} not ascending inside 0..${msgLen}`);
  const out = new Uint8Array(rec.length + cuts.length * RECORD_HLEN);
  let o = 0;
  for (let i = 1; i < at.length; i++) {
    const n = at[i]! - at[i - 1]!;
    out.set(rec.subarray(0, 3), o); // content type 22 and the record version of the original
    out[o + 3] = n >>> 8;
    out[o + 4] = n & 0xff;
    out.set(rec.subarray(RECORD_HLEN + at[i - 1]!, RECORD_HLEN + at[i]!), o + RECORD_HLEN);
    o += RECORD_HLEN + n;
  }
  // Offset x into the old record (0..end) maps to x plus the headers inserted before byte x.
  const end = rec.length;
  const shift = (x: number): number => RECORD_HLEN * cuts.filter((c) => RECORD_HLEN + c < x).length;
  const moved = (v: number): number => {
    const x = (v - h.seq) >>> 0;
    return x === 0 || x >= 0x80000000 ? v : (v + shift(Math.min(x, end))) >>> 0;
  };
  h.payload = out;
  for (let i = s.hello + 1; i < s.packets.length; i++) {
    const p = s.packets[i]!;
    if (p.fromClient) p.seq = moved(p.seq);
    else p.ack = moved(p.ack);
  }
  return s;
}

function middleOfSni(s: Session): number {
  const l = helloLayout(helloPacket(s).payload.subarray(RECORD_HLEN));
  if (l.sniName < 0) throw new RangeError('no SNI to cut through');
  return l.sniName + (l.sniNameLength >>> 1);
}

function middleOfAlpn(s: Session): number {
  const l = helloLayout(helloPacket(s).payload.subarray(RECORD_HLEN));
  if (l.alpn < 0) throw new RangeError('no ALPN to cut through');
  return l.alpn + (l.alpnLength >>> 1);
}

function recordCases(source: SourceKey): DerivedCase[] {
  return [
    {
      file: `${source}-records2.pcap`, source, what: 'ClientHello split across 2 TLS records, cut in the middle of the SNI host name',
      derive: (s) => ({ session: splitRecords(s, [middleOfSni(s)]), tunnel: null }),
    },
    {
      file: `${source}-records4.pcap`, source,
      what: 'ClientHello split across 4 TLS records: inside the handshake header (after 2 bytes), mid SNI host name, mid ALPN',
      derive: (s) => ({ session: splitRecords(s, [2, middleOfSni(s), middleOfAlpn(s)].sort((a, b) => a - b)), tunnel: null }),
    },
  ];
}

export const RECORD_CASES: DerivedCase[] = [...recordCases('curl'), ...recordCases('chrome')];

runScript(import.meta.url, RECORD_CASES);
