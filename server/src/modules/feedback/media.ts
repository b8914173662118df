import sharp, { type Metadata } from 'sharp';
import { errors } from '../../kernel/errors.js';

/**
 * Photos sent with a report: decoded for real (a script named .jpg is not an
 * image), bounded in bytes and in pixels (a decompression or EXIF bomb stops
 * at the limit instead of filling memory), turned upright, resized to at most
 * 1920 px and re-encoded as JPEG. Re-encoding drops every metadata block, so
 * the GPS position and the camera's serial number go too — unless the reporter
 * chose to keep the location, in which case the EXIF block is kept.
 */

export const MAX_PHOTO_BYTES = 10 * 1_048_576;
export const MAX_PHOTO_PIXELS = 40_000_000;
export const MAX_PHOTOS = 5;
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'heif']);

export interface ProcessedPhoto {
  data: Buffer;
  width: number;
  height: number;
  keptLocation: boolean;
}

export async function processPhoto(input: Buffer, field: string, keepLocation = false): Promise<ProcessedPhoto> {
  const bad = (why: string) => errors.field(field, 'image', why);
  if (input.length === 0) throw bad('Ảnh rỗng');
  if (input.length > MAX_PHOTO_BYTES) throw bad(`Ảnh vượt quá ${MAX_PHOTO_BYTES / 1_048_576} MB`);
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' }).metadata();
  } catch {
    throw bad('Tệp không phải ảnh JPEG, PNG, WebP hoặc HEIF hợp lệ');
  }
  if (!meta.format || !ACCEPTED.has(meta.format)) throw bad('Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIF');
  if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_PHOTO_PIXELS) throw bad('Ảnh có kích thước điểm ảnh quá lớn');
  // An oversized metadata block is a warning sign (EXIF bomb); real cameras write a few kB.
  if ((meta.exif?.length ?? 0) > 256 * 1024 || (meta.xmp?.length ?? 0) > 256 * 1024) throw bad('Siêu dữ liệu của ảnh quá lớn');
  try {
    let img = sharp(input, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' }).rotate().resize({ width: 1920, height: 1920, fit: 'inside', withoutEnlargement: true });
    if (keepLocation && meta.exif) img = img.keepExif();
    const { data, info } = await img.jpeg({ quality: 82 }).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, keptLocation: keepLocation && !!meta.exif };
  } catch {
    throw bad('Không đọc được nội dung ảnh');
  }
}
