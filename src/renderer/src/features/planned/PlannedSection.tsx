import { sectionById, type SectionId } from '../../app/sections';
import { EmptyState } from '../../components/EmptyState';

/** Sections whose content arrives with later features still say what they will hold. */
const next: Partial<Record<SectionId, string>> = {
  inventory: 'Add a Foreman, Proxmox VE, PatchMon or RouterOS profile, then sync to fill it.',
  terminals: 'Open a session from an SSH profile or from any asset in the inventory.',
  patches: 'Patch status appears once a PatchMon profile has been synced.',
  enroll: 'Wizards need a Proxmox VE profile and, for enrollment, a PatchMon admin login.',
  profiles: 'Profiles are stored encrypted in this installation’s vault.',
};

export function PlannedSection(props: { id: SectionId }) {
  const section = sectionById(props.id);
  return (
    <EmptyState
      icon={section.icon}
      title={`No ${section.label.toLowerCase()} yet`}
      testId={`empty-${props.id}`}
    >
      <p>{section.summary}</p>
      {next[props.id] ? <p className="muted">{next[props.id]}</p> : null}
    </EmptyState>
  );
}
