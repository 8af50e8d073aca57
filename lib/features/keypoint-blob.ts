/**
 * Keypoint blob, version 1, little-endian:
 *   0  4 bytes  "FWKP"
 *   4  u16      version (1)
 *   6  u16      descriptor bytes per keypoint (32 for ORB)
 *   8  u32      keypoint count N
 *  12  u32      width, 16 u32 height: the picture's size in pixels, which x and y refer to
 *  20  N x 24   f32 x, f32 y, f32 size, f32 angle (degrees), f32 response, i32 octave
 *  20 + 24N     N x descriptor bytes (ORB: 256-bit binary descriptors)
 * Plain bytes in and out (no Node Buffer): the server writes and searches them, the feature
 * review page draws them.
 */
export const KEYPOINT_BLOB = { magic: "FWKP", version: 1, headerBytes: 20, recordBytes: 24 } as const;

export type Keypoints = { width: number; height: number; points: Float32Array; descriptors: Uint8Array; count: number; descriptorBytes: number };

export function encodeKeypointBlob(keypoints: Keypoints): Uint8Array {
  const { count, descriptorBytes } = keypoints;
  const blob = new Uint8Array(KEYPOINT_BLOB.headerBytes + count * KEYPOINT_BLOB.recordBytes + count * descriptorBytes);
  const view = new DataView(blob.buffer);
  for (let i = 0; i < 4; i++) blob[i] = KEYPOINT_BLOB.magic.charCodeAt(i);
  view.setUint16(4, KEYPOINT_BLOB.version, true);
  view.setUint16(6, descriptorBytes, true);
  view.setUint32(8, count, true);
  view.setUint32(12, keypoints.width, true);
  view.setUint32(16, keypoints.height, true);
  let offset = KEYPOINT_BLOB.headerBytes;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < 5; j++) view.setFloat32(offset + j * 4, keypoints.points[i * 6 + j], true);
    view.setInt32(offset + 20, Math.round(keypoints.points[i * 6 + 5]), true);
    offset += KEYPOINT_BLOB.recordBytes;
  }
  blob.set(keypoints.descriptors.subarray(0, count * descriptorBytes), offset);
  return blob;
}

export function decodeKeypointBlob(blob: Uint8Array): Keypoints {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < KEYPOINT_BLOB.headerBytes || String.fromCharCode(...blob.subarray(0, 4)) !== KEYPOINT_BLOB.magic) throw new Error("not a keypoint blob");
  const version = view.getUint16(4, true);
  if (version !== KEYPOINT_BLOB.version) throw new Error(`keypoint blob version ${version} is not supported`);
  const descriptorBytes = view.getUint16(6, true);
  const count = view.getUint32(8, true);
  const expected = KEYPOINT_BLOB.headerBytes + count * (KEYPOINT_BLOB.recordBytes + descriptorBytes);
  if (blob.length !== expected) throw new Error("keypoint blob has the wrong length");
  const points = new Float32Array(count * 6);
  let offset = KEYPOINT_BLOB.headerBytes;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < 5; j++) points[i * 6 + j] = view.getFloat32(offset + j * 4, true);
    points[i * 6 + 5] = view.getInt32(offset + 20, true);
    offset += KEYPOINT_BLOB.recordBytes;
  }
  const descriptors = new Uint8Array(blob.subarray(offset, offset + count * descriptorBytes));
  return { width: view.getUint32(12, true), height: view.getUint32(16, true), points, descriptors, count, descriptorBytes };
}
