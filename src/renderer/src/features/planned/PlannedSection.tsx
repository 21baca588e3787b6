import { sectionById, type SectionId } from '../../app/sections';
import { EmptyState } from '../../components/EmptyState';
import { QueryButton } from '../inventory/QueryButton';

/** Sections whose content arrives with later features still say what they will hold. */
const next: Partial<Record<SectionId, string>> = {
  inventory: 'Add a Foreman, Proxmox VE, PatchMon or RouterOS profile, then sync to fill it.',
  terminals: 'Open a session from an SSH profile or from any asset in the inventory.',
  patches:
    'Until the fleet-wide patch view arrives, the inventory shows each asset’s updates, security updates and reboot flag from its last PatchMon sync:',
  enroll: 'Wizards need a Proxmox VE profile and, for enrollment, a PatchMon admin login.',
  profiles: 'Profiles are stored encrypted in this installation’s vault.',
};

const titles: Partial<Record<SectionId, string>> = {
  patches: 'Patch status is in the inventory',
  enroll: 'No enrollment wizards yet',
};

/** Inventory searches that stand in for a section until it exists. */
const shortcuts: Partial<Record<SectionId, { label: string; query: string }[]>> = {
  patches: [
    { label: 'Pending updates', query: 'updates>0' },
    { label: 'Security updates', query: 'security>0' },
    { label: 'Reboot needed', query: 'reboot:yes' },
  ],
};

export function PlannedSection(props: { id: SectionId }) {
  const section = sectionById(props.id);
  const links = shortcuts[props.id] ?? [];
  return (
    <>
      <h1 className="sr-only">{section.label}</h1>
      <EmptyState
        icon={section.icon}
        title={titles[props.id] ?? `No ${section.label.toLowerCase()} yet`}
        testId={`empty-${props.id}`}
      >
        <p>{section.summary}</p>
        {next[props.id] ? <p className="muted">{next[props.id]}</p> : null}
        {links.length > 0 ? (
          <div className="empty-actions">
            {links.map((link) => (
              <QueryButton key={link.query} query={link.query} className="button" openInventory>
                {link.label} <code>{link.query}</code>
              </QueryButton>
            ))}
          </div>
        ) : null}
      </EmptyState>
    </>
  );
}
