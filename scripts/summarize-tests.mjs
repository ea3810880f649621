// Sums the tiers' results into one closing line: "N passed, N failed[, N skipped]".
// A test file that failed to load counts as one failure, and so does a tier with no report.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? '.data/test-results';
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.check'))
  .sort()) {
  const passed = readFileSync(path.join(dir, file), 'utf8').trim() === 'pass';
  totals[passed ? 'passed' : 'failed'] += 1;
  lines.push(`  check ${path.basename(file, '.check')}: ${passed ? 'passed' : 'FAILED'}`);
}

for (const tier of ['unit', 'integration', 'e2e', 'chaos']) {
  const file = path.join(dir, `${tier}.json`);
  if (!existsSync(file)) {
    totals.failed += 1;
    lines.push(`  ${tier}: no report (the tier did not run to the end)`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const brokenFiles = report.testResults.filter(
    (result) => result.status === 'failed' && result.assertionResults.length === 0,
  ).length;
  const counts = {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles,
    skipped: report.numPendingTests + report.numTodoTests,
  };
  if (report.numTotalTests === 0 && brokenFiles === 0) counts.failed += 1; // ran nothing
  for (const key of Object.keys(totals)) totals[key] += counts[key];
  lines.push(
    `  ${tier}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  );
}

console.log('\n== summary');
console.log(lines.join('\n'));
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 ? 1 : 0);
