'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { FormEvent, InputHTMLAttributes, ReactNode } from 'react';
import { inputClass, primaryButtonClass } from '../../styles';
import { hasAnyParam, listHref, type ListParams } from './list-params';

const labelClass = 'block text-sm font-medium text-slate-700';

/**
 * A list's filters as a GET form: submitting navigates to a URL holding them (blank ones left
 * out, back to the first page), so a filtered view is a link. Works as a plain form before the
 * page's script loads. Clear shows once a filter or a later page is in the URL.
 */
export function FilterForm({
  path,
  params,
  filterNames,
  label,
  submitText,
  className,
  children,
}: {
  path: string;
  params: ListParams;
  filterNames: readonly string[];
  label: string;
  submitText: string;
  className: string;
  children: ReactNode;
}) {
  const router = useRouter();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: ListParams = {};
    for (const [name, value] of new FormData(event.currentTarget)) {
      if (typeof value === 'string' && value.trim() !== '') next[name] = value.trim();
    }
    router.push(listHref(path, next));
  }

  return (
    <form
      // Remounts with the URL, so the fields show the filters of the page being looked at.
      key={listHref(path, params)}
      method="get"
      action={path}
      onSubmit={submit}
      aria-label={label}
      className={`mb-6 grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm ${className}`}
    >
      {children}
      <div className="flex items-end gap-2">
        <button type="submit" className={primaryButtonClass}>
          {submitText}
        </button>
        {hasAnyParam(params, filterNames) || params.cursor ? (
          <Link
            href={path}
            className="rounded-md px-2 py-2 text-sm font-medium text-slate-600 hover:text-slate-900"
          >
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}

/** A labelled select with an "any" choice first, then the options (and any groups given). */
export function FilterSelect({
  label,
  name,
  value,
  anyText,
  options = [],
  children,
}: {
  label: string;
  name: string;
  value: string | undefined;
  anyText: string;
  options?: ReadonlyArray<{ value: string; label: string }>;
  children?: ReactNode;
}) {
  return (
    <label className={labelClass}>
      {label}
      <select name={name} defaultValue={value ?? ''} className={inputClass}>
        <option value="">{anyText}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
        {children}
      </select>
    </label>
  );
}

/** A labelled text, search or date field. */
export function FilterInput({
  label,
  ...input
}: { label: string; name: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className={labelClass}>
      {label}
      <input {...input} className={inputClass} />
    </label>
  );
}
