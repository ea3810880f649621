/** A failed action's message, as every control shows it: an alert next to what was clicked. */
export function ActionError({
  message,
  className = 'text-sm text-red-700',
  as: Tag = 'p',
  testId,
}: {
  message: string | null | undefined;
  className?: string;
  /** `span` where a paragraph cannot go (inside inline content). */
  as?: 'p' | 'span';
  testId?: string;
}) {
  if (!message) return null;
  return (
    <Tag role="alert" data-testid={testId} className={className}>
      {message}
    </Tag>
  );
}
