#!/usr/bin/env node
// Copy Designsystemet's CSS from node_modules into static/vendor/ (git-ignored), where base.html links it.
// Plain Node on purpose: two files to copy need no bundler.
"use strict";

const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const vendor = path.join(root, "static", "vendor");

const files = [
  ["node_modules/@digdir/designsystemet-css/dist/src/index.css", "designsystemet.css"],
  ["node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css", "designsystemet-theme.css"],
];

fs.mkdirSync(vendor, { recursive: true });
for (const [from, to] of files) {
  const source = path.join(root, from);
  if (!fs.existsSync(source)) {
    console.error(`build_assets: ${from} is missing. Run "npm ci" first.`);
    process.exit(1);
  }
  fs.copyFileSync(source, path.join(vendor, to));
  console.log(`build_assets: ${from} -> static/vendor/${to}`);
}
