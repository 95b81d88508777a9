// Prints each failed test of a Playwright JSON report with the first lines of
// its error, so the end of the suite's output names what failed.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const strip = (s) => String(s ?? '').replace(/\u001b\[[0-9;]*m/g, '');

function walk(suite, trail) {
  const here = suite.title ? [...trail, suite.title] : trail;
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      for (const r of t.results ?? []) {
        if (r.status === 'passed' || r.status === 'skipped') continue;
        console.log(`✘ ${[...here, spec.title].join(' › ')} (${spec.file}:${spec.line}) ${r.status} after ${r.duration} ms`);
        for (const e of r.errors ?? []) {
          console.log(strip(e.message).split('\n').slice(0, 12).map((l) => `    ${l}`).join('\n'));
        }
      }
    }
  }
  for (const s of suite.suites ?? []) walk(s, here);
}
for (const s of report.suites ?? []) walk(s, []);
for (const e of report.errors ?? []) console.log(`error: ${strip(e.message).split('\n')[0]}`);
