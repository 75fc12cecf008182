// AES-128 for QUIC header protection: FIPS-197 vectors, the RFC 9001 / RFC 9369 masks, OpenSSL as oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv } from 'node:crypto';
import { AES128_ROUND_KEY_WORDS, aes128EncryptBlock, aes128ExpandKey } from '../../decoders/quic-header-protection.js';
import { hex } from './helpers.js';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('FIPS-197 Appendix A.1 key schedule, B and C.1 ciphertexts, and 2000 random blocks against OpenSSL', () => {
  const rk = new Uint32Array(AES128_ROUND_KEY_WORDS);
  const out = new Uint8Array(20);
  aes128ExpandKey(hex('2b7e151628aed2a6abf7158809cf4f3c'), 0, rk);
  assert.is(rk[43].toString(16), 'b6630ca6', 'FIPS-197 A.1: last key-schedule word');
  aes128EncryptBlock(rk, hex('3243f6a8885a308d313198a2e0370734'), 0, out, 2);
  assert.is(toHex(out.subarray(2, 18)), '3925841d02dc09fbdc118597196a0b32', 'FIPS-197 B');
  assert.is(out[0] + out[1] + out[18] + out[19], 0, 'writes only its 16 bytes');
  aes128ExpandKey(hex('ff000102030405060708090a0b0c0d0e0f'), 1, rk);
  aes128EncryptBlock(rk, hex('00112233445566778899aabbccddeeff'), 0, out, 0);
  assert.is(toHex(out.subarray(0, 16)), '69c4e0d86a7b0430d8cdb78070b4c55a', 'FIPS-197 C.1 (key at an offset)');
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
  for (let i = 0; i < 2000; i++) {
    const key = Uint8Array.from({ length: 16 }, next);
    const block = Uint8Array.from({ length: 16 }, next);
    const ecb = createCipheriv('aes-128-ecb', key, null);
    ecb.setAutoPadding(false);
    aes128ExpandKey(key, 0, rk);
    aes128EncryptBlock(rk, block, 0, out, 0);
    assert.is(toHex(out.subarray(0, 16)), toHex(ecb.update(block)), `random block ${i}`);
  }
});

test('RFC 9001 §A.2 and RFC 9369 §A.2 header-protection masks', () => {
  const rk = new Uint32Array(AES128_ROUND_KEY_WORDS);
  const out = new Uint8Array(16);
  aes128ExpandKey(hex('9f50449e04a0e810283a1e9933adedd2'), 0, rk);
  aes128EncryptBlock(rk, hex('d1b1c98dd7689fb8ec11d242b123dc9b'), 0, out, 0);
  assert.is(toHex(out.subarray(0, 5)), '437b9aec36');
  aes128ExpandKey(hex('45b95e15235d6f45a6b19cbcb0294ba9'), 0, rk);
  aes128EncryptBlock(rk, hex('ffe67b6abcdb4298b485dd04de806071'), 0, out, 0);
  assert.is(toHex(out.subarray(0, 5)), '94a0c95e80');
});

test('in place: the output may overlap the input block', () => {
  const rk = new Uint32Array(AES128_ROUND_KEY_WORDS);
  aes128ExpandKey(hex('000102030405060708090a0b0c0d0e0f'), 0, rk);
  const b = hex('00112233445566778899aabbccddeeff');
  aes128EncryptBlock(rk, b, 0, b, 0);
  assert.is(toHex(b), '69c4e0d86a7b0430d8cdb78070b4c55a');
});

test.run();
