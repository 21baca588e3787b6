import ssh2 from 'ssh2';

/** "ssh-ed25519" (4 + 11 bytes) and a 32-byte public key (4 + 32 bytes). */
const ed25519BlobLength = 51;

/**
 * An Ed25519 key pair in OpenSSH formats. ssh2 1.17's converter strips every leading zero byte
 * of the public key, so about one key in 256 comes out 31 bytes long: OpenSSH then refuses the
 * private key ("error in libcrypto") and ssh2 its own host key. Such a pair is thrown away.
 */
export function ed25519KeyPair(comment?: string): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync(
      'ed25519',
      comment === undefined ? undefined : { comment },
    );
    const blob = Buffer.from(pair.public.split(' ')[1] ?? '', 'base64');
    if (blob.length === ed25519BlobLength) return pair;
  }
}
