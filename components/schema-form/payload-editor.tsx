'use client';

import { ClientButton } from '../client-button';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { buildFormModel, errorKeyOf, listFields } from '@/lib/schema-form/field-model';
import { listPayloadErrors, placeErrors } from '@/lib/schema-form/field-errors';
import {
  buildPayload,
  toFieldValues,
  type FieldValue,
  type FieldValues,
} from '@/lib/schema-form/field-values';
import type { JsonSchema, Payload } from '@/lib/schema-form/json-schema';
import { formatPayloadJson, parsePayloadJson } from '@/lib/schema-form/payload-json';
import { inputClass } from '../styles';
import { FieldList, fieldIdOf } from './schema-fields';

// A task type's payload as a form built from its JSON Schema, or as JSON. Used by "Run a task"
// and the schedule form. Controlled: `value` is the payload; what the inputs hold in between
// (a half-typed number) stays here, and a new `value` from outside replaces it.

export interface PayloadEditorProps {
  jsonSchema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  /** Field errors by path, as the server names them: `payload.steps`. Other keys are ignored. */
  errors?: Record<string, string>;
  /** Makes the inputs' ids unique on the page. */
  idPrefix: string;
  disabled?: boolean;
}

interface Draft {
  schema: JsonSchema;
  /** The payload last received or sent: a `value` that differs came from outside. */
  payload: Payload;
  values: FieldValues;
  /** What the inputs hold that is no valid value, by error key. */
  problems: Record<string, string>;
  /** The JSON view's text and its parse error; null while the fields show. */
  json: { text: string; error: string | null } | null;
}

const NO_ERRORS: Record<string, string> = {};

const samePayload = (a: Payload, b: Payload) => a === b || JSON.stringify(a) === JSON.stringify(b);

const linkButtonClass =
  'text-sm font-medium text-blue-700 hover:underline disabled:cursor-not-allowed disabled:text-slate-400 disabled:no-underline';

export function PayloadEditor({
  jsonSchema,
  value,
  onChange,
  errors = NO_ERRORS,
  idPrefix,
  disabled = false,
}: PayloadEditorProps) {
  const model = useMemo(() => buildFormModel(jsonSchema), [jsonSchema]);
  const jsonOnly = model.mode === 'json';
  const [draft, setDraft] = useState<Draft>(() => ({
    schema: jsonSchema,
    payload: value,
    values: toFieldValues(model.fields, value),
    problems: {},
    json: jsonOnly ? { text: formatPayloadJson(value), error: null } : null,
  }));
  // A new type or a payload set from outside (a reset, an edit loaded): start from it.
  if (draft.schema !== jsonSchema || !samePayload(draft.payload, value)) {
    setDraft({
      schema: jsonSchema,
      payload: value,
      values: toFieldValues(model.fields, value),
      problems: {},
      json: jsonOnly || draft.json ? { text: formatPayloadJson(value), error: null } : null,
    });
  }

  const containerRef = useRef<HTMLDivElement>(null);
  const jsonId = `${idPrefix}-json`;
  const toggleId = useId();
  const shown = { ...errors, ...draft.problems };
  const placed = placeErrors(model.fields, shown);

  // Inputs holding no valid value block a form that validates natively, and let a form that
  // does not (noValidate) find them through `validity.customError`.
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    for (const field of listFields(model.fields)) {
      const element = container.querySelector<HTMLInputElement>(
        `#${CSS.escape(fieldIdOf(idPrefix, field.path))}`,
      );
      element?.setCustomValidity?.(draft.problems[errorKeyOf(field.path)] ?? '');
    }
    const jsonArea = container.querySelector<HTMLTextAreaElement>(`#${CSS.escape(jsonId)}`);
    jsonArea?.setCustomValidity(draft.json?.error ?? '');
  });

  function changeField(key: string, fieldValue: FieldValue) {
    const values = { ...draft.values, [key]: fieldValue };
    const built = buildPayload(model.fields, values);
    setDraft({ ...draft, values, problems: built.problems, payload: built.payload });
    onChange(built.payload);
  }

  function changeJson(text: string) {
    const parsed = parsePayloadJson(text);
    if (!parsed.ok) {
      setDraft({ ...draft, json: { text, error: parsed.error } });
      return;
    }
    setDraft({ ...draft, json: { text, error: null }, payload: parsed.payload, problems: {} });
    onChange(parsed.payload);
  }

  function showJson() {
    setDraft({ ...draft, json: { text: formatPayloadJson(draft.payload), error: null } });
  }

  function showFields() {
    setDraft({ ...draft, values: toFieldValues(model.fields, draft.payload), json: null });
  }

  if (model.mode === 'fields' && model.fields.length === 0) {
    return <p className="text-sm text-slate-600">This task type takes no settings.</p>;
  }

  return (
    <div ref={containerRef} className="space-y-3">
      {draft.json ? (
        <JsonView
          id={jsonId}
          text={draft.json.text}
          parseError={draft.json.error}
          errors={listPayloadErrors(errors)}
          disabled={disabled}
          onChange={changeJson}
        />
      ) : (
        <>
          {placed.other.length > 0 ? (
            <ErrorList id={`${idPrefix}-errors`} lines={placed.other} />
          ) : null}
          <FieldList
            fields={model.fields}
            values={draft.values}
            errors={placed.byField}
            idPrefix={idPrefix}
            disabled={disabled}
            onChange={changeField}
          />
        </>
      )}
      {jsonOnly ? null : (
        <div className="flex items-center gap-3">
          <ClientButton
            id={toggleId}
            type="button"
            className={linkButtonClass}
            disabled={disabled || Boolean(draft.json?.error)}
            aria-pressed={draft.json !== null}
            onClick={draft.json ? showFields : showJson}
          >
            {draft.json ? 'Back to the fields' : 'Edit as JSON'}
          </ClientButton>
          {draft.json?.error ? (
            <span className="text-xs text-slate-600">Fix the JSON to go back to the fields.</span>
          ) : null}
        </div>
      )}
    </div>
  );
}

function ErrorList({ id, lines }: { id: string; lines: string[] }) {
  return (
    <ul id={id} className="space-y-0.5 rounded-md bg-red-50 px-3 py-2 text-xs text-red-800">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

function JsonView({
  id,
  text,
  parseError,
  errors,
  disabled,
  onChange,
}: {
  id: string;
  text: string;
  parseError: string | null;
  /** The server's payload errors: no field shows them here. */
  errors: string[];
  disabled: boolean;
  onChange: (text: string) => void;
}) {
  const parseErrorId = `${id}-parse-error`;
  const errorsId = `${id}-errors`;
  const describedBy =
    [parseError ? parseErrorId : null, errors.length > 0 ? errorsId : null]
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Payload JSON
      </label>
      <textarea
        id={id}
        rows={Math.min(20, Math.max(4, text.split('\n').length + 1))}
        spellCheck={false}
        value={text}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={parseError || errors.length > 0 ? true : undefined}
        aria-describedby={describedBy}
        className={`${inputClass} font-mono`}
      />
      {parseError ? (
        <span id={parseErrorId} role="alert" className="mt-1 block text-xs text-red-700">
          {parseError}
        </span>
      ) : null}
      {errors.length > 0 ? <ErrorList id={errorsId} lines={errors} /> : null}
    </div>
  );
}
