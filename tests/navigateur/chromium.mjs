// Lance Chromium sans interface, coupé du réseau autant qu'il se peut, pour les
// vérifications de ce dossier. CHROMIUM désigne le navigateur (par défaut
// /usr/bin/chromium).

import { chromium } from "playwright-core";

export function lancer() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}
