import type { Kernel } from '../../kernel/index.js';
import type { CaseActionView } from '../../kernel/workflow/index.js';
import { getAgency } from '../org/index.js';
import * as repo from './dossier.repo.js';
import type { AttachedFile, DossierRow } from './dossier.repo.js';
import * as catalogue from './catalogue.repo.js';
import { fileLink } from './national.files.js';
import { DOSSIER_TYPE, type DossierState, dossierCaseType } from './dossier.workflow.js';
import * as nrepo from './national.repo.js';

/**
 * Outbound half of the national portal adapter (docs/national-portal.md):
 * every action on a dossier is an outbox event; its handler posts the
 * dossier's status, in the national portal's field names, to
 * NATIONAL_SYNC_URL. A failed or slow call throws, so the outbox retries with
 * backoff until the portal acknowledges.
 *
 * Order per dossier: each handler sends every version the portal has not
 * acknowledged yet, oldest first, up to its own event's version, rebuilding
 * each from the case's action log. So a failed delivery holds back the later
 * ones of the same dossier (whichever event's handler runs next sends the
 * missing ones first), and the receiver sees 1, 2, 3… with `PhienBan` to drop
 * any duplicate a retry may cause.
 */

/** Our states to the national status codes (TrangThaiHoSo). */
export const NATIONAL_STATUS: Record<DossierState, string> = {
  submitted: '1', // Mới đăng ký
  processing: '4', // Đang xử lý ('2' Được tiếp nhận on the receive action itself)
  joint: '4', // Đang xử lý: at another agency of a joint (liên thông) process
  supplementing: '5', // Yêu cầu bổ sung giấy tờ
  reviewing: '4', // Đang xử lý (awaiting the leader's approval is still processing for the portal)
  approved: '9', // Đã xử lý xong
  returned: '10', // Đã trả kết quả
  refused: '3', // Không được tiếp nhận
  stopped: '8', // Dừng xử lý
  withdrawn: '7', // Công dân yêu cầu rút hồ sơ
};

/** KenhThucHien of the national sync: 1 at the desk, 2 online, 3 by public post (BCCI). */
export const NATIONAL_CHANNEL: Record<DossierRow['channel'], string> = { desk: '1', online: '2', post: '3' };

export function nationalStatus(state: string, action: string): string {
  if (action === 'receive') return '2';
  return NATIONAL_STATUS[state as DossierState] ?? '4';
}

const TZ_OFFSET_MS = 7 * 3_600_000;

