// Ouvre une page de `clsm serve` dans Chromium sans interface, modifie une fiche et
// vérifie que la page se recharge d'elle-même, avec le nouveau texte. Échoue si la
// page ne se recharge pas dans les 5 secondes.
//
// Usage : node rechargement.mjs URL FICHIER ANCIEN NOUVEAU
// CHROMIUM désigne le navigateur (par défaut /usr/bin/chromium).

import { readFileSync, writeFileSync } from "node:fs";
import { lancer } from "./chromium.mjs";

const [url, file, before, after] = process.argv.slice(2);
if (!after) {
  console.error("usage : node rechargement.mjs URL FICHIER ANCIEN NOUVEAU");
  process.exit(2);
}

const browser = await lancer();
let ok = false;
try {
  const page = await browser.newPage();
  await page.goto(url);
  const first = await page.textContent("h1");
  // A mark on the page as loaded: a reload wipes it, a change of the page in place
  // would keep it.
  await page.evaluate(() => { window.marqueClsm = true; });
  const reloaded = page.waitForEvent("load", { timeout: 5000 });
  const text = readFileSync(file, "utf8");
  if (!text.includes(before)) throw new Error(`${file} ne contient pas « ${before} »`);
  writeFileSync(file, text.replace(before, after));
  await reloaded;
  const title = await page.textContent("h1");
  const marked = await page.evaluate(() => window.marqueClsm === true);
  console.log(`avant : « ${first} » ; après : « ${title} » ; marque ${marked ? "gardée" : "effacée"}`);
  ok = title.includes(after) && !marked;
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
