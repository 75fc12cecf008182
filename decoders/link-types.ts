// LINKTYPE_* values of the tcpdump.org link-layer header registry (https://www.tcpdump.org/linktypes.html).

export const LINKTYPE_NULL = 0; // BSD loopback: 4-byte address family in host byte order
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101; // raw IPv4/IPv6, version from the first nibble
export const LINKTYPE_LOOP = 108; // OpenBSD loopback: 4-byte address family in network byte order
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
/** DLT_RAW on some BSDs (12 and 14) is the same raw-IP encapsulation. */
export const DLT_RAW_12 = 12;
export const DLT_RAW_14 = 14;

/** Name of a link type for statistics and messages. */
export function linkTypeName(linkType: number): string {
  switch (linkType) {
    case LINKTYPE_NULL: return 'null';
    case LINKTYPE_ETHERNET: return 'ethernet';
    case LINKTYPE_RAW: case DLT_RAW_12: case DLT_RAW_14: return 'raw';
    case LINKTYPE_LOOP: return 'loop';
    case LINKTYPE_LINUX_SLL: return 'sll';
    case LINKTYPE_IPV4: return 'ipv4';
    case LINKTYPE_IPV6: return 'ipv6';
    case LINKTYPE_LINUX_SLL2: return 'sll2';
    default: return `linktype_${linkType}`;
  }
}
