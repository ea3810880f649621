import { evaluateAlerts } from '@/server/alerts/alert-evaluation';
import { closeClients } from '@/server/infra/clients';

// One alert evaluation pass in a process of its own, at the clock given in ms: what a web
// process that has just started does first. Prints the pass as JSON.

const at = Number(process.argv[2] ?? Date.now());
const pass = await evaluateAlerts(new Date(at));
process.stdout.write(`ALERT_PASS=${JSON.stringify(pass)}\n`);
await closeClients();
