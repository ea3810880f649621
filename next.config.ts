import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native and Node-only packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    'bullmq',
    'ioredis',
    'pg',
    '@prisma/adapter-pg',
    'pino',
    'sharp',
    'pdfkit',
    'nodemailer',
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
