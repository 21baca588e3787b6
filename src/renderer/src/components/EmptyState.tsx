import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';

export function EmptyState(props: {
  icon: LucideIcon;
  title: string;
  children: ReactNode;
  testId?: string;
}) {
  const Icon = props.icon;
  return (
    <div className="empty" data-testid={props.testId}>
      <Icon size={28} strokeWidth={1.5} aria-hidden />
      <h2>{props.title}</h2>
      <div className="empty-body">{props.children}</div>
    </div>
  );
}
