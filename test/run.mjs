// Test wrapper: runs every test/**/*.test.ts under uvu (through tsx), streams uvu's output, and
// ends with one line "N passed, N failed". Exits non-zero on any failure or when no test ran.
// Test files that start worker threads on native addons or capture live (test/native/, test/live/,
// the capture backends, the live loop on libpcap) each run in a process of their own with a deadline: a hang there fails
// that file instead of stalling the suite, and nothing they load leaks into the other files.
// Usage: node test/run.mjs [substring-filter]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const filter = process.argv[2] ?? '';
const ISOLATED = [/^test\/native\//, /^test\/live\//, /^test\/engine\/capture\/(afpacket|libpcap)\.test\.ts$/, /^test\/engine\/pipeline\/live(-fanout)?\.test\.ts$/];
const ISOLATED_DEADLINE_MS = 300_000;

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts') && relative(root, p).includes(filter)) out.push(p);
  }
  return out;
}

/** One uvu process over `files`; resolves with its counts. */
function run(files, deadlineMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'uvu-main.ts'), ...files], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let out = '';
    let timedOut = false;
    const timer = deadlineMs > 0 ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, deadlineMs) : null;
    child.stdout.on('data', (chunk) => {
      out += chunk.toString('utf8');
      if (out.length > 1 << 20) out = out.slice(-4096);
      process.stdout.write(chunk);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const num = (label) => {
        const m = new RegExp(`${label}:\\s+(\\d+)`).exec(out);
        return m ? Number(m[1]) : null;
      };
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped') ?? 0;
      let failed;
      if (total === null || passed === null) failed = 1; // crashed (or killed) before uvu's summary
      else failed = total - passed - skipped;
      if (code !== 0 && failed === 0) failed = 1;
      if (timedOut) process.stdout.write(`\nFAIL  ${files.map((f) => relative(root, f)).join(' ')}: no result within ${deadlineMs / 1000} s, killed\n`);
      resolve({ passed: passed ?? 0, failed, skipped });
    });
  });
}

const files = walk(join(root, 'test'), []);
const isolated = files.filter((f) => ISOLATED.some((re) => re.test(relative(root, f))));
const shared = files.filter((f) => !isolated.includes(f));
const results = [];
if (shared.length > 0) results.push(await run(shared, 0));
for (const f of isolated) results.push(await run([f], ISOLATED_DEADLINE_MS));
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
const skipped = results.reduce((a, r) => a + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
