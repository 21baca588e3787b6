import { ShieldAlert } from 'lucide-react';
import { useFormContext, useWatch } from 'react-hook-form';
import { FormField, fieldProps } from './FormField';
import type { ProfileFormValues } from './profile-form-model';

/** Certificate checks for the HTTPS and TLS kinds: verify (default), a CA file, a pin, or off. */
export function TlsFields() {
  const { register, formState } = useFormContext<ProfileFormValues>();
  const insecure = useWatch<ProfileFormValues, 'connection.tls.insecure'>({
    name: 'connection.tls.insecure',
  });
  const errors = formState.errors.connection?.tls;
  return (
    <section className="panel" data-testid="pf-tls">
      <h2>TLS</h2>
      <p className="field-help tls-mode" data-testid="pf-tls-mode">
        {insecure
          ? 'Certificates are not checked.'
          : 'Certificates are verified against the system CAs, the CA file below, or the pinned fingerprint.'}
      </p>
      <FormField
        id="pf-connection-tls-caFile"
        label="CA file"
        error={errors?.caFile}
        help="PEM bundle of a private CA, as a path on this machine."
      >
        <input
          className="input wide"
          {...fieldProps('pf-connection-tls-caFile', errors?.caFile)}
          {...register('connection.tls.caFile')}
          spellCheck={false}
        />
      </FormField>
      <FormField
        id="pf-connection-tls-pinnedSha256"
        label="Pinned SHA-256"
        error={errors?.pinnedSha256}
        help="Accept exactly this certificate — the usual answer for a self-signed one. Probe the profile to see it."
      >
        <input
          className="input wide mono"
          {...fieldProps('pf-connection-tls-pinnedSha256', errors?.pinnedSha256)}
          {...register('connection.tls.pinnedSha256')}
          spellCheck={false}
          placeholder="AB:CD:…"
        />
      </FormField>
      <FormField id="pf-connection-tls-insecure" label="Skip verification" error={errors?.insecure}>
        <label className="switch">
          <input
            type="checkbox"
            {...fieldProps('pf-connection-tls-insecure', errors?.insecure)}
            {...register('connection.tls.insecure')}
          />
          <span>Insecure: accept any certificate</span>
        </label>
      </FormField>
      {insecure ? (
        <div className="inline-warning" role="note" data-testid="pf-insecure-warning">
          <ShieldAlert size={14} aria-hidden />
          <span>
            TLS verification is off. Anyone on the network path can impersonate this server and read
            the credentials sent to it. Prefer pinning the certificate.
          </span>
        </div>
      ) : null}
    </section>
  );
}
