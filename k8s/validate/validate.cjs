#!/usr/bin/env node
// Validates handin's Kubernetes manifests offline (no cluster, no network).
//
//   node k8s/validate/validate.cjs DIR...
//
// For each DIR:
//  - every *.yaml / *.yml below it (but validate/ and node_modules/) is
//    parsed as YAML, every document in it;
//  - a kustomization.yaml must list exactly the manifests of its directory
//    (an unlisted file would silently not be deployed), and each
//    configMapGenerator file must exist: the ConfigMap it makes is built
//    here and validated too;
//  - every other document is validated against the Kubernetes API schema
//    of its apiVersion and kind, with the `kubernetes-models` package
//    (package.json pins it; `npm ci` in this directory installs it): types,
//    required fields, formats;
//  - and, since those schemas let unknown fields pass (the API server
//    drops them, so a misspelt `readinesProbe` would silently do nothing),
//    each document is also type-checked with TypeScript against the
//    package's interface for its kind, whose excess-property check names
//    every field the kind does not have;
//  - handin's own rules: no Secret is committed; each workload's selector
//    matches its pod labels; every container has readiness and liveness
//    probes, CPU and memory requests and limits, runs as non-root without
//    privilege escalation on a read-only root filesystem.
// Prints one line per problem ("FILE: Kind/name: what") and exits 1 if any,
// else a summary and 0.
"use strict";

const fs = require("fs");
const path = require("path");

let YAML;
try {
  YAML = require("yaml");
  require.resolve("kubernetes-models/package.json");
} catch (e) {
  console.error(
    "validate.cjs: its npm packages are missing: run `npm ci` in " +
      path.relative(process.cwd(), __dirname) +
      " (scripts/test does)",
  );
  process.exit(2);
}

const problems = [];
let checked = 0;
const repoRoot = path.resolve(__dirname, "..", "..");

// `file` as people find it: relative to the repository when inside it.
function shownPath(file) {
  const rel = path.relative(repoRoot, path.resolve(file));
  return rel.startsWith("..") ? file : rel;
}
// Documents that passed the schema, for the unknown-field pass.
const typed = [];

function problem(file, doc, message) {
  const what =
    doc && doc.kind
      ? `${doc.kind}/${(doc.metadata && doc.metadata.name) || "?"}: `
      : "";
  problems.push(`${file}: ${what}${message}`);
}

function manifestFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "validate" && entry.name !== "node_modules") {
        out.push(...manifestFiles(full));
      }
    } else if (/\.ya?ml$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out.sort();
}

// The kubernetes-models class for apiVersion + kind, or null.
function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") return null;
  if (!/^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z]\w*$/.test(kind))
    return null;
  try {
    return require(`kubernetes-models/${apiVersion}/${kind}`)[kind] || null;
  } catch (e) {
    return null;
  }
}

function validateSchema(file, doc) {
  const Model = modelFor(doc.apiVersion, doc.kind);
  if (!Model) {
    problem(file, doc, `unknown apiVersion/kind ${doc.apiVersion}/${doc.kind}`);
    return;
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    problem(file, doc, `does not match the Kubernetes schema: ${e.message}`);
    return;
  }
  typed.push({ file, doc });
}

// Type-checks every document in `typed` as an object literal of its kind's
// interface (I<Kind> of kubernetes-models/<apiVersion>/<Kind>) and reports
// what TypeScript finds, above all fields the kind does not have.
function checkUnknownFields() {
  if (typed.length === 0) return;
  const ts = require("typescript");
  const virtual = path.join(__dirname, "__manifests__.ts");
  const owners = [];  // line number -> index in typed
  const lines = [];
  typed.forEach(({ doc }, i) => {
    lines.push(`import type { I${doc.kind} as T${i} } from ` +
      `"kubernetes-models/${doc.apiVersion}/${doc.kind}";`);
    owners.push(i);
    const body = `export const d${i}: T${i} = ${JSON.stringify(doc, null, 1)};`;
    for (const line of body.split("\n")) {
      lines.push(line);
      owners.push(i);
    }
  });
  const source = lines.join("\n");
  const options = {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ["lib.es2020.d.ts"],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === virtual ? ts.createSourceFile(name, source, version)
      : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === virtual || fileExists.call(host, name);
  host.readFile = (name) =>
    name === virtual ? source : readFile.call(host, name);
  const program = ts.createProgram([virtual], options, host);
  const file = program.getSourceFile(virtual);
  for (const d of ts.getPreEmitDiagnostics(program, file)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "; ");
    if (!d.file || d.file.fileName !== virtual) {
      problems.push(`validate.cjs: TypeScript: ${message}`);
      continue;
    }
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const { file: where, doc } = typed[owners[line]];
    problem(where, doc, `${message} (near: ${lines[line].trim()})`);
  }
}

