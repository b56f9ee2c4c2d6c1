// Ouvre des pages du site dans Chromium sans interface et les vérifie avec axe-core
// (règles WCAG 2.1 A et AA, et bonnes pratiques : un seul h1, titres dans l'ordre, repères). Échoue s'il reste une violation d'impact « serious » ou
// « critical ».
//
// Usage : node axe.mjs DOSSIER_DU_SITE page.html [page.html…]
// CHROMIUM désigne le navigateur (par défaut /usr/bin/chromium).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { lancer } from "./chromium.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [site, ...pages] = process.argv.slice(2);
if (!site || pages.length === 0) {
  console.error("usage : node axe.mjs DOSSIER_DU_SITE page.html [page.html…]");
  process.exit(2);
}

const browser = await lancer();
// Every request that is not a local file fails the check: the site must be whole.
const outside = [];
let failures = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("request", (request) => {
    if (!request.url().startsWith("file://")) outside.push(request.url());
  });
  for (const name of pages) {
    await page.goto(pathToFileURL(resolve(site, name)).href);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }),
    );
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    for (const v of result.violations.filter((v) => !serious.includes(v))) console.log(`${name} : (${v.impact}) ${v.id} — ${v.help}`);
    for (const v of serious) {
      failures += 1;
      console.log(`${name} : [${v.impact}] ${v.id} — ${v.help}`);
      for (const node of v.nodes.slice(0, 5)) console.log(`    ${node.target.join(" ")}`);
    }
    // At 200 % zoom a 1280-pixel window is 640 CSS pixels wide: the page must reflow
    // without horizontal scrolling (wide tables scroll inside their own region).
    await page.setViewportSize({ width: 640, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) {
      failures += 1;
      console.log(`${name} : [serious] reflow — la page déborde de ${overflow} px à 200 % de zoom`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    console.log(`${name} : ${serious.length} violation(s) grave(s), ${result.passes.length} règle(s) respectée(s)`);
  }
} finally {
  await browser.close();
}
for (const url of outside) console.log(`requête vers l'extérieur : ${url}`);
process.exit(failures > 0 || outside.length > 0 ? 1 : 0);
