import {
  Layers,
  Router,
  Server,
  ShieldCheck,
  ShieldAlert,
  SquareTerminal,
  type LucideIcon,
} from 'lucide-react';
import type { ProfileKind } from '../../../../shared/profiles';
import { kindLabels } from './profile-form-model';

const kindIcons: Record<ProfileKind, LucideIcon> = {
  foreman: Server,
  proxmox: Layers,
  patchmon: ShieldCheck,
  routeros: Router,
  ssh: SquareTerminal,
};

export function KindIcon(props: { kind: ProfileKind; size?: number }) {
  const Icon = kindIcons[props.kind];
  return (
    <Icon
      className={`kind-icon kind-${props.kind}`}
      size={props.size ?? 15}
      aria-label={kindLabels[props.kind]}
      role="img"
    />
  );
}

/** Shown wherever a profile with TLS verification switched off appears. */
export function InsecureBadge() {
  return (
    <span
      className="badge badge-warn"
      data-testid="insecure-badge"
      title="TLS verification is off for this profile"
    >
      <ShieldAlert size={12} aria-hidden />
      insecure
    </span>
  );
}

export function TagList(props: { tags: readonly string[] }) {
  if (props.tags.length === 0) return null;
  return (
    <span className="tag-list">
      {props.tags.map((tag) => (
        <span key={tag} className="tag">
          {tag}
        </span>
      ))}
    </span>
  );
}
