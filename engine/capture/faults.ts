// Error codes of the capture readers (classic pcap, pcapng, byte sources) and their hard limits.

/** The path does not exist. */
export const ERR_NO_FILE = 'KWIRE_ERR_NO_FILE';
/** The input has no bytes at all. */
export const ERR_EMPTY = 'KWIRE_ERR_EMPTY';
/** Any other read/open failure (permissions, a directory, EIO). */
export const ERR_IO = 'KWIRE_ERR_IO';
/** The first bytes are neither a pcap nor a pcapng magic (or the pcapng byte-order magic is wrong). */
export const ERR_PCAP_MAGIC = 'KWIRE_ERR_PCAP_MAGIC';
/** A version this reader does not know (pcap major ≠ 2, pcapng major ≠ 1). */
export const ERR_PCAP_VERSION = 'KWIRE_ERR_PCAP_VERSION';
/** The pcap global header or the first pcapng Section Header Block is cut short. */
export const ERR_PCAP_TRUNC_HEADER = 'KWIRE_ERR_PCAP_TRUNC_HEADER';
/** The input ends inside a record (pcap) or a block (pcapng). */
export const ERR_PCAP_TRUNC_RECORD = 'KWIRE_ERR_PCAP_TRUNC_RECORD';
/** A captured length above MAX_CAPLEN or larger than its block. */
export const ERR_PCAP_CAPLEN = 'KWIRE_ERR_PCAP_CAPLEN';
/** A pcapng block length that is not a multiple of 4, below its minimum, above MAX_BLOCK, or whose trailing copy differs. */
export const ERR_PCAPNG_BLOCK = 'KWIRE_ERR_PCAPNG_BLOCK';
/** A packet block names an interface its section has not described (or MAX_INTERFACES is hit). */
export const ERR_PCAPNG_IFACE = 'KWIRE_ERR_PCAPNG_IFACE';

/** Largest captured length accepted (libpcap's MAXIMUM_SNAPLEN). */
export const MAX_CAPLEN = 262144;
/** Largest pcapng block accepted: bounds the memory a corrupt length can make us hold. */
export const MAX_BLOCK = 16 * 1024 * 1024;
/** Largest number of pcapng interfaces over all sections of one file. */
export const MAX_INTERFACES = 65536;

/** Hex of up to 4 bytes, for messages ("d4c3b2a1"). */
export function hex4(bytes: Uint8Array, offset: number, end: number): string {
  let s = '';
  for (let i = offset; i < offset + 4 && i < end; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}
