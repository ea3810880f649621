import { createServer } from 'node:http';
import { Server } from 'socket.io';

// The floor the web process's idle memory is compared with (npm run bench:memory): a bare
// Socket.IO server on a plain HTTP server, nothing else. Built to plain JavaScript by
// core-children.ts and run with plain node, as dist/server.mjs is.

const http = createServer((_request, response) => response.end('ok'));
const io = new Server(http);
io.on('connection', (socket) => socket.emit('hello'));
http.listen(0, '127.0.0.1', () => process.stdout.write('BARE_SOCKET_READY\n'));
process.on('SIGTERM', () => process.exit(0));
