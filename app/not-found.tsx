import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-10 text-center shadow-sm">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-1 text-sm text-slate-600">
        This page does not exist, or you do not have access to it.
      </p>
      <Link
        href="/"
        className="mt-4 inline-block text-sm font-medium text-blue-700 hover:underline"
      >
        Back to your tasks
      </Link>
    </div>
  );
}
