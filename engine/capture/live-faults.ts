// Error codes of live capture (native AF_PACKET ring and libpcap alike), so `kwire live` reports the
// same cause the same way whichever backend failed. Thrown as KwireError (engine/errors.ts).

/** The process lacks CAP_NET_RAW (or CAP_SYS_ADMIN to enter another network namespace). */
export const ERR_CAPTURE_PERM = 'KWIRE_ERR_CAPTURE_PERM';
/** No interface of that name; the message lists the available ones. */
export const ERR_CAPTURE_IFACE = 'KWIRE_ERR_CAPTURE_IFACE';
/** The BPF filter expression does not compile (or no compiler is available); names the expression. */
export const ERR_CAPTURE_BPF = 'KWIRE_ERR_CAPTURE_BPF';
/** A capture option out of range (block size, block count, snap length, fanout group). */
export const ERR_CAPTURE_OPTION = 'KWIRE_ERR_CAPTURE_OPTION';
/** Any other failure of the capture socket or handle; names the step and the system error. */
export const ERR_CAPTURE_IO = 'KWIRE_ERR_CAPTURE_IO';
/** The native capture addon is not built or does not load; names the build log and the fix. */
export const ERR_NATIVE_UNAVAILABLE = 'KWIRE_ERR_NATIVE_UNAVAILABLE';

/** The fix every "permission denied" of a live capture names. */
export const NEEDS_CAP_NET_RAW = 'needs CAP_NET_RAW (run as root or grant the capability)';
