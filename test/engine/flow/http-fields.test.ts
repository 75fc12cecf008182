import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_HTTP_FIELDS, hostWithoutPort, httpAppFields, httpFieldUse } from '../../../engine/flow/http-fields.js';
import { HttpRequest, parseHttpRequest } from '../../../decoders/http1-request.js';
import { int, rng } from '../../helpers/rng.js';
import { join } from 'node:path';
import { loadPolicy } from '../../../rules/parse/policy.js';
import { compilePolicy } from '../../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../../rules/match/policy-matcher.js';
import { ROOT } from '../../helpers/paths.js';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

test('http fields: hostWithoutPort cuts what /:\\d+$/ cuts (seeded strings of host characters)', () => {
  const r = rng(5);
  const chars = 'ab.:0123456789[]';
  for (let i = 0; i < 5000; i++) {
    const s = Array.from({ length: int(r, 12) }, () => chars[int(r, chars.length)]).join('');
    const b = enc(`xx${s}yy`);
    assert.is(s.slice(0, hostWithoutPort(b, 2, s.length)), s.replace(/:\d+$/, ''), JSON.stringify(s));
  }
});

test('http fields: only the fields the policy reads are rendered; all by default', () => {
  const bytes = enc('GET /latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254:80\r\nUser-Agent: curl/8.5\r\nAccept: */*\r\n\r\n');
  const req = new HttpRequest();
  parseHttpRequest(bytes, 0, bytes.length, req);
  const all = httpAppFields(req, bytes, ALL_HTTP_FIELDS);
  assert.equal({ ...all }, {
    host: '169.254.169.254', uri: '/latest/meta-data/', method: 'GET', userAgent: 'curl/8.5',
    header: 'Host: 169.254.169.254:80\r\nUser-Agent: curl/8.5\r\nAccept: */*\r\n',
  });
  const some = httpAppFields(req, bytes, httpFieldUse(new Set(['host', 'uri'])));
  assert.equal([some.host, some.uri, some.method, some.userAgent, some.header], ['169.254.169.254', '/latest/meta-data/', undefined, undefined, undefined]);
});

test('http fields: the default policy reads the host and the URI of requests, not the header block', () => {
  const p = loadPolicy(join(ROOT, 'rules', 'default', 'policy.yaml'));
  const used = new PolicyMatcher(compilePolicy(p), p.cluster).appFieldsUsed;
  assert.ok(used.has('host') && used.has('uri') && used.has('query') && used.has('sni'), [...used].join());
  assert.not.ok(used.has('header') || used.has('method') || used.has('userAgent'), [...used].join());
});

test.run();
