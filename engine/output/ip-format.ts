// Address text for records (at the output edge only): dotted IPv4 and RFC 5952 compressed IPv6.

/** Dotted-quad text of the 4 bytes at `offset`. */
export function formatIpv4(b: Uint8Array, offset: number): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/** RFC 5952 text of the 16 bytes at `offset`: lower case, longest run (≥2) of zero groups as `::`. */
export function formatIpv6(b: Uint8Array, offset: number): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[offset + 2 * i] << 8) | b[offset + 2 * i + 1];
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  // IPv4-mapped ::ffff:a.b.c.d
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) {
    return `::ffff:${formatIpv4(b, offset + 12)}`;
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

export function formatIp(b: Uint8Array, offset: number, version: number): string {
  return version === 6 ? formatIpv6(b, offset) : formatIpv4(b, offset);
}
