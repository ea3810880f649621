import { HTTP_METHODS, schemaAnchor, type ApiDocument, type ApiOperation } from './openapi-types';
import { OperationView } from './operation-view';
import { SchemaView } from './schema-view';

// The API reference, drawn on the server from the OpenAPI document: no script, no styles of its
// own beyond the app's, so it lives within the app's nonce CSP and needs nothing from elsewhere.

interface Entry {
  method: string;
  path: string;
  operation: ApiOperation;
}

function entriesByTag(document: ApiDocument): Map<string, Entry[]> {
  const byTag = new Map<string, Entry[]>((document.tags ?? []).map((tag) => [tag.name, []]));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, operation }]);
    }
  }
  return byTag;
}

export function ApiReference({ document }: { document: ApiDocument }) {
  const byTag = entriesByTag(document);
  const descriptions = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
  const schemas = Object.entries(document.components?.schemas ?? {});
  return (
    <div className="grid gap-8 lg:grid-cols-[14rem_1fr]">
      <nav
        aria-label="Operations"
        className="text-sm wrap-anywhere lg:sticky lg:top-4 lg:self-start"
      >
        {[...byTag].map(([tag, entries]) => (
          <div key={tag} className="mb-3">
            <a href={`#tag-${tag}`} className="font-semibold">
              {tag}
            </a>
            <ul className="ml-2 mt-1 space-y-0.5">
              {entries.map(({ method, path, operation }) => (
                <li key={operation.operationId}>
                  <a href={`#${operation.operationId}`} className="text-blue-700 hover:underline">
                    <span className="font-mono text-xs uppercase">{method}</span> {path}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
        <a href="#schemas" className="font-semibold">
          Schemas
        </a>
      </nav>
      <div className="min-w-0 space-y-10">
        {[...byTag].map(([tag, entries]) => (
          <section key={tag} id={`tag-${tag}`} aria-labelledby={`tag-${tag}-title`}>
            <h2 id={`tag-${tag}-title`} className="text-xl font-semibold">
              {tag}
            </h2>
            {descriptions.get(tag) ? (
              <p className="text-sm text-slate-600">{descriptions.get(tag)}</p>
            ) : null}
            <div className="mt-4 space-y-4">
              {entries.map((entry) => (
                <OperationView key={entry.operation.operationId} {...entry} />
              ))}
            </div>
          </section>
        ))}
        <section id="schemas" aria-labelledby="schemas-title">
          <h2 id="schemas-title" className="text-xl font-semibold">
            Schemas
          </h2>
          <div className="mt-4 space-y-4">
            {schemas.map(([name, schema]) => (
              <div
                key={name}
                id={schemaAnchor(name)}
                className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-5"
              >
                <h3 className="font-mono font-semibold">{name}</h3>
                <SchemaView schema={schema} />
              </div>
            ))}
          </div>
        </section>
      </div>
    </div>
  );
}
