/**
 * kernel/pki: PAdES signing and signature validation for the platform's PDFs.
 * Stateless: keys, certificates, trust roots and CRLs are passed in. See
 * docs/pki.md for operators.
 */
export { createDevCa, issueCertificate, certifyPublicKey, issueCrl, exportP12, type DevCa, type IssuedKey, type CertKind, type IssueOptions, type Revocation } from './dev-ca.js';
export { createDevTsa, serveTsa, HttpTimestampAuthority, type TimestampAuthority, type DevTsa } from './tsa.js';
export { loadP12, localSigner, signerFromPkcs8, checkSigningCertificate, type RemoteSigner } from './keys.js';
export { openPkcs11Signer, pkcs11GenerateRsaKey, pkcs11StoreCertificate, parsePkcs11Spec, type Pkcs11KeyRef, type Pkcs11Signer } from './pkcs11.js';
export { openCscSigner, serveCscService, type CscClientOptions, type CscCredential, type CscService } from './remote.js';
export { signPdf, decree30TextLines, sealPlacementOver, type SignPdfOptions, type SignPdfResult, type PadesLevel, type Placement } from './sign.js';
export type { Appearance } from './appearance.js';
export { demoSealPng, demoSignaturePng, sealSvg, signatureSvg } from './demo-images.js';
export { validatePdf, type ValidateOptions, type ValidationReport, type SignatureReport, type CertInfo } from './validate.js';
export { INDICATION_TEXT, SUB_INDICATION_TEXT, type Indication, type SubIndication, type Message } from './messages.js';
export { openForSigning, findActiveContent, MAX_PDF_BYTES } from './inspect.js';
export { toPem, fromPemOrDer } from './util.js';
