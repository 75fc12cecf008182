// Test helpers of the content-rule tests: a real Ethernet/IPv4/TCP frame, decoded, and their policy.
import { Packet } from '../../../decoders/packet.js';
import { decodeFrame } from '../../../decoders/frame.js';

/** 10.244.0.5:40000 → 203.0.113.9:80 (a pod to outside) with TCP `flags` and `text` as payload. */
export function tcpSegment(seq: number, text: string | Uint8Array, flags = 0x18): Packet {
  const payload = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const b = new Uint8Array(54 + payload.length);
  b.set([...Array(12).fill(2), 8, 0, 0x45, 0, (40 + payload.length) >> 8, (40 + payload.length) & 0xff, 0, 1, 0, 0, 64, 6, 0, 0,
    10, 244, 0, 5, 203, 0, 113, 9, 0x9c, 0x40, 0, 80, seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff, 0, 0, 0, 1, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
  b.set(payload, 54);
  const p = new Packet();
  p.reset(b, 0, b.length, b.length, 1);
  decodeFrame(p);
  return p;
}

/** Content rules of the stream tests: AWS key ids and GitHub tokens (anchor + tail), and a rule of two contents. */
export const STREAM_POLICY = `version: 1
cluster:
  pod_cidrs: [10.244.0.0/16]
  service_cidrs: [10.96.0.0/12]
rules:
  - name: aws-key-id
    sid: 1
    severity: 1
    category: secret-leak
    match:
      content: {pattern: [AKIA, ASIA], tail: "[A-Z0-9]{16}"}
  - name: github-pat
    sid: 2
    severity: 1
    category: secret-leak
    match:
      content: {pattern: ghp_, tail: "[A-Za-z0-9]{36}"}
  - name: two-parts
    sid: 3
    severity: 2
    category: secret-leak
    match:
      content:
        - {pattern: "secret_a="}
        - {pattern: "secret_b=", depth: 200}
`;
