import { getQueue } from '@/server/queues/queue-clients';

// What BullMQ exports itself (Queue#exportPrometheusMetrics: bullmq_job_count{queue,state},
// bullmq_job_completed_total, bullmq_job_failed_total), kept as BullMQ names it so dashboards
// made for BullMQ work unchanged. It writes each queue as a document of its own, HELP and TYPE
// lines included; several of them one after another would repeat those lines, which the text
// format forbids, so they are merged into one family each. (Prometheus's lint finds one thing
// to say about BullMQ's names: a gauge should not end in `_count`. It reads them all the same.)

interface Family {
  meta: string[];
  samples: string[];
}

/** The family a sample line belongs to: its name up to the labels or the value. */
function familyOf(line: string): string {
  const end = line.search(/[{\s]/);
  return end === -1 ? line : line.slice(0, end);
}

/** One exposition of several, each metric's HELP and TYPE once, its samples together. */
export function mergeExpositions(documents: readonly string[]): string {
  const families = new Map<string, Family>();
  const familyNamed = (name: string) => {
    let family = families.get(name);
    if (!family) families.set(name, (family = { meta: [], samples: [] }));
    return family;
  };
  for (const document of documents) {
    for (const line of document.split('\n')) {
      if (line.trim() === '') continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta) {
        const family = familyNamed(meta[2]!);
        if (!family.meta.some((known) => known.startsWith(`# ${meta[1]} `))) family.meta.push(line);
      } else if (!line.startsWith('#')) {
        familyNamed(familyOf(line)).samples.push(line);
      }
    }
  }
  return [...families.values()]
    .map((family) => [...family.meta, ...family.samples].join('\n'))
    .join('\n');
}

export async function exportBullmqMetrics(queueNames: readonly string[]): Promise<string> {
  const documents = await Promise.all(
    queueNames.map((name) => getQueue(name).exportPrometheusMetrics()),
  );
  return mergeExpositions(documents);
}
