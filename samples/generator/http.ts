// HTTP/1.1 messages (RFC 9112): request and status lines with the header fields real clients and
// servers in a cluster send. Heads are built once per distinct shape and cached; a response's Date
// (always 29 characters) is stamped into a copy for each use.

import { ascii } from './bytes.js';
import { EPOCH_SECONDS } from './capture-writer.js';
import { Payload, SHARED } from './payload.js';

export type Header = [string, string];

export function request(method: string, target: string, host: string, headers: Header[], body?: Uint8Array): Uint8Array {
  let head = `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  if (body !== undefined) head += `Content-Length: ${body.length}\r\n`;
  return withBody(ascii(`${head}\r\n`), body);
}

/** A response with a placeholder Date, stamped on the wire (see dated()). Owned by the cache. */
export interface ResponseTemplate {
  bytes: Uint8Array;
  /** The same bytes as a one-off Payload, shared by every message sending this response. */
  payload: Payload;
  dateAt: number;
}

/**
 * A response announcing `bodyLen` bytes; with `body` the body is included (small responses),
 * otherwise the caller sends the body as its own message. `mode` ONCE for a head sent once.
 */
export function responseTemplate(
  status: number, headers: Header[], bodyLen: number, body?: Uint8Array, mode = SHARED,
): ResponseTemplate {
  const line = `HTTP/1.1 ${status} ${REASONS[status] ?? 'Unknown'}\r\nDate: `;
  let rest = `${DATE_PLACEHOLDER}\r\n`;
  for (const [k, v] of headers) rest += `${k}: ${v}\r\n`;
  rest += `Content-Length: ${bodyLen}\r\n\r\n`;
  const bytes = withBody(ascii(line + rest), body);
  return { bytes, payload: new Payload(bytes, mode), dateAt: line.length };
}

const DATE_PLACEHOLDER = 'Thu, 01 Jan 2026 00:00:00 GMT';
let cachedSecond = -1;
let cachedDate: Uint8Array = new Uint8Array(0);

/** IMF-fixdate of a capture time (RFC 9110 section 5.6.7), 29 bytes; never modified, cached per second. */
export function dateBytes(nowNs: number): Uint8Array {
  const sec = Math.floor(nowNs / 1e9);
  if (sec !== cachedSecond) {
    cachedSecond = sec;
    cachedDate = ascii(new Date((EPOCH_SECONDS + sec) * 1000).toUTCString());
  }
  return cachedDate;
}

function withBody(head: Uint8Array, body?: Uint8Array): Uint8Array {
  if (body === undefined || body.length === 0) return head;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 304: 'Not Modified',
  401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export const CLIENT_AGENTS = [
  'Go-http-client/1.1', 'python-requests/2.32.3', 'axios/1.7.7', 'okhttp/4.12.0', 'curl/8.5.0',
  'Java-http-client/21.0.4', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
];

export const SERVER_NAMES = ['nginx/1.27.2', 'envoy', 'gunicorn', 'Jetty(11.0.20)', 'uvicorn'];
