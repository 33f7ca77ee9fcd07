/**
 * `npm run trace -- <applicationId>`: one application's traces from the spans file
 * (OTEL_TRACES_FILE, else <DATA_DIR>/cluster/traces.jsonl, where `npm run cluster` writes them),
 * as a tree: each span with its service (which API or worker process), its start offset and
 * its duration. A trace is the application's when any of its spans names the application's
 * onboarding or review workflow.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config';

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  start: string;
  durationMs: number;
  status: string;
  attributes: Record<string, unknown>;
}

const program = new Command('npm run trace')
  .description("Prints an application's traces: the API's request, the workflows, the activities")
  .argument('<applicationId>', 'the application (UUID)')
  .option('--file <file>', 'the spans file (JSON lines)')
  .parse();

const [applicationId] = program.args as [string];
const file =
  program.opts<{ file?: string }>().file ??
  process.env.OTEL_TRACES_FILE ??
  path.join(loadConfig().dataDir, 'cluster', 'traces.jsonl');
const spans: Span[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Span);
const ids = new Set([`application-${applicationId.toLowerCase()}`, `review-${applicationId.toLowerCase()}`]);
const names = (s: Span) => [s.attributes.workflowId, s.attributes.temporalWorkflowId].map(String);
const traceIds = new Set(spans.filter((s) => names(s).some((n) => ids.has(n))).map((s) => s.traceId));
if (traceIds.size === 0) {
  console.error(`no spans of application ${applicationId} in ${file}`);
  process.exit(1);
}
for (const traceId of traceIds) {
  const mine = spans.filter((s) => s.traceId === traceId).sort((a, b) => a.start.localeCompare(b.start));
  const t0 = Date.parse(mine[0]!.start);
  const byId = new Set(mine.map((s) => s.spanId));
  const children = new Map<string, Span[]>();
  for (const s of mine) {
    const parent = s.parentSpanId && byId.has(s.parentSpanId) ? s.parentSpanId : '';
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const services = [...new Set(mine.map((s) => s.service))].join(', ');
  console.log(`trace ${traceId}: ${mine.length} spans across ${services}`);
  const print = (parent: string, depth: number) => {
    for (const s of children.get(parent) ?? []) {
      const offset = Date.parse(s.start) - t0;
      console.log(
        `${'  '.repeat(depth + 1)}${s.name}  [${s.service}]  +${offset} ms, ${s.durationMs.toFixed(1)} ms${s.status === 'ERROR' ? '  ERROR' : ''}`,
      );
      print(s.spanId, depth + 1);
    }
  };
  print('', 0);
}
