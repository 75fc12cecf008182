// Test wrapper: runs every test/**/*.test.ts under uvu (through tsx), streams uvu's output, and
// ends with one line "N passed, N failed". Exits non-zero on any failure or when no test ran.
// Usage: node test/run.mjs [substring-filter]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const filter = process.argv[2] ?? '';

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts') && relative(root, p).includes(filter)) out.push(p);
  }
  return out;
}

const files = walk(join(root, 'test'), []);
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'uvu-main.ts'), ...files], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
});
let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk.toString('utf8');
  if (out.length > 1 << 20) out = out.slice(-4096);
  process.stdout.write(chunk);
});
child.on('close', (code) => {
  const num = (label) => {
    const m = new RegExp(`${label}:\\s+(\\d+)`).exec(out);
    return m ? Number(m[1]) : null;
  };
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped') ?? 0;
  let failed;
  if (total === null || passed === null) failed = 1; // crashed before uvu's summary
  else failed = total - passed - skipped;
  if (code !== 0 && failed === 0) failed = 1;
  const p = passed ?? 0;
  console.log(`${p} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || p === 0 ? 1 : 0);
});
