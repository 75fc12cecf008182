// An HTTP request's fields as text for the policy hook (AppFields): only those the policy's rules
// read (PolicyMatcher.appFieldsUsed), since each is a string made per request. The default policy
// reads the host and the URI; the header block, the largest, is rendered only for http.header rules.

import type { HttpRequest } from '../../decoders/http1-request.js';
import type { AppFields } from '../../rules/match/policy-matcher.js';

const LATIN1 = new TextDecoder('latin1');

/** Which fields to render. */
export interface HttpFieldUse {
  host: boolean;
  uri: boolean;
  method: boolean;
  userAgent: boolean;
  header: boolean;
}

export const ALL_HTTP_FIELDS: HttpFieldUse = { host: true, uri: true, method: true, userAgent: true, header: true };

export function httpFieldUse(used: ReadonlySet<keyof AppFields>): HttpFieldUse {
  return { host: used.has('host'), uri: used.has('uri'), method: used.has('method'), userAgent: used.has('userAgent'), header: used.has('header') };
}

/** The fields of `req` (parsed from `bytes`) that `use` asks for; the others undefined. */
export function httpAppFields(req: HttpRequest, bytes: Uint8Array, use: HttpFieldUse): AppFields {
  return {
    host: use.host ? text(bytes, req.hostOffset, hostWithoutPort(bytes, req.hostOffset, req.hostLength)) : undefined,
    uri: use.uri ? text(bytes, req.uriOffset, req.uriLength) : undefined,
    method: use.method ? text(bytes, req.methodOffset, req.methodLength) : undefined,
    userAgent: use.userAgent ? text(bytes, req.userAgentOffset, req.userAgentLength) : undefined,
    header: use.header ? text(bytes, req.headersOffset, req.headersEnd - req.headersOffset) : undefined,
  };
}

/** Latin-1 text of `bytes[offset, offset+length)`; undefined when the field is absent (offset < 0). */
function text(bytes: Uint8Array, offset: number, length: number): string | undefined {
  return offset < 0 ? undefined : LATIN1.decode(bytes.subarray(offset, offset + length));
}

/** Length of a Host value without a trailing `:port` (a ':' then only digits, as /:\d+$/). */
export function hostWithoutPort(bytes: Uint8Array, offset: number, length: number): number {
  let k = offset + length;
  while (k > offset && bytes[k - 1] >= 0x30 && bytes[k - 1] <= 0x39) k--;
  return k < offset + length && k > offset && bytes[k - 1] === 0x3a ? k - 1 - offset : length;
}
