import { refName, schemaAnchor, type JsonSchema } from './openapi-types';

// A JSON Schema drawn as nested lists: each property with its type, whether it is required, its
// limits and its description; a reference links to the component's own entry on the page.

function typeLabel(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  if (type === 'array' && schema.items) return 'array';
  return [type ?? 'any', schema.format ? `(${schema.format})` : ''].filter(Boolean).join(' ');
}

function limits(schema: JsonSchema): string[] {
  const facts: string[] = [];
  if (schema.minLength !== undefined) facts.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) facts.push(`max length ${schema.maxLength}`);
  if (schema.minimum !== undefined) facts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) facts.push(`≤ ${schema.maximum}`);
  if (schema.pattern !== undefined) facts.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) facts.push(`default ${JSON.stringify(schema.default)}`);
  return facts;
}

function Ref({ target }: { target: string }) {
  const name = refName(target);
  return (
    <a href={`#${schemaAnchor(name)}`} className="font-mono text-blue-700 underline">
      {name}
    </a>
  );
}

export function SchemaView({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  if (schema.$ref) return <Ref target={schema.$ref} />;
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (variants) {
    const joiner = schema.allOf ? 'all of' : 'one of';
    return (
      <div>
        <span className="text-slate-500">{joiner}:</span>
        <ul className="ml-4 list-disc">
          {variants.map((variant, index) => (
            <li key={index}>
              <SchemaView schema={variant} depth={depth + 1} />
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const facts = limits(schema);
  return (
    <div>
      <span className="font-mono text-xs text-violet-800">{typeLabel(schema)}</span>
      {facts.length > 0 ? (
        <span className="ml-2 text-xs text-slate-500">{facts.join(', ')}</span>
      ) : null}
      {schema.description && depth === 0 ? (
        <p className="text-sm text-slate-600">{schema.description}</p>
      ) : null}
      {schema.type === 'array' && schema.items ? (
        <div className="ml-4">
          <span className="text-xs text-slate-500">of </span>
          <SchemaView schema={schema.items} depth={depth + 1} />
        </div>
      ) : null}
      {schema.properties ? (
        <ul className="ml-4 mt-1 space-y-1 border-l border-slate-200 pl-3">
          {Object.entries(schema.properties).map(([name, property]) => (
            <li key={name} className="text-sm">
              <code className="font-mono font-medium">{name}</code>
              {schema.required?.includes(name) ? (
                <span className="ml-1 text-xs text-red-700">required</span>
              ) : null}{' '}
              <SchemaView schema={property} depth={depth + 1} />
              {property.description ? (
                <p className="text-xs text-slate-500">{property.description}</p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
