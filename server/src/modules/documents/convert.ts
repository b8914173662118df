import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { errors } from '../../kernel/errors.js';
import { documentsErrors } from './errors.js';

/**
 * .docx drafts to PDF with Debian's LibreOffice Writer (`libreoffice
 * --headless`, package libreoffice-writer-nogui). Each conversion runs in its
 * own temporary directory with its own user profile (-env:UserInstallation),
 * so conversions never share or leave state, with a time limit after which the
 * whole process group is killed. Macros are refused twice: a file carrying a
 * VBA project (a .docm renamed) is refused before LibreOffice sees it, and the
 * profile sets macro security to "very high" with macro execution disabled and
 * untrusted links blocked.
 */

export const CONVERT_TIMEOUT_MS = 120_000;
const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const PROFILE = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
`;

async function office(): Promise<string | null> {
  for (const cmd of ['soffice', 'libreoffice']) {
    for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
      const p = path.join(dir, cmd);
      try {
        await access(p, fsConstants.X_OK);
        return p;
      } catch {
        /* next */
      }
    }
  }
  return null;
}

/** A .docx by its name or its content (a ZIP package whose parts are a Word document). */
export function isDocx(file: { name: string; data: Buffer }): boolean {
  if (/\.docx$/i.test(file.name)) return true;
  return file.data.subarray(0, 4).equals(Buffer.from('PK\u0003\u0004', 'latin1')) && file.data.includes('word/document.xml');
}

/** Runs a command in its own process group, killing the whole group after `ms`. */
function runGroup(cmd: string, args: string[], ms: number, home: string): Promise<{ code: number | null; timedOut: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: home } });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, ms);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stderr });
    });
  });
}

/** .docx → PDF. Refuses macros; DOCUMENTS_CONVERTER_MISSING when LibreOffice is not installed. */
export async function docxToPdf(data: Buffer, field = 'body.file'): Promise<Buffer> {
  // Names in a ZIP's headers are stored as they are: a VBA project shows as its part name.
  if (data.includes('vbaProject.bin') || data.includes('macroEnabled')) {
    throw errors.field(field, 'macro', 'Tệp .docx chứa macro (VBA); hãy lưu lại dưới dạng .docx không có macro hoặc tải lên tệp PDF');
  }
  const { fileTypeFromBuffer } = await import('file-type');
  const type = await fileTypeFromBuffer(data);
  if (type?.mime !== DOCX_MIME) throw errors.field(field, 'type', 'Tệp không phải văn bản Word .docx hợp lệ');
  const bin = await office();
  if (!bin) throw documentsErrors.converterMissing();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'congso-docx-'));
  try {
    const profile = path.join(dir, 'profile');
    await mkdir(path.join(profile, 'user'), { recursive: true });
    await writeFile(path.join(profile, 'user', 'registrymodifications.xcu'), PROFILE);
    const input = path.join(dir, 'du-thao.docx');
    await writeFile(input, data);
    const r = await runGroup(bin, [
      `-env:UserInstallation=file://${profile}`, '--headless', '--invisible', '--norestore', '--nologo', '--nodefault', '--nolockcheck',
      '--convert-to', 'pdf:writer_pdf_Export', '--outdir', dir, input,
    ], CONVERT_TIMEOUT_MS, dir);
    if (r.timedOut) throw documentsErrors.convertFailed(`quá thời gian ${CONVERT_TIMEOUT_MS / 1000} giây`);
    try {
      return await readFile(path.join(dir, 'du-thao.pdf'));
    } catch {
      throw documentsErrors.convertFailed(r.stderr.trim().split('\n').pop()?.slice(0, 200) || `LibreOffice không tạo được PDF (mã ${r.code})`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A draft as a PDF: a .docx is converted (its name ends in .pdf), anything else is passed on to the PDF checks. */
export async function draftPdf(file: { name: string; data: Buffer }, field = 'body.file'): Promise<{ name: string; data: Buffer }> {
  if (!isDocx(file)) return file;
  return { name: file.name.replace(/\.docx$/i, '') + '.pdf', data: await docxToPdf(file.data, field) };
}