/** The national sync's date format: yyyyMMddHHmmss, Vietnamese local time (UTC+7). */
export function nationalDate(d: Date): string {
  return new Date(d.getTime() + TZ_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** Parses yyyyMMddHHmmss (Vietnamese local time); null when it is not a real instant. */
export function parseNationalDate(s: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  const t = Date.UTC(y!, mo! - 1, d!, h!, mi!, se!) - TZ_OFFSET_MS;
  const back = new Date(t);
  return Number.isFinite(t) && nationalDate(back) === s ? back : null;
}

export interface NationalStatus {
  MaHoSo: string;
  MaHoSoQuocGia?: string;
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc: string;
  MaCoQuan: string;
  DonViXuLy: string;
  KenhThucHien: string;
  ChuHoSo: string;
  SoGiayToChuHoSo?: string;
  TrangThaiHoSo: string;
  PhienBan: number;
  ThoiDiemCapNhat: string;
  NgayNopHoSo: string;
  NgayTiepNhan?: string;
  NgayHenTra?: string;
  NgayKetThucXuLy?: string;
  NgayTuChoi?: string;
  NgayTraKetQua?: string;
  NgayTra?: string;
  DuocThanhToanTrucTuyen: string;
  HoSoCoThanhPhanSoHoa: string;
  TaiKhoanDuocXacThucVoiVNeID: string;
  MaKetQua?: string;
  DuongDanTepTinKetQua?: string;
  /** SHA-256 (hex) of the result file. */
  MaBamTepTinKetQua?: string;
  /** When the result link stops working (yyyyMMddHHmmss). */
  HanDuongDanKetQua?: string;
  /** The dossier's files as filed and supplemented by this version (docs/national-portal.md, "Files"). */
  TepDinhKem: NationalFile[];
}

/** One file of a dossier as sent to the portal: what it is, its hash, and a signed, expiring link. */
export interface NationalFile {
  MaThanhPhan: string;
  TenThanhPhan: string;
  LoaiTep: 'ThanhPhan' | 'BoSung' | 'KetQua';
  TenTep: string;
  KieuTep: string;
  KichThuoc: number;
  MaBam: string;
  DuongDan?: string;
  HanDuongDan?: string;
  NgayDinhKem: string;
}

interface Facts {
  d: DossierRow;
  /** The dossier's files with their links (null link: no signing key configured). */
  files?: (AttachedFile & { componentName: string; link: { url: string; exp: number } | null })[];
  agencyIdent: string;
  nationalCode?: string;
  digitised: boolean;
  publicUrl: string;
}

/** The dossier as it stood right after action `h`: its state then, and only dates that had happened by then. */
export function statusAt(f: Facts, h: CaseActionView): NationalStatus {
  const { d } = f;
  const at = h.at.getTime();
  const by = (x: Date | null) => (x && x.getTime() <= at ? nationalDate(x) : undefined);
  const received = !!d.received_at && d.received_at.getTime() <= at;
  const withResult = !!d.result_file_id && (h.toState === 'approved' || h.toState === 'returned');
  const out: NationalStatus = {
    MaHoSo: d.code,
    MaTTHC: d.procedure_code,
    TenTTHC: d.procedure_name,
    MaLinhVuc: d.sector_code,
    MaCoQuan: f.agencyIdent,
    DonViXuLy: d.handler_name,
    KenhThucHien: NATIONAL_CHANNEL[d.channel],
    ChuHoSo: d.applicant.name,
    TrangThaiHoSo: nationalStatus(h.toState, h.action),
    PhienBan: h.seq,
    ThoiDiemCapNhat: nationalDate(h.at),
    NgayNopHoSo: nationalDate(d.submitted_at),
    // 1: paid on the national portal, 2: paid through the province's payment platform (ours).
    DuocThanhToanTrucTuyen: d.paid_online ? '2' : '0',
    HoSoCoThanhPhanSoHoa: f.digitised ? '1' : '0',
    // Accounts are not VNeID-verified yet (no level-2 identity link).
    TaiKhoanDuocXacThucVoiVNeID: '0',
    TepDinhKem: [],
  };
  if (f.nationalCode) out.MaHoSoQuocGia = f.nationalCode;
  if (d.applicant.idNumber) out.SoGiayToChuHoSo = d.applicant.idNumber;
  if (received) {
    out.NgayTiepNhan = by(d.received_at);
    if (d.due_at) out.NgayHenTra = nationalDate(d.due_at);
  }
  const finished = by(d.finished_at);
  if (finished) {
    out.NgayKetThucXuLy = finished;
    if (h.toState === 'refused') out.NgayTuChoi = finished;
  }
  const returned = by(d.returned_at);
  if (returned) out.NgayTraKetQua = out.NgayTra = returned;
  const files = (f.files ?? []).filter((x) => x.added_at.getTime() <= at && (x.kind !== 'result' || withResult));
  out.TepDinhKem = files.map((x) => ({
    MaThanhPhan: x.component,
    TenThanhPhan: x.componentName,
    LoaiTep: x.kind === 'result' ? 'KetQua' : x.kind === 'supplement' ? 'BoSung' : 'ThanhPhan',
    TenTep: x.original_name,
    KieuTep: x.mime,
    KichThuoc: Number(x.size),
    MaBam: x.sha256 ?? '',
    ...(x.link ? { DuongDan: x.link.url, HanDuongDan: nationalDate(new Date(x.link.exp * 1000)) } : {}),
    NgayDinhKem: nationalDate(x.added_at),
  }));
  if (withResult) {
    out.MaKetQua = d.result_file_id!;
    const r = f.files?.find((x) => x.file_id === d.result_file_id);
    // The signed link when a key is configured; else the authenticated route (the portal then needs a session).
    out.DuongDanTepTinKetQua = r?.link?.url ?? `${f.publicUrl}/api/dossiers/${d.id}/files/${d.result_file_id}`;
    if (r?.sha256) out.MaBamTepTinKetQua = r.sha256;
    if (r?.link) out.HanDuongDanKetQua = nationalDate(new Date(r.link.exp * 1000));
  }
  return out;
}

/** Posts one status; throws on a non-2xx answer or a timeout (the outbox then retries). */
async function post(k: Kernel, body: NationalStatus): Promise<{ status: number; responseId: string | null }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (k.config.NATIONAL_SYNC_TOKEN) headers.authorization = `Bearer ${k.config.NATIONAL_SYNC_TOKEN}`;
  let res: Response;
  try {
    res = await fetch(k.config.NATIONAL_SYNC_URL!, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(k.config.NATIONAL_SYNC_TIMEOUT_MS),
    });
  } catch (e) {
    const err = e as Error;
    throw new Error(`national sync of ${body.MaHoSo} v${body.PhienBan}: ${err.name === 'TimeoutError' ? `no answer within ${k.config.NATIONAL_SYNC_TIMEOUT_MS} ms` : err.message}`);
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status > 299) {
    throw new Error(`national sync of ${body.MaHoSo} v${body.PhienBan}: HTTP ${res.status} ${text.slice(0, 300)}`);
  }
  let responseId: string | null = res.headers.get('x-request-id');
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const v = j.id ?? j.MaGiaoDich ?? j.requestId ?? j.ma_giao_dich;
    if (v !== undefined && v !== null) responseId = String(v).slice(0, 200);
  } catch {
    // A bare 2xx is an acknowledgement too.
  }
  return { status: res.status, responseId };
}

