// HTTP/1.x request head (RFC 9112 §3 request line, §5 field lines, §6.3 message body length):
// method, target, version and the Host, User-Agent, Content-Length and Transfer-Encoding fields.

import { APP_DONE, APP_INVALID, APP_NEED_MORE, APP_NOT_THIS, appEventId, type AppStatus } from './app-layer.js';

export const EV_HTTP_INVALID_REQUEST_LINE = appEventId('http.invalid_request_line');
export const EV_HTTP_HEADER_TOO_LONG = appEventId('http.header_too_long');
export const EV_HTTP_INVALID_HEADER = appEventId('http.invalid_header');

/** Request line and fields together; a head still open past this is `http.header_too_long`. */
export const HTTP_MAX_HEADER_BYTES = 16 * 1024;
/** Longest method token accepted (longer: not an HTTP request). */
export const HTTP_MAX_METHOD = 24;

/** `HttpRequest.method`: well-known methods by number; HTTP_OTHER for any other token. */
export const HTTP_OTHER = 0;
export const HTTP_GET = 1;
export const HTTP_POST = 2;
export const HTTP_PUT = 3;
export const HTTP_HEAD = 4;
export const HTTP_DELETE = 5;
export const HTTP_OPTIONS = 6;
export const HTTP_PATCH = 7;
export const HTTP_CONNECT = 8;
export const HTTP_TRACE = 9;
export const HTTP_METHOD_NAMES = ['', 'GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'] as const;

const SP = 0x20;
const HT = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;

/** RFC 9110 §5.6.2 tchar. */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) { TCHAR[c] = 1; TCHAR[c + 0x20] = 1; }
/** Method bytes kwire accepts: upper-case letters, '-' and '_' (M-SEARCH, VERSION-CONTROL). */
const METHOD_CHAR = new Uint8Array(256);
for (let c = 0x41; c <= 0x5a; c++) METHOD_CHAR[c] = 1;
METHOD_CHAR[0x2d] = 1;
METHOD_CHAR[0x5f] = 1;

/**
 * One request head, preallocated per thread and overwritten by every `parseHttpRequest()`.
 * Offsets point into the buffer given to the parser (for a reassembled TCP direction, valid until
 * the reassembly buffer or batch it came from is released); -1 when absent. Values are trimmed of
 * surrounding whitespace and keep their bytes as sent.
 */
export class HttpRequest {
  bytes: Uint8Array = new Uint8Array(0);
  /** Where the request line starts (after any empty lines before it, RFC 9112 §2.2). */
  start = -1;
  /** HTTP_* (HTTP_OTHER for another token); the token itself is at methodOffset. */
  method = HTTP_OTHER;
  methodOffset = -1;
  methodLength = 0;
  uriOffset = -1;
  uriLength = 0;
  /** Minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  versionMinor = -1;
  versionOffset = -1;
  hostOffset = -1;
  hostLength = 0;
  /** Host fields seen (RFC 9112 §3.2: more than one makes the request ambiguous; the first is kept). */
  hostCount = 0;
  userAgentOffset = -1;
  userAgentLength = 0;
  /** The field lines (`Name: value` CRLF ...) without the request line and the final empty line: [headersOffset, headersEnd). */
  headersOffset = -1;
  headersEnd = -1;
  /** Content-Length value, -1 when absent. */
  contentLength = -1;
  /** Transfer-Encoding present and its last coding is `chunked`. */
  chunked = false;
  /** Field lines in the head (folded continuations not counted). */
  headerCount = 0;
  /** Bytes from the parser's `offset` to the end of the head's empty line: where the body starts. */
  headerLength = 0;
  /** App-layer event id when APP_INVALID, else -1. */
  event = -1;

  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.start = -1;
    this.method = HTTP_OTHER;
    this.methodOffset = -1;
    this.methodLength = 0;
    this.uriOffset = -1;
    this.uriLength = 0;
    this.versionMinor = -1;
    this.versionOffset = -1;
    this.hostOffset = -1;
    this.hostLength = 0;
    this.hostCount = 0;
    this.userAgentOffset = -1;
    this.userAgentLength = 0;
    this.headersOffset = -1;
    this.headersEnd = -1;
    this.contentLength = -1;
    this.chunked = false;
    this.headerCount = 0;
    this.headerLength = 0;
    this.event = -1;
  }
}

/** Out of bytes: more may come, unless the head is already as long as allowed. */
function more(req: HttpRequest, tooLong: boolean): AppStatus {
  return tooLong ? invalid(req, EV_HTTP_HEADER_TOO_LONG) : APP_NEED_MORE;
}

function invalid(req: HttpRequest, event: number): AppStatus {
  req.event = event;
  return APP_INVALID;
}

