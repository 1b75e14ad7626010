#!/usr/bin/env node
// Lists every dependency behind its newest stable version, and every known vulnerability, so drift is seen the day it
// starts. Never fails a build: it reports. Run from the repository root (it needs the registries, so run it outside
// eng/netns-run, after restore):
//
//   node eng/freshness.mjs [--out artifacts/freshness]
//
// NuGet: `dotnet list package --outdated` and `--vulnerable --include-transitive` over the solution (JSON output).
// npm: `npm outdated` and `npm audit` in the folder of every committed package-lock.json, and the LiveKit client core
// that src/LiveKit/build/LiveKitNative.targets pins (`npm view`). Writes freshness.md (people) and freshness.json (CI)
// and prints one summary line starting with "freshness:".
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out = outIndex >= 0 ? args[outIndex + 1] : join("artifacts", "freshness");
const timeout = 180_000; // bounds each registry query; a slow registry is reported, not waited on forever

function run(command, commandArgs, cwd = ".") {
  try {
    return { ok: true, stdout: execFileSync(command, commandArgs, { cwd, timeout, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 }) };
  } catch (error) {
    // npm outdated exits 1 when something is outdated; its JSON is still on stdout.
    return { ok: false, stdout: error.stdout?.toString() ?? "", stderr: (error.stderr?.toString() ?? error.message).trim() };
  }
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const report = { nuget: { outdated: [], vulnerable: [], errors: [] }, npm: { outdated: [], vulnerable: [], errors: [] } };

// NuGet: one row per package (the projects that use it beside it).
function nugetList(extra) {
  const result = run("dotnet", ["list", "KonPro.StreamingAvatar.slnx", "package", ...extra, "--format", "json"]);
  const json = parseJson(result.stdout);
  if (!json) {
    report.nuget.errors.push(`dotnet list package ${extra.join(" ")}: ${result.stderr || "no JSON output"}`);
    return [];
  }
  const rows = [];
  for (const project of json.projects ?? []) {
    for (const framework of project.frameworks ?? []) {
      for (const pkg of [...(framework.topLevelPackages ?? []), ...(framework.transitivePackages ?? [])]) {
        rows.push({ project: project.path.split(/[\\/]/).pop().replace(/\.csproj$/, ""), ...pkg });
      }
    }
  }
  return rows;
}

const byId = new Map();
for (const row of nugetList(["--outdated"])) {
  const entry = byId.get(row.id) ?? { id: row.id, current: row.resolvedVersion, latest: row.latestVersion, projects: [] };
  entry.projects.push(row.project);
  byId.set(row.id, entry);
}
report.nuget.outdated = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));

const vulnerable = new Map();
for (const row of nugetList(["--vulnerable", "--include-transitive"])) {
  for (const v of row.vulnerabilities ?? []) {
    vulnerable.set(`${row.id}@${row.resolvedVersion}:${v.advisoryurl}`, { id: row.id, version: row.resolvedVersion, severity: v.severity, advisory: v.advisoryurl, projects: [row.project] });
  }
}
report.nuget.vulnerable = [...vulnerable.values()];

// npm: every committed lock file.
const locks = run("git", ["ls-files", "*package-lock.json"]).stdout.split("\n").filter(Boolean);
for (const lock of locks) {
  const folder = dirname(lock);
  const outdated = parseJson(run("npm", ["outdated", "--json", "--long"], folder).stdout) ?? {};
  for (const [name, info] of Object.entries(outdated)) {
    if (info.current !== info.latest && info.wanted !== info.latest) {
      report.npm.outdated.push({ id: name, current: info.current ?? info.wanted, latest: info.latest, lockFile: lock });
    }
  }
  const audit = run("npm", ["audit", "--json", "--package-lock-only"], folder);
  const auditJson = parseJson(audit.stdout);
  if (auditJson?.vulnerabilities) {
    for (const [name, info] of Object.entries(auditJson.vulnerabilities)) {
      report.npm.vulnerable.push({ id: name, severity: info.severity, lockFile: lock, via: (info.via ?? []).map((v) => (typeof v === "string" ? v : v.title)).join("; ") });
    }
  } else {
    const reason = auditJson?.message ?? audit.stderr ?? "no answer";
    report.npm.errors.push(`npm audit in ${folder}: ${reason.split("\n")[0]}`);
  }
}

// The LiveKit client core the LiveKit package packs is pinned by version in MSBuild, not in a lock file: the core, its
// protocol descriptors and the package its license comes from (each <LiveKit{Native,Descriptor,License}Package/Version>).
try {
  const targets = readFileSync("src/LiveKit/build/LiveKitNative.targets", "utf8");
  for (const part of ["Native", "Descriptor", "License"]) {
    const pinned = new RegExp(`<LiveKit${part}Package>([^<]+)</LiveKit${part}Package>`).exec(targets)?.[1];
    const version = new RegExp(`<LiveKit${part}Version>([^<]+)</LiveKit${part}Version>`).exec(targets)?.[1];
    if (!pinned || !version) continue;
    const latest = run("npm", ["view", pinned, "version"]).stdout.trim();
    if (latest && latest !== version) {
      report.npm.outdated.push({ id: pinned, current: version, latest, lockFile: "src/LiveKit/build/LiveKitNative.targets" });
    }
  }
} catch (error) {
  report.npm.errors.push(`LiveKit native core: ${error.message}`);
}

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "freshness.json"), JSON.stringify(report, null, 2) + "\n");
const table = (rows, columns) =>
  rows.length === 0 ? "none\n" : `| ${columns.join(" | ")} |\n|${columns.map(() => "---").join("|")}|\n` + rows.map((r) => `| ${columns.map((c) => String(r[c] ?? "")).join(" | ")} |`).join("\n") + "\n";
const md = [
  "# Dependency freshness",
  "",
  `## NuGet packages behind their newest stable version (${report.nuget.outdated.length})`,
  "",
  table(report.nuget.outdated.map((r) => ({ ...r, projects: r.projects.join(", ") })), ["id", "current", "latest", "projects"]),
  `## NuGet vulnerabilities, transitive included (${report.nuget.vulnerable.length})`,
  "",
  table(report.nuget.vulnerable, ["id", "version", "severity", "advisory"]),
  `## npm packages behind their newest version (${report.npm.outdated.length})`,
  "",
  table(report.npm.outdated, ["id", "current", "latest", "lockFile"]),
  `## npm vulnerabilities (${report.npm.vulnerable.length})`,
  "",
  table(report.npm.vulnerable, ["id", "severity", "lockFile", "via"]),
  "## What could not be checked",
  "",
  [...report.nuget.errors, ...report.npm.errors].map((e) => `- ${e}`).join("\n") || "nothing",
  "",
].join("\n");
writeFileSync(join(out, "freshness.md"), md);

const unchecked = report.nuget.errors.length + report.npm.errors.length;
console.log(
  `freshness: ${report.nuget.outdated.length} NuGet and ${report.npm.outdated.length} npm packages behind their newest version; ` +
    `${report.nuget.vulnerable.length + report.npm.vulnerable.length} known vulnerabilities` +
    (unchecked ? `; ${unchecked} checks could not run` : "") +
    ` (${join(out, "freshness.md")})`,
);
