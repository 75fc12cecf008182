import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_DONE, APP_EVENT_COUNT, APP_EVENT_NAMES, APP_INVALID, APP_NEED_MORE, APP_NOT_THIS, appEventId } from '../../decoders/app-layer.js';

test('app-layer statuses are distinct small numbers', () => {
  assert.equal(new Set([APP_DONE, APP_NEED_MORE, APP_NOT_THIS, APP_INVALID]).size, 4);
});

test('event names: unique, <proto>.<snake_case>, one of the four protocols; ids are indexes', () => {
  assert.is(new Set(APP_EVENT_NAMES).size, APP_EVENT_COUNT);
  for (const [i, name] of APP_EVENT_NAMES.entries()) {
    assert.match(name, /^(tls|quic|dns|http)\.[a-z0-9_]+$/);
    assert.is(appEventId(name), i);
  }
  assert.is(APP_EVENT_NAMES[0], 'tls.invalid_record_type'); // append only: the first id never moves
});

test.run();
