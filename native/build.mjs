// Builds the AF_PACKET capture addon with node-gyp at `npm install` (package.json "install").
// Never fails the install: without a compiler kwire still works from files and with libpcap; the
// reason is written to native/build.log, whose last "kwire:" line the loader quotes.
// Usage: node native/build.mjs [--log FILE]
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const logArg = process.argv.indexOf('--log');
const log = logArg > 0 ? process.argv[logArg + 1] : join(here, 'build.log');

function note(line) {
  appendFileSync(log, line + '\n');
}

function onPath(cmd) {
  if (cmd.includes('/')) return existsSync(cmd);
  return (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, cmd)));
}

function finish(ok, reason) {
  note(ok ? 'kwire: OK' : `kwire: FAILED: ${reason}`);
  const say = ok ? 'kwire: native AF_PACKET capture addon built' :
    `kwire: native AF_PACKET capture addon NOT built (${reason}); see ${log}. ` +
    'File input and --capture libpcap still work; install g++ and make, then run `node native/build.mjs`.';
  console.error(say);
  process.exit(0);
}

writeFileSync(log, `kwire native build ${new Date().toISOString()} node ${process.version} ${process.platform}/${process.arch}\n`);
if (process.platform !== 'linux') finish(false, `AF_PACKET exists on Linux only, this is ${process.platform}`);

const cxx = process.env.CXX ?? 'g++';
const missing = [cxx, 'make', 'python3'].filter((c) => !onPath(c));
if (missing.length > 0) finish(false, `${missing.join(', ')} not found on PATH: install g++ and make (Debian: apt-get install g++ make python3)`);

const prefix = dirname(dirname(process.execPath));
const gyp = process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)
  ? process.env.npm_config_node_gyp
  : join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
if (!existsSync(gyp)) finish(false, `node-gyp not found (looked at ${gyp}); it ships with npm`);

const args = [gyp, 'rebuild', '--directory', here];
// Use the headers of the running node when they are installed beside it (no download needed).
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
note(`$ ${process.execPath} ${args.join(' ')}`);
const r = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', timeout: 300_000 });
note(r.stdout ?? '');
note(r.stderr ?? '');
if (r.error) finish(false, `node-gyp could not run: ${r.error.message}`);
if (r.status !== 0) {
  const err = (r.stderr ?? '').split('\n').find((l) => /error/i.test(l) && !l.startsWith('gyp')) ?? `exit ${r.status}`;
  finish(false, `compile failed: ${err.trim()}`);
}
finish(existsSync(join(here, 'build', 'Release', 'kwire_afpacket.node')), 'node-gyp produced no kwire_afpacket.node');
