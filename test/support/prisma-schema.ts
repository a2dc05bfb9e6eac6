import { readFileSync } from "node:fs";

/** The parts of schema.prisma that must match the migrated database, read from the schema text itself. */
export type SchemaColumn = { table: string; column: string; type: string; nullable: boolean };
export type SchemaModel = { table: string; columns: SchemaColumn[]; uniques: string[][] };

const SCALARS: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

const NATIVE: Record<string, string> = { Uuid: "uuid", "Timestamptz(3)": "timestamp(3) with time zone" };

export function readPrismaSchema(path: string): SchemaModel[] {
  const text = readFileSync(path, "utf8");
  const enums = new Set([...text.matchAll(/^enum (\w+) \{/gm)].map((m) => m[1]));
  const blocks = [...text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const models = new Set(blocks.map((b) => b[1]));
  return blocks.map(([, name, body]) => {
    const table = body.match(/@@map\("([^"]+)"\)/)?.[1] ?? name;
    const fieldNames = new Map<string, string>();
    const columns: SchemaColumn[] = [];
    const uniques: string[][] = [];
    for (const raw of body.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      const field = line.match(/^(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/);
      if (!field || line.startsWith("@@")) continue;
      const [, fname, ftype, modifier, attrs] = field;
      if (models.has(ftype)) continue;
      const column = attrs.match(/@map\("([^"]+)"\)/)?.[1] ?? fname;
      fieldNames.set(fname, column);
      const native = attrs.match(/@db\.(\w+(?:\(\d+\))?)/)?.[1];
      const element = enums.has(ftype) ? ftype : native ? NATIVE[native] : SCALARS[ftype];
      if (!element) throw new Error(`${name}.${fname}: no SQL type known for ${ftype} ${native ?? ""}`);
      const type = modifier === "[]" ? `${element}[]` : element;
      columns.push({ table, column, type, nullable: modifier === "?" });
      if (/@unique\b/.test(attrs) || /@id\b/.test(attrs)) uniques.push([column]);
    }
    for (const m of body.matchAll(/@@unique\(\[([^\]]+)\]\)/g)) {
      uniques.push(m[1].split(",").map((f) => fieldNames.get(f.trim()) ?? f.trim()));
    }
    return { table, columns, uniques };
  });
}
