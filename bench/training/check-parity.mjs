// Runs exported ONNX files on parity.json with onnxruntime-node and prints the max abs diff per case.
// Usage: node bench/training/check-parity.mjs <model-dir>   (exit 1 when a diff exceeds the tolerance)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ort from "onnxruntime-node";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node bench/training/check-parity.mjs <model-dir>");
const parity = JSON.parse(readFileSync(join(dir, "parity.json"), "utf8"));
const contract = JSON.parse(readFileSync(new URL("../../router-core/contract.json", import.meta.url), "utf8"));
const dtypes = {};
for (const sec of ["userEncoder", "scorer"]) for (const i of contract[sec].inputs) dtypes[`${sec}.${i.name}`] = i.dtype;
const opts = { intraOpNumThreads: 1, interOpNumThreads: 1 };
const sessions = {
  userEncoder: await ort.InferenceSession.create(join(dir, contract.userEncoder.file), opts),
  scorer: await ort.InferenceSession.create(join(dir, contract.scorer.file), opts),
};
const tol = parity.tolerance ?? contract.parity.tolerance;
let worst = 0;
for (const c of parity.cases) {
  const line = [c.name];
  for (const sec of ["userEncoder", "scorer"]) {
    const feeds = {};
    for (const [name, t] of Object.entries(c[sec].inputs)) {
      feeds[name] =
        dtypes[`${sec}.${name}`] === "int64"
          ? new ort.Tensor("int64", BigInt64Array.from(t.data.map(BigInt)), t.dims)
          : new ort.Tensor("float32", Float32Array.from(t.data), t.dims);
    }
    const out = await sessions[sec].run(feeds);
    for (const [name, exp] of Object.entries(c[sec].expected)) {
      const got = out[name];
      if (JSON.stringify(got.dims) !== JSON.stringify(exp.dims)) throw new Error(`${c.name} ${sec}.${name}: dims ${got.dims} != ${exp.dims}`);
      let d = 0;
      exp.data.forEach((v, i) => {
        d = Math.max(d, Math.abs(v - got.data[i]));
        if (!Number.isFinite(got.data[i])) d = Infinity;
      });
      worst = Math.max(worst, d);
      line.push(`${sec}.${name} maxdiff=${d.toExponential(2)}`);
    }
  }
  console.log(line.join("  "));
}
console.log(`worst=${worst.toExponential(2)} tolerance=${tol}`);
process.exit(worst <= tol ? 0 : 1);