/** Upper-case method bytes → HTTP_*. */
function methodId(b: Uint8Array, p: number, n: number): number {
  const c0 = b[p];
  switch (n) {
    case 3:
      if (c0 === 0x47 && b[p + 1] === 0x45 && b[p + 2] === 0x54) return HTTP_GET;
      if (c0 === 0x50 && b[p + 1] === 0x55 && b[p + 2] === 0x54) return HTTP_PUT;
      return HTTP_OTHER;
    case 4:
      if (c0 === 0x50 && b[p + 1] === 0x4f && b[p + 2] === 0x53 && b[p + 3] === 0x54) return HTTP_POST;
      if (c0 === 0x48 && b[p + 1] === 0x45 && b[p + 2] === 0x41 && b[p + 3] === 0x44) return HTTP_HEAD;
      return HTTP_OTHER;
    default:
      for (let m = HTTP_DELETE; m <= HTTP_TRACE; m++) if (equalsAscii(b, p, n, HTTP_METHOD_NAMES[m], false)) return m;
      return HTTP_OTHER;
  }
}

/** `b[p, p+n)` equals `s`; with `fold`, ASCII letters of `b` compare case-insensitively (`s` lower case). */
function equalsAscii(b: Uint8Array, p: number, n: number, s: string, fold: boolean): boolean {
  if (n !== s.length) return false;
  for (let i = 0; i < n; i++) {
    let c = b[p + i];
    if (fold && c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== s.charCodeAt(i)) return false;
  }
  return true;
}

/** `chunked` is the last transfer coding in `b[p, e)` (case-insensitive, RFC 9112 §6.1). */
function endsWithChunked(b: Uint8Array, p: number, e: number): boolean {
  return e - p >= 7 && equalsAscii(b, e - 7, 7, 'chunked', true) && (e - p === 7 || b[e - 8] === 0x2c || b[e - 8] === SP || b[e - 8] === HT);
}

/**
 * Parse the request head at the start of `bytes[offset, offset+length)`, the contiguous first bytes
 * of a client TCP direction (or of the next request on it); call again with a longer prefix as
 * bytes arrive. Fills `req` (every field reset first).
 * - APP_NEED_MORE: a valid prefix, the head has not ended yet (CRLF CRLF; bare LF tolerated).
 * - APP_NOT_THIS: the first bytes are not `<METHOD> ` (upper-case token), or are the HTTP/2 preface.
 * - APP_INVALID: `req.event` is http.invalid_request_line (target or version), http.invalid_header
 *   (field name, control bytes, obs-fold first, bad or conflicting Content-Length) or
 *   http.header_too_long (no end within HTTP_MAX_HEADER_BYTES).
 * - APP_DONE: fields filled; the body starts at offset + headerLength.
 * Never throws, never allocates.
 */
