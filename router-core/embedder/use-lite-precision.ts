/**
 * The USE-lite encoder's two builds (scripts/build-use-lite-onnx.py). float32 is the tfjs computation: the
 * reference, what the trainer embeds with. int8 quantizes the per-token dense layers: ~4x less CPU per text,
 * vectors within a cosine of 0.99 of float32 and the same routing decisions (test/router-core/use-lite-onnx.test.ts),
 * so it keeps the embedder id; the app serves it by default (EMBEDDER_PRECISION). A leaf module: the app's
 * config validates the setting without loading the encoder.
 */
export const USE_LITE_PRECISIONS = ["float32", "int8"] as const;
export type UseLitePrecision = (typeof USE_LITE_PRECISIONS)[number];
