// Text of recently seen DNS names, found again by their bytes. A node's DNS traffic asks for the
// same few hundred names over and over (the 1M-packet k8s mix: 154 266 queries, 50 names), and
// rendering each as a fresh string was the inspector's largest allocation (17 MB per 200k packets).
// Direct-mapped by an FNV-1a hash of the bytes; only names whose bytes are all printable ASCII are
// kept, since for them the text is the bytes themselves and a hit is verified character by
// character, never trusted on its hash. Output is unchanged: the same text, fewer strings.

import { dnsNameText } from '../../decoders/dns-text.js';

/** Slots in the cache (a power of two). */
const SLOTS = 1024;

export class NameTextCache {
  private readonly text: (string | null)[] = new Array<string | null>(SLOTS).fill(null);
  /** Names rendered anew (misses and names the cache does not keep), and names found. */
  misses = 0;
  hits = 0;

  /** dnsNameText(bytes, start, length), from the cache when the name was seen before. */
  get(bytes: Uint8Array, start: number, length: number): string {
    let h = 0x811c9dc5;
    let plain = length > 0;
    const end = start + length;
    for (let p = start; p < end; p++) {
      const c = bytes[p];
      if (c < 0x20 || c >= 0x7f) plain = false;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (!plain) {
      this.misses++;
      return dnsNameText(bytes, start, length);
    }
    const slot = (h >>> 0) & (SLOTS - 1);
    const s = this.text[slot];
    if (s !== null && s.length === length) {
      let k = 0;
      while (k < length && s.charCodeAt(k) === bytes[start + k]) k++;
      if (k === length) {
        this.hits++;
        return s;
      }
    }
    this.misses++;
    const t = dnsNameText(bytes, start, length);
    this.text[slot] = t;
    return t;
  }
}