/**
 * Sends every unacknowledged version of a dossier up to `upTo`, oldest first,
 * recording each acknowledgement. Returns how many were sent.
 */
export async function syncDossier(k: Kernel, dossierId: string, upTo: number): Promise<number> {
  if (!k.config.NATIONAL_SYNC_URL) return 0;
  const last = await nrepo.lastAckedVersion(k.db, dossierId);
  if (upTo <= last) return 0;
  const d = await repo.dossier(k.db, dossierId);
  // The event of a case that is not a dossier row (yet): nothing the portal could use.
  if (!d) return 0;
  // Whose code pattern the dossier uses (see handlerOf): the agency's code, else the commune's.
  const owner = d.agency_id ? ((await getAgency(k.db, d.agency_id))?.code ?? d.agency_id) : d.unit_path.split('.').at(-1)!;
  const pattern = await repo.codePattern(k.db, owner);
  const files = await repo.dossierFiles(k.db, dossierId);
  const procedure = (await catalogue.procedureVersion(k.db, d.procedure_code, d.procedure_version))?.data;
  const facts: Facts = {
    d,
    agencyIdent: pattern.ident ?? owner,
    nationalCode: await nrepo.nationalCodeOf(k.db, dossierId),
    digitised: files.some((f) => f.kind === 'component'),
    publicUrl: k.config.publicUrl,
    files: files.map((f) => ({
      ...f,
      componentName: f.kind === 'result' ? 'Kết quả giải quyết' : (procedure?.components.find((c) => c.key === f.component)?.name ?? f.component),
      link: fileLink(k, dossierId, f.file_id),
    })),
  };
  let sent = 0;
  for (const h of await k.workflow.history(dossierId)) {
    if (h.seq <= last || h.seq > upTo) continue;
    const body = statusAt(facts, h);
    const ack = await post(k, body);
    await nrepo.recordAck(k.db, { dossierId, version: h.seq, statusCode: body.TrangThaiHoSo, httpStatus: ack.status, responseId: ack.responseId });
    sent++;
  }
  return sent;
}

interface CaseEvent {
  caseId: string;
  version: number;
}

/** Registers the sync on every dossier event (a no-op acknowledgement while NATIONAL_SYNC_URL is unset). */
export function registerNationalSync(k: Kernel): void {
  k.outbox.subscribe<CaseEvent>(`workflow.case.${DOSSIER_TYPE}.*`, 'services.national', async (m) => {
    await syncDossier(k, m.payload.caseId, m.payload.version);
  });
}
