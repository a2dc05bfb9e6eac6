/**
 * Embeddings as bytes for storage (Postgres bytea / Prisma Bytes): little-endian float32,
 * 4 bytes per value, no header. Store them with their embeddingKey (RouteDecision.embeddingKey), e.g. in Turn.embedderId.
 */

/** Float32Array -> bytes (copies; independent of the platform's endianness). */
export function embeddingToBytes(embedding: Float32Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(embedding.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < embedding.length; i++) view.setFloat32(i * 4, embedding[i], true);
  return bytes;
}

/**
 * bytes -> Float32Array; null when the length doesn't match `dim` (treat as "not stored":
 * the router re-embeds the text and saves it again).
 */
export function embeddingFromBytes(bytes: Uint8Array, dim: number): Float32Array | null {
  if (bytes.byteLength !== dim * 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