function podSpecOf(doc) {
  if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(doc.kind)) {
    return doc.spec && doc.spec.template && doc.spec.template.spec;
  }
  return null;
}

function checkHandinRules(file, doc) {
  if (doc.kind === "Secret") {
    problem(file, doc, "a Secret is committed; create it on the cluster " +
      "instead (docs/deploy.md, Secrets)");
  }
  const pod = podSpecOf(doc);
  if (!pod) return;
  const selector = doc.spec.selector && doc.spec.selector.matchLabels;
  const labels = (doc.spec.template.metadata || {}).labels || {};
  for (const [k, v] of Object.entries(selector || {})) {
    if (labels[k] !== v) {
      problem(file, doc, `selector ${k}=${v} does not match the pod labels`);
    }
  }
  const podSecurity = pod.securityContext || {};
  for (const c of pod.containers || []) {
    const where = `container ${c.name}: `;
    if (!c.readinessProbe) problem(file, doc, where + "no readinessProbe");
    if (!c.livenessProbe) problem(file, doc, where + "no livenessProbe");
    const r = c.resources || {};
    for (const kind of ["requests", "limits"]) {
      for (const res of ["cpu", "memory"]) {
        if (!r[kind] || r[kind][res] === undefined) {
          problem(file, doc, `${where}no ${res} in resources.${kind}`);
        }
      }
    }
    const sc = c.securityContext || {};
    if (!(sc.runAsNonRoot ?? podSecurity.runAsNonRoot)) {
      problem(file, doc, where + "may run as root (runAsNonRoot)");
    }
    if (sc.allowPrivilegeEscalation !== false) {
      problem(file, doc, where + "allowPrivilegeEscalation is not false");
    }
    if (sc.readOnlyRootFilesystem !== true) {
      problem(file, doc, where + "root filesystem is writable");
    }
  }
}

function checkDocument(file, doc) {
  checked++;
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    problem(file, null, "a document that is not a Kubernetes object");
    return;
  }
  validateSchema(file, doc);
  checkHandinRules(file, doc);
}

// `name=path` or `path` of a configMapGenerator's files list.
function generatorFile(entry) {
  const eq = entry.indexOf("=");
  return eq >= 0
    ? { key: entry.slice(0, eq), file: entry.slice(eq + 1) }
    : { key: path.basename(entry), file: entry };
}

function checkKustomization(shown, file, k, manifests) {
  const dir = path.dirname(file);
  const listed = new Set((k.resources || []).map((r) => path.join(dir, r)));
  for (const r of listed) {
    if (!fs.existsSync(r)) problem(shown, null, `resource ${r} does not exist`);
  }
  for (const m of manifests) {
    if (path.dirname(m) === dir && m !== file && !listed.has(m)) {
      problem(shown, null, `${path.basename(m)} is not in resources: it ` +
        "would not be deployed");
    }
  }
  for (const gen of k.configMapGenerator || []) {
    const data = {};
    for (const entry of gen.files || []) {
      const { key, file: rel } = generatorFile(entry);
      const source = path.join(dir, rel);
      if (!fs.existsSync(source)) {
        problem(shown, null, `configMapGenerator ${gen.name}: ${rel} does ` +
          "not exist");
        continue;
      }
      data[key] = fs.readFileSync(source, "utf8");
    }
    checkDocument(shown, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: gen.name, namespace: k.namespace },
      data,
    });
  }
}

function checkDir(dir) {
  const manifests = manifestFiles(dir);
  if (manifests.length === 0) {
    problem(shownPath(dir), null, "no manifests found");
    return;
  }
  for (const file of manifests) {
    const shown = shownPath(file);
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
    for (const d of docs) {
      if (d.errors.length > 0) {
        problem(shown, null, `not valid YAML: ${d.errors[0].message}`);
        continue;
      }
      const doc = d.toJS();
      if (doc === null || doc === undefined) continue;  // empty document
      if (path.basename(file) === "kustomization.yaml") {
        checkKustomization(shown, file, doc, manifests);
      } else {
        checkDocument(shown, doc);
      }
    }
  }
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: validate.cjs DIR...");
  process.exit(2);
}
for (const dir of dirs) checkDir(dir);
checkUnknownFields();
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`${problems.length} problem(s) in ${checked} object(s)`);
  process.exit(1);
}
console.log(`${checked} Kubernetes object(s) valid in ${dirs.join(", ")}`);
