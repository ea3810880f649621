// The REST routes and their methods, for the edge guard (server/http/edge-guard.ts), which
// answers an unknown path or method before Next does (Next's own 404 and 405 are HTML or
// empty, without Allow). tests/unit/rest-routes.test.ts keeps this in step with app/api/v1.

export const REST_ROUTES: ReadonlyArray<{ path: string; methods: readonly string[] }> = [
  { path: '/api/v1/alerts', methods: ['GET'] },
  { path: '/api/v1/events', methods: ['GET'] },
  { path: '/api/v1/files', methods: ['POST'] },
  { path: '/api/v1/openapi.json', methods: ['GET'] },
  { path: '/api/v1/queues', methods: ['GET'] },
  { path: '/api/v1/queues/[name]/pause', methods: ['POST'] },
  { path: '/api/v1/queues/[name]/resume', methods: ['POST'] },
  { path: '/api/v1/schedules', methods: ['GET', 'POST'] },
  { path: '/api/v1/schedules/[id]', methods: ['GET', 'PATCH', 'DELETE'] },
  { path: '/api/v1/schedules/[id]/run', methods: ['POST'] },
  { path: '/api/v1/schedules/[id]/runs', methods: ['GET'] },
  { path: '/api/v1/tasks', methods: ['GET', 'POST'] },
  { path: '/api/v1/tasks/bulk', methods: ['POST'] },
  { path: '/api/v1/tasks/bulk-by-filter', methods: ['POST'] },
  { path: '/api/v1/tasks/[id]', methods: ['GET'] },
  { path: '/api/v1/tasks/[id]/cancel', methods: ['POST'] },
  { path: '/api/v1/tasks/[id]/events', methods: ['GET'] },
  { path: '/api/v1/tasks/[id]/files', methods: ['GET'] },
  { path: '/api/v1/tasks/[id]/files/[fileId]', methods: ['GET'] },
  { path: '/api/v1/tasks/[id]/logs', methods: ['GET'] },
  { path: '/api/v1/tasks/[id]/result', methods: ['GET'] },
  { path: '/api/v1/tasks/[id]/retry', methods: ['POST'] },
  { path: '/api/v1/tasks/[id]/transitions', methods: ['GET'] },
  { path: '/api/v1/webhooks', methods: ['GET', 'POST'] },
  { path: '/api/v1/webhooks/[id]', methods: ['GET', 'PATCH', 'DELETE'] },
  { path: '/api/v1/webhooks/[id]/deliveries', methods: ['GET'] },
  { path: '/api/v1/webhooks/[id]/deliveries/[deliveryId]/redeliver', methods: ['POST'] },
  { path: '/api/v1/webhooks/[id]/rotate-secret', methods: ['POST'] },
];

const compiled = REST_ROUTES.map((route) => ({
  // A static segment wins over a dynamic one (`tasks/bulk` is not `tasks/[id]`), as in Next.
  pattern: new RegExp(`^${route.path.replace(/\[[^\]]+\]/g, '[^/]+')}/?$`),
  dynamic: route.path.includes('['),
  methods: route.methods,
}));

/** The methods a REST path answers (HEAD with GET, OPTIONS always), or null for no route. */
export function allowedMethods(path: string): string[] | null {
  const matches = compiled.filter((route) => route.pattern.test(path));
  const route = matches.find((match) => !match.dynamic) ?? matches[0];
  if (!route) return null;
  const methods = [...route.methods];
  if (methods.includes('GET')) methods.push('HEAD');
  methods.push('OPTIONS');
  return methods;
}
