// native/build.mjs never fails the install: without a compiler it exits 0 and logs why; the loader
// and openAfPacket then throw KWIRE_ERR_NATIVE_UNAVAILABLE quoting that reason, the log path and the fix.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { thrown } from './thrown.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAfPacketAddon } from '../../native/addon.js';
import { openAfPacket } from '../../engine/capture/afpacket.js';
import { ROOT } from '../helpers/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'kwire-native-build-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('no g++/make/python3 on PATH: the build exits 0, logs the cause, and opening a native capture says it', () => {
  const log = join(tmp, 'build.log');
  const r = spawnSync(process.execPath, [join(ROOT, 'native', 'build.mjs'), '--log', log], {
    encoding: 'utf8', env: { PATH: join(tmp, 'empty-bin') }, timeout: 60_000,
  });
  assert.is(r.status, 0, 'the install step must not fail');
  assert.match(r.stderr, 'native AF_PACKET capture addon NOT built');
  const text = readFileSync(log, 'utf8');
  assert.match(text, 'kwire: FAILED: g++, make, python3 not found on PATH: install g++ and make');
  const paths = { addon: join(tmp, 'build', 'Release', 'kwire_afpacket.node'), log };
  const e = thrown(() => loadAfPacketAddon(paths));
  assert.is(e.code, 'KWIRE_ERR_NATIVE_UNAVAILABLE');
  assert.match(e.message, 'native capture addon is not built: g++, make, python3 not found on PATH');
  assert.match(e.message, `build log: ${log}`);
  assert.match(e.message, 'Install g++ and make');
  const o = thrown(() => openAfPacket({ ifaces: ['lo'], bpf: '', promiscuous: false, native: paths }));
  assert.is(o.code, 'KWIRE_ERR_NATIVE_UNAVAILABLE');
  assert.is(o.message, e.message);
});

test('no build log at all (install scripts skipped) and a corrupt addon: both named, with the fix', () => {
  const none = thrown(() => loadAfPacketAddon({ addon: join(tmp, 'none.node'), log: join(tmp, 'none.log') }));
  assert.match(none.message, `no build log at ${join(tmp, 'none.log')}`);
  const bad = join(tmp, 'bad.node');
  writeFileSync(bad, 'not an ELF object');
  const e = thrown(() => loadAfPacketAddon({ addon: bad, log: join(tmp, 'none.log') }));
  assert.is(e.code, 'KWIRE_ERR_NATIVE_UNAVAILABLE');
  assert.match(e.message, `native capture addon ${bad} does not load`);
  assert.match(e.message, 'install g++ and make first');
});

test('the real build loads and is context-aware (constants, interfaces of this namespace)', () => {
  const addon = loadAfPacketAddon();
  assert.is(addon.constants.META_STRIDE, 8);
  assert.is(addon.constants.FANOUT_FLAG_DEFRAG, 0x8000);
  const lo = addon.interfaces().find((i) => i.name === 'lo');
  assert.equal(lo && { index: lo.index, hatype: lo.hatype, linkType: lo.linkType }, { index: 1, hatype: 772, linkType: 1 });
});

test.run();
