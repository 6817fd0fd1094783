/** Self-signed certificates for HTTPS fakes on loopback, made by the system's `openssl`. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDirectory } from './processes.js';

export interface Certificate {
  /** PEM. */
  cert: string;
  key: string;
  /**
   * The certificate's file, for a child process to trust through `NODE_EXTRA_CA_CERTS`: the client
   * under test verifies the fake as it would a real provider, with nothing turned off.
   */
  certFile: string;
  /** The key's file, for an HTTPS fake in a child process. */
  keyFile: string;
}

/** A fresh key and a one-day certificate for 127.0.0.1, in a directory removed when the run ends. */
export function selfSignedCertificate(): Certificate {
  const directory = scratchDirectory();
  const certFile = join(directory, 'cert.pem');
  const keyFile = join(directory, 'key.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
    ],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}
