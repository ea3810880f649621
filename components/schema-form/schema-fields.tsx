'use client';

import { errorKeyOf, type FormField } from '@/lib/schema-form/field-model';
import { fieldKeyOf, type FieldValue, type FieldValues } from '@/lib/schema-form/field-values';
import { inputClass } from '../styles';

// One input per field of the model, each with its own <label>, help text and error message.

export interface FieldListProps {
  fields: readonly FormField[];
  values: FieldValues;
  /** Server and conversion errors, by error key (`payload.steps`). */
  errors: Readonly<Record<string, string>>;
  idPrefix: string;
  disabled: boolean;
  onChange: (key: string, value: FieldValue) => void;
}

const labelClass = 'block text-sm font-medium text-slate-700';
const helpClass = 'mt-1 block text-xs text-slate-600';
const errorClass = 'mt-1 block text-xs text-red-700';

/** An element id from the field's path: keys may hold characters ids should not. */
export function fieldIdOf(idPrefix: string, path: readonly string[]): string {
  return `${idPrefix}-${path.map((key) => key.replace(/[^A-Za-z0-9_-]/g, '_')).join('-')}`;
}

export function FieldList(props: FieldListProps) {
  return (
    <div className="space-y-4">
      {props.fields.map((field) => (
        <SchemaField key={fieldKeyOf(field)} {...props} field={field} />
      ))}
    </div>
  );
}

interface Described {
  id: string;
  helpId?: string;
  errorId?: string;
  error?: string;
  describedBy?: string;
}

function describe(field: FormField, idPrefix: string, error: string | undefined): Described {
  const id = fieldIdOf(idPrefix, field.path);
  const helpId = field.description || field.hint ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  return { id, helpId, errorId, error, describedBy };
}

function Help({ field, described }: { field: FormField; described: Described }) {
  if (!described.helpId) return null;
  return (
    <span id={described.helpId} className={helpClass}>
      {[field.description, field.hint].filter(Boolean).join(' ')}
    </span>
  );
}

function ErrorText({ described }: { described: Described }) {
  if (!described.errorId) return null;
  return (
    <span id={described.errorId} className={errorClass}>
      {described.error}
    </span>
  );
}

/** Shown after the label: required fields are marked, for sighted users only (aria-required). */
function RequiredMark({ field }: { field: FormField }) {
  return field.required ? (
    <span aria-hidden="true" className="ml-0.5 text-red-700">
      *
    </span>
  ) : null;
}

function SchemaField(props: FieldListProps & { field: FormField }) {
  const { field, values, errors, idPrefix, disabled, onChange } = props;
  const key = fieldKeyOf(field);
  const described = describe(field, idPrefix, errors[errorKeyOf(field.path)]);
  const raw = values[key];
  const text = typeof raw === 'string' ? raw : '';
  const common = {
    id: described.id,
    name: key,
    disabled,
    'aria-describedby': described.describedBy,
    'aria-invalid': described.error ? true : undefined,
    'aria-required': field.required || undefined,
  } as const;

  switch (field.kind) {
    case 'fieldset':
      return (
        <fieldset
          className="rounded-md border border-slate-200 p-3"
          aria-describedby={described.describedBy}
        >
          <legend className="px-1 text-sm font-semibold text-slate-800">
            {field.label}
            <RequiredMark field={field} />
          </legend>
          <Help field={field} described={described} />
          <ErrorText described={described} />
          <div className="mt-2">
            <FieldList {...props} fields={field.fields} />
          </div>
        </fieldset>
      );
    case 'checkbox':
      return (
        <div>
          <div className="flex items-center gap-2">
            <input
              {...common}
              type="checkbox"
              checked={raw === true}
              onChange={(event) => onChange(key, event.target.checked)}
              className="h-4 w-4 rounded border-slate-300"
            />
            <label htmlFor={described.id} className={labelClass}>
              {field.label}
            </label>
          </div>
          <Help field={field} described={described} />
          <ErrorText described={described} />
        </div>
      );
    case 'checkboxes': {
      const chosen = Array.isArray(raw) ? raw : [];
      return (
        <fieldset aria-describedby={described.describedBy}>
          <legend className={labelClass}>
            {field.label}
            <RequiredMark field={field} />
          </legend>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
            {field.options.map((option) => {
              const optionId = `${described.id}-${option.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
              return (
                <div key={option.key} className="flex items-center gap-1.5">
                  <input
                    id={optionId}
                    type="checkbox"
                    name={key}
                    value={option.key}
                    disabled={disabled}
                    aria-invalid={described.error ? true : undefined}
                    checked={chosen.includes(option.key)}
                    onChange={(event) =>
                      onChange(
                        key,
                        event.target.checked
                          ? [...chosen, option.key]
                          : chosen.filter((item) => item !== option.key),
                      )
                    }
                    className="h-4 w-4 rounded border-slate-300"
                  />
                  <label htmlFor={optionId} className="text-sm text-slate-700">
                    {option.label}
                  </label>
                </div>
              );
            })}
          </div>
          <Help field={field} described={described} />
          <ErrorText described={described} />
        </fieldset>
      );
    }
    default:
      return (
        <div>
          <label htmlFor={described.id} className={labelClass}>
            {field.label}
            <RequiredMark field={field} />
          </label>
          <ValueInput field={field} text={text} common={common} onChange={onChange} />
          <Help field={field} described={described} />
          <ErrorText described={described} />
        </div>
      );
  }
}

type CommonProps = {
  id: string;
  name: string;
  disabled: boolean;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
  'aria-required': true | undefined;
};

/** Inputs whose value is a string: text of any kind, numbers, selects, JSON. */
function ValueInput({
  field,
  text,
  common,
  onChange,
}: {
  field: FormField;
  text: string;
  common: CommonProps;
  onChange: (key: string, value: FieldValue) => void;
}) {
  const change = (event: { target: { value: string } }) =>
    onChange(common.name, event.target.value);
  switch (field.kind) {
    case 'number':
      return (
        <input
          {...common}
          type="number"
          inputMode={field.integer ? 'numeric' : 'decimal'}
          min={field.min}
          max={field.max}
          step={field.step}
          value={text}
          placeholder={field.defaultValue !== undefined ? String(field.defaultValue) : undefined}
          onChange={change}
          className={inputClass}
        />
      );
    case 'select':
      return (
        <select {...common} value={text} onChange={change} className={inputClass}>
          <option value="">{emptyOptionLabel(field)}</option>
          {field.options.map((option) => (
            <option key={option.key} value={option.key}>
              {option.label}
            </option>
          ))}
        </select>
      );
    case 'text':
      if (field.input === 'textarea') {
        return (
          <textarea
            {...common}
            rows={4}
            maxLength={field.maxLength}
            value={text}
            onChange={change}
            className={inputClass}
          />
        );
      }
      return (
        <input
          {...common}
          type={field.input}
          maxLength={field.maxLength}
          value={text}
          placeholder={field.defaultValue}
          onChange={change}
          className={inputClass}
        />
      );
    case 'json':
      return (
        <textarea
          {...common}
          rows={3}
          spellCheck={false}
          value={text}
          onChange={change}
          className={`${inputClass} font-mono`}
        />
      );
    default:
      return null;
  }
}

function emptyOptionLabel(field: Extract<FormField, { kind: 'select' }>): string {
  if (field.defaultValue !== undefined) {
    const option = field.options.find((candidate) => candidate.value === field.defaultValue);
    return `Default (${option?.label ?? JSON.stringify(field.defaultValue)})`;
  }
  return field.required ? 'Choose…' : 'Not set';
}
