// Prints each failed test of the given TRX files with the start of its message and stack trace, so that the end of a
// CI log (often all that is kept of it) says which test failed and why.
//
//   node eng/trx-failures.mjs artifacts/ci-test-results/*.trx
//
// Output: nothing when no test failed; otherwise "failed tests: N" and, per test, its name and up to 12 lines of its
// message and stack trace (the TRX file keeps the rest).
import { readFileSync } from "node:fs";

const entities = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const decode = (text) =>
  text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) =>
    name[0] === "#"
      ? String.fromCodePoint(name[1].toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10))
      : entities[name] ?? whole);
const element = (xml, name) => {
  const match = xml.match(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`));
  return match ? decode(match[1]) : "";
};

const failures = [];
for (const file of process.argv.slice(2)) {
  const xml = readFileSync(file, "utf8");
  for (const match of xml.matchAll(/<UnitTestResult\s([^>]*?)(\/>|>([\s\S]*?)<\/UnitTestResult>)/g)) {
    const attributes = match[1];
    const outcome = attributes.match(/\boutcome="([^"]*)"/)?.[1];
    if (outcome === "Passed" || outcome === "NotExecuted") continue;
    const name = decode(attributes.match(/\btestName="([^"]*)"/)?.[1] ?? "(unnamed)");
    const body = match[3] ?? "";
    failures.push({ name, outcome, message: element(body, "Message"), stack: element(body, "StackTrace") });
  }
}

if (failures.length > 0) {
  console.log(`failed tests: ${failures.length}`);
  for (const { name, outcome, message, stack } of failures) {
    console.log(`- ${outcome}: ${name}`);
    const lines = [...message.split("\n"), ...stack.split("\n")].map((line) => line.trimEnd()).filter(Boolean);
    for (const line of lines.slice(0, 12)) console.log(`    ${line}`);
    if (lines.length > 12) console.log(`    ... (${lines.length - 12} more lines in the TRX file)`);
  }
}
