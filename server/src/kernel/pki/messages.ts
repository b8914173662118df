/**
 * Indications and sub-indications as ETSI EN 319 102-1 and EU DSS name them,
 * with the sentence a clerk reads (Vietnamese first).
 */
export type Indication = 'TOTAL_PASSED' | 'INDETERMINATE' | 'TOTAL_FAILED';

export type SubIndication =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'REVOKED_NO_POE'
  | 'REVOKED_CA_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'NO_POE'
  | 'TRY_LATER';

export interface Message {
  vi: string;
  en: string;
}

export const INDICATION_TEXT: Record<Indication, Message> = {
  TOTAL_PASSED: { vi: 'Chữ ký hợp lệ', en: 'The signature is valid' },
  INDETERMINATE: { vi: 'Chưa xác định được tính hợp lệ của chữ ký', en: 'The signature could not be confirmed valid or invalid' },
  TOTAL_FAILED: { vi: 'Chữ ký không hợp lệ', en: 'The signature is invalid' },
};

export const SUB_INDICATION_TEXT: Record<SubIndication, Message> = {
  FORMAT_FAILURE: { vi: 'Chữ ký hoặc tài liệu không đúng định dạng, hoặc nội dung trang đã bị thay đổi sau khi ký', en: 'The signature or document is malformed, or page content changed after signing' },
  HASH_FAILURE: { vi: 'Nội dung tài liệu đã bị thay đổi sau khi ký (giá trị băm không khớp)', en: 'The document content was changed after signing (digest mismatch)' },
  SIG_CRYPTO_FAILURE: { vi: 'Giá trị chữ ký không khớp với khóa công khai của chứng thư số', en: 'The signature value does not verify with the certificate\'s public key' },
  REVOKED: { vi: 'Chứng thư số của người ký đã bị thu hồi trước thời điểm ký', en: 'The signer\'s certificate was revoked before the signing time' },
  EXPIRED: { vi: 'Chữ ký được tạo sau khi chứng thư số đã hết hạn', en: 'The signature was created after the certificate expired' },
  NOT_YET_VALID: { vi: 'Chữ ký được tạo trước khi chứng thư số có hiệu lực', en: 'The signature was created before the certificate became valid' },
  NO_SIGNING_CERTIFICATE_FOUND: { vi: 'Không tìm thấy chứng thư số của người ký, hoặc chứng thư không khớp với chữ ký', en: 'The signing certificate is missing or does not match the signature' },
  NO_CERTIFICATE_CHAIN_FOUND: { vi: 'Chứng thư số không dẫn tới một tổ chức chứng thực gốc được tin cậy', en: 'The certificate does not chain to a trusted root' },
  REVOKED_NO_POE: { vi: 'Chứng thư số đã bị thu hồi và không có bằng chứng (dấu thời gian) rằng chữ ký được tạo trước khi thu hồi', en: 'The certificate is revoked and there is no proof (timestamp) that the signature predates the revocation' },
  REVOKED_CA_NO_POE: { vi: 'Chứng thư của tổ chức chứng thực trung gian đã bị thu hồi', en: 'An intermediate CA certificate is revoked' },
  OUT_OF_BOUNDS_NO_POE: { vi: 'Chứng thư số đã hết hạn và không có bằng chứng (dấu thời gian) rằng chữ ký được tạo khi chứng thư còn hiệu lực', en: 'The certificate has expired and there is no proof (timestamp) that the signature was made while it was valid' },
  NO_POE: { vi: 'Không có bằng chứng về thời điểm tồn tại của chữ ký', en: 'There is no proof of existence of the signature' },
  TRY_LATER: { vi: 'Không có thông tin thu hồi (CRL) cho chứng thư số; hãy cung cấp CRL hoặc kiểm tra lại sau', en: 'No revocation information (CRL) for the certificate; supply a CRL or try later' },
};