export function parseHttpRequest(bytes: Uint8Array, offset: number, length: number, req: HttpRequest): AppStatus {
  req.reset(bytes);
  const b = bytes;
  const tooLong = length >= HTTP_MAX_HEADER_BYTES;
  const end = offset + (tooLong ? HTTP_MAX_HEADER_BYTES : length);

  let p = offset;
  while (p < end && (b[p] === CR || b[p] === LF)) p++;
  const ms = p;
  while (p < end && METHOD_CHAR[b[p]] === 1 && p - ms < HTTP_MAX_METHOD) p++;
  if (p === end) return more(req, tooLong);
  if (p === ms || b[p] !== SP) return APP_NOT_THIS;
  const mlen = p - ms;
  req.start = ms;
  req.methodOffset = ms;
  req.methodLength = mlen;
  req.method = methodId(b, ms, mlen);

  const us = ++p;
  while (p < end && b[p] > SP && b[p] !== 0x7f) p++;
  if (p === end) return more(req, tooLong);
  if (p === us || b[p] !== SP) return invalid(req, EV_HTTP_INVALID_REQUEST_LINE);
  req.uriOffset = us;
  req.uriLength = p - us;

  // "HTTP/1." DIGIT, then CRLF or LF.
  const vs = ++p;
  for (let i = 0; i < 8; i++, p++) {
    if (p === end) return more(req, tooLong);
    const c = b[p];
    const ok = i === 7 ? c >= 0x30 && c <= 0x39 : c === 'HTTP/1.'.charCodeAt(i);
    if (ok) continue;
    // "PRI * HTTP/2.0": the HTTP/2 connection preface (RFC 9113 §3.4), not an HTTP/1.x request.
    if (i === 5 && c === 0x32 && mlen === 3 && b[ms] === 0x50 && b[ms + 1] === 0x52 && b[ms + 2] === 0x49) return APP_NOT_THIS;
    return invalid(req, EV_HTTP_INVALID_REQUEST_LINE);
  }
  req.versionOffset = vs;
  req.versionMinor = b[vs + 7] - 0x30;
  if (p === end) return more(req, tooLong);
  if (b[p] === CR) {
    if (++p === end) return more(req, tooLong);
    if (b[p] !== LF) return invalid(req, EV_HTTP_INVALID_REQUEST_LINE);
  } else if (b[p] !== LF) {
    return invalid(req, EV_HTTP_INVALID_REQUEST_LINE);
  }
  p++;
  req.headersOffset = p;

  // Field lines until the empty line.
  let inField = false;
  for (;;) {
    if (p === end) return more(req, tooLong);
    let c = b[p];
    if (c === LF || c === CR) {
      req.headersEnd = p;
      if (c === CR) {
        if (++p === end) return more(req, tooLong);
        if (b[p] !== LF) return invalid(req, EV_HTTP_INVALID_HEADER);
      }
      req.headerLength = p + 1 - offset;
      return APP_DONE;
    }
    // Name, or a folded continuation (RFC 9112 §5.2: obsolete; tolerated after a field line).
    const ns = p;
    const folded = c === SP || c === HT;
    if (folded) {
      if (!inField) return invalid(req, EV_HTTP_INVALID_HEADER);
    } else {
      while (p < end && TCHAR[b[p]] === 1) p++;
      if (p === end) return more(req, tooLong);
      if (p === ns || b[p] !== COLON) return invalid(req, EV_HTTP_INVALID_HEADER);
      p++;
    }
    const nlen = p - 1 - ns;
    // Value: OWS trimmed on both sides; control bytes other than HT are refused.
    while (p < end && (b[p] === SP || b[p] === HT)) p++;
    const vs2 = p;
    for (;;) {
      if (p === end) return more(req, tooLong);
      c = b[p];
      if (c === LF) break;
      if (c < SP && c !== HT && c !== CR) return invalid(req, EV_HTTP_INVALID_HEADER);
      if (c === CR) {
        if (p + 1 === end) return more(req, tooLong);
        if (b[p + 1] !== LF) return invalid(req, EV_HTTP_INVALID_HEADER);
        break;
      }
      if (c === 0x7f) return invalid(req, EV_HTTP_INVALID_HEADER);
      p++;
    }
    let ve = p;
    while (ve > vs2 && (b[ve - 1] === SP || b[ve - 1] === HT)) ve--;
    p = b[p] === CR ? p + 2 : p + 1;

    // A folded continuation is checked and skipped: kept values are their first line.
    if (folded) continue;
    req.headerCount++;
    inField = true;
    if (nlen === 4 && equalsAscii(b, ns, 4, 'host', true)) {
      if (req.hostCount++ === 0) { req.hostOffset = vs2; req.hostLength = ve - vs2; }
    } else if (nlen === 10 && equalsAscii(b, ns, 10, 'user-agent', true)) {
      if (req.userAgentOffset < 0) { req.userAgentOffset = vs2; req.userAgentLength = ve - vs2; }
    } else if (nlen === 14 && equalsAscii(b, ns, 14, 'content-length', true)) {
      // Digits only, at most 15 (below 2^53); two that disagree leave the body length unknown (§6.3).
      if (ve === vs2 || ve - vs2 > 15) return invalid(req, EV_HTTP_INVALID_HEADER);
      let n = 0;
      for (let i = vs2; i < ve; i++) {
        const d = b[i] - 0x30;
        if (d < 0 || d > 9) return invalid(req, EV_HTTP_INVALID_HEADER);
        n = n * 10 + d;
      }
      if (req.contentLength >= 0 && req.contentLength !== n) return invalid(req, EV_HTTP_INVALID_HEADER);
      req.contentLength = n;
    } else if (nlen === 17 && equalsAscii(b, ns, 17, 'transfer-encoding', true)) {
      req.chunked = endsWithChunked(b, vs2, ve);
    }
  }
}

/**
 * Cheap first-packet check: the bytes start with a common method (GET, POST, PUT, HEAD, DELETE,
 * OPTIONS, PATCH, CONNECT, TRACE) and a space, or are a non-empty prefix of one. No leading empty
 * lines, no other methods: parseHttpRequest() decides for those.
 */
export function looksLikeHttpRequest(bytes: Uint8Array, offset: number, length: number): boolean {
  if (length <= 0) return false;
  let m: number;
  switch (bytes[offset]) {
    case 0x47: m = HTTP_GET; break; // G
    case 0x48: m = HTTP_HEAD; break; // H
    case 0x44: m = HTTP_DELETE; break; // D
    case 0x4f: m = HTTP_OPTIONS; break; // O
    case 0x43: m = HTTP_CONNECT; break; // C
    case 0x54: m = HTTP_TRACE; break; // T
    case 0x50: // P: POST, PUT, PATCH
      if (length < 2) return true;
      m = bytes[offset + 1] === 0x4f ? HTTP_POST : bytes[offset + 1] === 0x55 ? HTTP_PUT : HTTP_PATCH;
      break;
    default: return false;
  }
  const name = HTTP_METHOD_NAMES[m];
  const n = name.length < length ? name.length : length;
  for (let i = 1; i < n; i++) if (bytes[offset + i] !== name.charCodeAt(i)) return false;
  return length <= name.length || bytes[offset + name.length] === SP;
}
