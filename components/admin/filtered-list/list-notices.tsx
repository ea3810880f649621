import Link from 'next/link';

const linkClass = 'font-medium text-blue-700 hover:underline';

/** Why the list's URL cannot be shown (a bad filter, a tampered cursor), and a way out. */
export function FilterProblem({
  title,
  problems = [],
  clearHref,
  clearText,
}: {
  title: string;
  problems?: readonly string[];
  clearHref: string;
  clearText: string;
}) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
      <p className="font-medium">{title}</p>
      {problems.length > 0 ? (
        <ul className="mt-1 list-inside list-disc text-sm">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      <Link href={clearHref} className="mt-2 inline-block text-sm font-medium underline">
        {clearText}
      </Link>
    </div>
  );
}

/** Back to the newest page (once past it) and on to older ones (while there are more). */
export function PageLinks({
  firstHref,
  firstText,
  nextHref,
  nextText,
}: {
  /** Null on the first page. */
  firstHref: string | null;
  firstText: string;
  /** Null on the last page. */
  nextHref: string | null;
  nextText: string;
}) {
  return (
    <nav aria-label="Pages" className="mt-3 flex justify-between text-sm">
      {firstHref ? (
        <Link href={firstHref} className={linkClass}>
          {firstText}
        </Link>
      ) : (
        <span />
      )}
      {nextHref ? (
        <Link href={nextHref} className={linkClass}>
          {nextText}
        </Link>
      ) : null}
    </nav>
  );
}
