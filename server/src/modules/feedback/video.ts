import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { errors } from '../../kernel/errors.js';

/**
 * Short videos with a report, through Debian's ffmpeg: `probeVideo` checks at
 * submission that the bytes are a real video (a container ffprobe reads, with
 * a video stream) no longer than a minute; `transcodeVideo` runs later as a
 * job: H.264/AAC in MP4, at most 1280 px wide, and every metadata block
 * dropped (the phone's GPS position above all) unless the reporter keeps it.
 */

const run = promisify(execFile);
export const MAX_VIDEO_BYTES = 30 * 1_048_576;
export const MAX_VIDEO_SECONDS = 60;
const ACCEPTED = /^(mov,mp4,m4a,3gp,3g2,mj2|matroska,webm)$/;

async function withTemp<T>(data: Buffer, fn: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'congso-video-'));
  try {
    const file = path.join(dir, 'in');
    await writeFile(file, data);
    return await fn(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface VideoInfo {
  seconds: number;
  width: number;
  height: number;
}

export async function probeVideo(data: Buffer, field: string): Promise<VideoInfo> {
  const bad = (why: string) => errors.field(field, 'video', why);
  if (!data.length) throw bad('Video rỗng');
  if (data.length > MAX_VIDEO_BYTES) throw bad(`Video vượt quá ${MAX_VIDEO_BYTES / 1_048_576} MB`);
  return withTemp(data, async (file) => {
    let out: string;
    try {
      out = (await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { timeout: 20_000, maxBuffer: 4 * 1_048_576 })).stdout;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw errors.unavailable('ffprobe (Debian ffmpeg) chưa được cài đặt');
      throw bad('Tệp không phải video MP4, MOV hoặc WebM hợp lệ');
    }
    const info = JSON.parse(out) as { format?: { format_name?: string; duration?: string }; streams?: { codec_type?: string; width?: number; height?: number }[] };
    const video = info.streams?.find((s) => s.codec_type === 'video');
    if (!info.format?.format_name || !ACCEPTED.test(info.format.format_name) || !video) throw bad('Tệp không phải video MP4, MOV hoặc WebM hợp lệ');
    const seconds = Number(info.format.duration ?? 0);
    if (!(seconds > 0)) throw bad('Không đọc được thời lượng video');
    if (seconds > MAX_VIDEO_SECONDS) throw bad(`Video dài quá ${MAX_VIDEO_SECONDS} giây`);
    return { seconds, width: video.width ?? 0, height: video.height ?? 0 };
  });
}

export async function transcodeVideo(data: Buffer, keepLocation: boolean): Promise<{ data: Buffer; width: number; height: number }> {
  return withTemp(data, async (file, dir) => {
    const out = path.join(dir, 'out.mp4');
    await run('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y', '-i', file,
      '-vf', "scale='min(1280,iw)':-2", '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart',
      ...(keepLocation ? [] : ['-map_metadata', '-1', '-map_chapters', '-1']),
      '-t', String(MAX_VIDEO_SECONDS), out,
    ], { timeout: 300_000, maxBuffer: 4 * 1_048_576 });
    const probe = JSON.parse((await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', out], { timeout: 20_000 })).stdout) as { streams: { codec_type: string; width?: number; height?: number }[] };
    const v = probe.streams.find((s) => s.codec_type === 'video')!;
    return { data: await readFile(out), width: v.width ?? 0, height: v.height ?? 0 };
  });
}
