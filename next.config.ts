import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native and Node-only packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    // Also loaded by the custom server (auth for sockets, validation): loaded from
    // node_modules, Next's routes share the server's one copy instead of bundling another.
    'better-auth',
    '@better-auth/api-key',
    'zod',
    'socket.io',
    'busboy',
    'bullmq',
    'ioredis',
    'pg',
    '@prisma/adapter-pg',
    'pino',
    'sharp',
    'pdfkit',
    'nodemailer',
    // Loaded only when STORAGE_DRIVER=s3 (server/storage/storage.ts imports the driver lazily).
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-storage',
  ],
  experimental: {
    // Next otherwise loads every route's server bundle at start; on demand, the web process
    // starts smaller and holds only the routes it has served.
    preloadEntriesOnStart: false,
  },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
