// Photos and signatures: reduced on the phone before they are stored, addressed by the
// sha256 of their bytes (the server checks the hash and the real image type).

import { limits } from "./limits.js";
import { putPhoto } from "./store.js";

export const JPEG_QUALITY = 0.8;

/** @param {ArrayBuffer} buffer */
export async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** @param {HTMLCanvasElement} canvas @param {string} type @param {number} [quality] @returns {Promise<Blob>} */
function toBlob(canvas, type, quality) {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("canvas is empty"))), type, quality),
  );
}

/**
 * Decode a picked image (camera or file), scale it to at most the server's photo_max_side
 * px on its longer side and encode it as JPEG, under its photo_max_bytes (js/limits.js);
 * EXIF orientation is applied by the decoder.
 * @param {Blob} file @returns {Promise<Blob>}
 */
export async function reduce(file) {
  const { photo_max_side: maxSide, photo_max_bytes: maxBytes } = await limits();
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.fillStyle = "#fff"; // transparent PNGs become white, not black, in JPEG
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  let quality = JPEG_QUALITY;
  let blob = await toBlob(canvas, "image/jpeg", quality);
  while (blob.size > maxBytes && quality > 0.3) {
    quality -= 0.15;
    blob = await toBlob(canvas, "image/jpeg", quality);
  }
  return blob;
}

/**
 * Store image bytes under their hash; returns the hash (the answer value).
 * @param {Blob} blob
 */
export async function storeImage(blob) {
  const hash = await sha256Hex(await blob.arrayBuffer());
  await putPhoto({
    hash,
    blob,
    type: blob.type || "image/jpeg",
    size: blob.size,
    uploaded: false,
    created_at: new Date().toISOString(),
  });
  return hash;
}

/** @param {HTMLCanvasElement} canvas */
export async function canvasPng(canvas) {
  return toBlob(canvas, "image/png");
}
