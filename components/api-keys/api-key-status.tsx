import type { ApiKeyView } from '@/lib/auth/api-key-view';

const STYLES: Record<ApiKeyView['status'], string> = {
  active: 'bg-emerald-100 text-emerald-800',
  expired: 'bg-amber-100 text-amber-800',
  revoked: 'bg-slate-200 text-slate-700',
};

export function ApiKeyStatus({ status }: { status: ApiKeyView['status'] }) {
  return (
    <span
      data-testid="api-key-status"
      className={`rounded-full px-2 py-0.5 text-xs font-semibold ${STYLES[status]}`}
    >
      {status}
    </span>
  );
}
