import { closeClients } from '@/server/infra/clients';
import { startSocketNode } from './socket-server-fixture';

// A web node of its own: the real Socket.IO server in a separate process (spawnEntry), for
// tests of what must reach every node through Redis, not through this process's memory.

const node = await startSocketNode();
process.stdout.write(`SOCKET_NODE_URL=${node.url}\n`);
process.on('SIGTERM', () => {
  void node
    .close()
    .then(() => closeClients())
    .then(() => process.exit(0));
});
