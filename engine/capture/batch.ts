// Frame batches: the unit that travels from a capture source to the decoders (and, later, to workers).

/**
 * A batch is one ArrayBuffer of raw bytes plus a metadata table; frames are offsets into the
 * buffer, never copies. Both buffers are transferable to a worker thread as they are.
 *
 *   data  ┌────────────┬─────┬──────────┬─────┬────────────┬──────┐
 *         │ rec hdr    │ f0  │ rec hdr  │ f1  │ ...        │ tail │
 *         └────────────┴─────┴──────────┴─────┴────────────┴──────┘
 *   meta  Uint32Array, META_STRIDE words per frame:
 *         [0] offset of the frame's first byte in data
 *         [1] captured length        [2] original (wire) length
 *         [3] link type (LINKTYPE_*) [4] interface index (into the source's interface table)
 *         [5] timestamp seconds      [6] timestamp nanoseconds (0..999_999_999)
 *         [7] frame flags (reserved, 0)
 *
 * Lifetime: a batch owns its buffers; a consumer that keeps a view into `data` past the batch
 * (e.g. a reassembly buffer) must copy.
 */
export const META_STRIDE = 8;
export const M_OFFSET = 0;
export const M_CAPLEN = 1;
export const M_ORIGLEN = 2;
export const M_LINKTYPE = 3;
export const M_IFACE = 4;
export const M_TS_SEC = 5;
export const M_TS_NSEC = 6;
export const M_FLAGS = 7;

export interface FrameBatch {
  /** Raw bytes; frames are slices described by `meta`. */
  data: Uint8Array;
  /** META_STRIDE words per frame; only the first `count * META_STRIDE` words are meaningful. */
  meta: Uint32Array;
  /** Number of frames in the batch. */
  count: number;
  /** 1-based frame number (pcap_cnt) of the batch's first frame in its source. */
  firstFrame: number;
  /** Bytes of the source file consumed up to the end of this batch. */
  sourceOffset: number;
}

/** One capture interface: per-interface link type and timestamp settings (pcapng IDB, or the pcap header). */
export interface CaptureInterface {
  /** Interface name (pcapng if_name) or '' when the capture does not say. */
  name: string;
  /** LINKTYPE_* value. */
  linkType: number;
  /** Snap length the capture was taken with (0 = unlimited). */
  snapLen: number;
}
