import { createRequire as __samocodeRequire } from 'node:module'; const require = __samocodeRequire(import.meta.url);

// node_modules/@actions/core/lib/command.js
import * as os from "os";

// node_modules/@actions/core/lib/utils.js
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}

// node_modules/@actions/core/lib/command.js
function issueCommand(command, properties, message) {
  const cmd = new Command(command, properties, message);
  process.stdout.write(cmd.toString() + os.EOL);
}
var CMD_STRING = "::";
var Command = class {
  constructor(command, properties, message) {
    if (!command) {
      command = "missing.command";
    }
    this.command = command;
    this.properties = properties;
    this.message = message;
  }
  toString() {
    let cmdStr = CMD_STRING + this.command;
    if (this.properties && Object.keys(this.properties).length > 0) {
      cmdStr += " ";
      let first = true;
      for (const key in this.properties) {
        if (this.properties.hasOwnProperty(key)) {
          const val = this.properties[key];
          if (val) {
            if (first) {
              first = false;
            } else {
              cmdStr += ",";
            }
            cmdStr += `${key}=${escapeProperty(val)}`;
          }
        }
      }
    }
    cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
    return cmdStr;
  }
};
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// node_modules/@actions/core/lib/core.js
import * as os3 from "os";

// node_modules/@actions/core/lib/summary.js
import { EOL as EOL2 } from "os";
import { constants, promises } from "fs";
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve2) {
      resolve2(value);
    });
  }
  return new (P || (P = Promise))(function(resolve2, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve2(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var { access, appendFile, writeFile } = promises;
var SUMMARY_ENV_VAR = "GITHUB_STEP_SUMMARY";
var Summary = class {
  constructor() {
    this._buffer = "";
  }
  /**
   * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
   * Also checks r/w permissions.
   *
   * @returns step summary file path
   */
  filePath() {
    return __awaiter(this, void 0, void 0, function* () {
      if (this._filePath) {
        return this._filePath;
      }
      const pathFromEnv = process.env[SUMMARY_ENV_VAR];
      if (!pathFromEnv) {
        throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
      }
      try {
        yield access(pathFromEnv, constants.R_OK | constants.W_OK);
      } catch (_a) {
        throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
      }
      this._filePath = pathFromEnv;
      return this._filePath;
    });
  }
  /**
   * Wraps content in an HTML tag, adding any HTML attributes
   *
   * @param {string} tag HTML tag to wrap
   * @param {string | null} content content within the tag
   * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
   *
   * @returns {string} content wrapped in HTML element
   */
  wrap(tag, content, attrs = {}) {
    const htmlAttrs = Object.entries(attrs).map(([key, value]) => ` ${key}="${value}"`).join("");
    if (!content) {
      return `<${tag}${htmlAttrs}>`;
    }
    return `<${tag}${htmlAttrs}>${content}</${tag}>`;
  }
  /**
   * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
   *
   * @param {SummaryWriteOptions} [options] (optional) options for write operation
   *
   * @returns {Promise<Summary>} summary instance
   */
  write(options) {
    return __awaiter(this, void 0, void 0, function* () {
      const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
      const filePath = yield this.filePath();
      const writeFunc = overwrite ? writeFile : appendFile;
      yield writeFunc(filePath, this._buffer, { encoding: "utf8" });
      return this.emptyBuffer();
    });
  }
  /**
   * Clears the summary buffer and wipes the summary file
   *
   * @returns {Summary} summary instance
   */
  clear() {
    return __awaiter(this, void 0, void 0, function* () {
      return this.emptyBuffer().write({ overwrite: true });
    });
  }
  /**
   * Returns the current summary buffer as a string
   *
   * @returns {string} string of summary buffer
   */
  stringify() {
    return this._buffer;
  }
  /**
   * If the summary buffer is empty
   *
   * @returns {boolen} true if the buffer is empty
   */
  isEmptyBuffer() {
    return this._buffer.length === 0;
  }
  /**
   * Resets the summary buffer without writing to summary file
   *
   * @returns {Summary} summary instance
   */
  emptyBuffer() {
    this._buffer = "";
    return this;
  }
  /**
   * Adds raw text to the summary buffer
   *
   * @param {string} text content to add
   * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
   *
   * @returns {Summary} summary instance
   */
  addRaw(text, addEOL = false) {
    this._buffer += text;
    return addEOL ? this.addEOL() : this;
  }
  /**
   * Adds the operating system-specific end-of-line marker to the buffer
   *
   * @returns {Summary} summary instance
   */
  addEOL() {
    return this.addRaw(EOL2);
  }
  /**
   * Adds an HTML codeblock to the summary buffer
   *
   * @param {string} code content to render within fenced code block
   * @param {string} lang (optional) language to syntax highlight code
   *
   * @returns {Summary} summary instance
   */
  addCodeBlock(code, lang) {
    const attrs = Object.assign({}, lang && { lang });
    const element = this.wrap("pre", this.wrap("code", code), attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML list to the summary buffer
   *
   * @param {string[]} items list of items to render
   * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
   *
   * @returns {Summary} summary instance
   */
  addList(items, ordered = false) {
    const tag = ordered ? "ol" : "ul";
    const listItems = items.map((item) => this.wrap("li", item)).join("");
    const element = this.wrap(tag, listItems);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML table to the summary buffer
   *
   * @param {SummaryTableCell[]} rows table rows
   *
   * @returns {Summary} summary instance
   */
  addTable(rows) {
    const tableBody = rows.map((row) => {
      const cells = row.map((cell) => {
        if (typeof cell === "string") {
          return this.wrap("td", cell);
        }
        const { header, data, colspan, rowspan } = cell;
        const tag = header ? "th" : "td";
        const attrs = Object.assign(Object.assign({}, colspan && { colspan }), rowspan && { rowspan });
        return this.wrap(tag, data, attrs);
      }).join("");
      return this.wrap("tr", cells);
    }).join("");
    const element = this.wrap("table", tableBody);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds a collapsable HTML details element to the summary buffer
   *
   * @param {string} label text for the closed state
   * @param {string} content collapsable content
   *
   * @returns {Summary} summary instance
   */
  addDetails(label, content) {
    const element = this.wrap("details", this.wrap("summary", label) + content);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML image tag to the summary buffer
   *
   * @param {string} src path to the image you to embed
   * @param {string} alt text description of the image
   * @param {SummaryImageOptions} options (optional) addition image attributes
   *
   * @returns {Summary} summary instance
   */
  addImage(src, alt, options) {
    const { width, height } = options || {};
    const attrs = Object.assign(Object.assign({}, width && { width }), height && { height });
    const element = this.wrap("img", null, Object.assign({ src, alt }, attrs));
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML section heading element
   *
   * @param {string} text heading text
   * @param {number | string} [level=1] (optional) the heading level, default: 1
   *
   * @returns {Summary} summary instance
   */
  addHeading(text, level) {
    const tag = `h${level}`;
    const allowedTag = ["h1", "h2", "h3", "h4", "h5", "h6"].includes(tag) ? tag : "h1";
    const element = this.wrap(allowedTag, text);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML thematic break (<hr>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addSeparator() {
    const element = this.wrap("hr", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML line break (<br>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addBreak() {
    const element = this.wrap("br", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML blockquote to the summary buffer
   *
   * @param {string} text quote text
   * @param {string} cite (optional) citation url
   *
   * @returns {Summary} summary instance
   */
  addQuote(text, cite) {
    const attrs = Object.assign({}, cite && { cite });
    const element = this.wrap("blockquote", text, attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML anchor tag to the summary buffer
   *
   * @param {string} text link text/content
   * @param {string} href hyperlink
   *
   * @returns {Summary} summary instance
   */
  addLink(text, href) {
    const element = this.wrap("a", text, { href });
    return this.addRaw(element).addEOL();
  }
};
var _summary = new Summary();

// node_modules/@actions/core/lib/platform.js
import os2 from "os";

// node_modules/@actions/io/lib/io-util.js
import * as fs from "fs";
var { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs.promises;
var IS_WINDOWS = process.platform === "win32";
var READONLY = fs.constants.O_RDONLY;

// node_modules/@actions/exec/lib/toolrunner.js
var IS_WINDOWS2 = process.platform === "win32";

// node_modules/@actions/core/lib/platform.js
var platform = os2.platform();
var arch = os2.arch();

// node_modules/@actions/core/lib/core.js
var ExitCode;
(function(ExitCode2) {
  ExitCode2[ExitCode2["Success"] = 0] = "Success";
  ExitCode2[ExitCode2["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
function getInput(name, options) {
  const val = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options && options.required && !val) {
    throw new Error(`Input required and not supplied: ${name}`);
  }
  if (options && options.trimWhitespace === false) {
    return val;
  }
  return val.trim();
}
function warning(message, properties = {}) {
  issueCommand("warning", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function info(message) {
  process.stdout.write(message + os3.EOL);
}
function getState(name) {
  return process.env[`STATE_${name}`] || "";
}

// src/adapters/workspace-guard.ts
import { readFile as readFile3, rm as rm3, writeFile as writeFile3 } from "node:fs/promises";
import { join as join2 } from "node:path";

// src/adapters/leftover-processes.ts
import { readFileSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
function processesWithEnv(entry) {
  let pids;
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const found = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      if (`\0${readFileSync(`/proc/${pid}/environ`, "latin1")}`.includes(`\0${entry}\0`))
        found.push(Number(pid));
    } catch {
    }
  }
  return found;
}
async function stopProcessesWithEnv(entry) {
  const pids = processesWithEnv(entry);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
    }
  }
  for (let waited = 0; waited < 2e3 && processesWithEnv(entry).length > 0; waited += 50)
    await sleep(50);
  return pids.length;
}

// src/adapters/workspace-restore.ts
import { chmod as chmod2, readFile as readFile2, readdir as readdir3, rename as rename2, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { join, relative, resolve } from "node:path";

// src/adapters/workspace-snapshot.ts
import { lstat as lstat2, readFile, readdir as readdir2 } from "node:fs/promises";

// src/adapters/run-git.ts
import { spawn } from "node:child_process";
function runGit(cwd, args, input, env = {}) {
  return runGitProgram("git", cwd, args, input, env);
}
function runGitProgram(program, cwd, args, input, env = {}) {
  return new Promise((done) => {
    const child = spawn(program, args, {
      cwd,
      // Nobody is there to type a password: a push without credentials fails instead of waiting.
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...env },
      stdio: [input === void 0 ? "ignore" : "pipe", "pipe", "pipe"]
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (c) => stdout += c);
    child.stderr?.setEncoding("utf8").on("data", (c) => stderr += c);
    child.on("error", (error) => done({ code: -1, stdout, stderr: error.message }));
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin?.on("error", () => void 0);
    if (input !== void 0) child.stdin?.end(input);
  });
}

// src/adapters/workspace-snapshot.ts
async function git(cwd, args, input) {
  const result = await runGit(cwd, args, input);
  if (result.code !== 0) {
    const detail = result.stderr.trim().split("\n").slice(-2).join(" ");
    throw new Error(`git ${args.join(" ")} failed (exit ${result.code}): ${detail}`);
  }
  return result.stdout;
}
async function listRefs(cwd) {
  const out = await git(cwd, ["for-each-ref", "--format=%(refname)%00%(objectname)%00%(symref)"]);
  const refs = {};
  for (const line of out.split("\n").filter(Boolean)) {
    const [name = "", oid = "", symref = ""] = line.split("\0");
    refs[name] = symref ? `ref: ${symref}` : oid;
  }
  return refs;
}
async function listUntracked(cwd) {
  const out = await git(cwd, ["ls-files", "--others", "--directory", "-z"]);
  return out.split("\0").filter(Boolean);
}
async function copyFile2(path) {
  try {
    const stat2 = await lstat2(path);
    if (!stat2.isFile()) return void 0;
    return { data: (await readFile(path)).toString("base64"), mode: stat2.mode & 4095 };
  } catch (error) {
    return error.code === "ENOENT" ? null : void 0;
  }
}
var IN_PROGRESS = [
  "rebase-merge",
  "rebase-apply",
  "MERGE_HEAD",
  "CHERRY_PICK_HEAD",
  "REVERT_HEAD",
  "BISECT_LOG",
  "index.lock"
];

// src/adapters/push-check.ts
import { spawn as spawn2 } from "node:child_process";

// src/core/push-findings.ts
var ALLOW_WORKFLOW_CHANGES = "allow-workflow-changes";
function isCiDefinition(path) {
  return /^\.github(\/(workflows|actions)(\/|$)|$)/i.test(path);
}
function changeOf(status) {
  if (/^A+$/.test(status)) return "adds";
  if (/^D+$/.test(status)) return "deletes";
  return "changes";
}
var SHOWN = 5;
function describeRefusal(branch, findings) {
  const short = (sha) => sha.slice(0, 12);
  const parts = findings.slice(0, SHOWN).map((f) => {
    if (f.kind === "ci") return `commit ${short(f.commit)} ${f.change} ${f.path}`;
    const form = f.form === "raw" ? "" : ` (${f.form})`;
    const where = f.path === void 0 ? "its commit message" : f.path;
    return `commit ${short(f.commit)} puts the value of ${f.secret}${form} in ${where}`;
  });
  const more = findings.length > SHOWN ? `; and ${findings.length - SHOWN} more` : "";
  const ci = findings.some((f) => f.kind === "ci") ? `; CI definitions (.github/workflows, .github/actions) change only with the input ${ALLOW_WORKFLOW_CHANGES}: true` : "";
  return `refusing to push ${branch}: ${parts.join("; ")}${more}${ci}. Nothing was pushed; the next run starts again from the branch on origin`;
}

// src/core/secret-forms.ts
var MIN_SECRET_LENGTH = 8;
var BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
var BASE64URL = `${BASE64.slice(0, 62)}-_`;
function alignedBase64(bytes, offset, alphabet = BASE64) {
  const firstBit = 8 * offset;
  const endBit = 8 * (offset + bytes.length);
  let out = "";
  for (let i = Math.ceil(firstBit / 6); 6 * i + 6 <= endBit; i++) {
    let value = 0;
    for (let bit = 6 * i; bit < 6 * i + 6; bit++) {
      const byte = bytes[Math.floor(bit / 8) - offset] ?? 0;
      value = value << 1 | byte >> 7 - bit % 8 & 1;
    }
    out += alphabet[value];
  }
  return out;
}
function hex(bytes) {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
function secretNeedles(secrets) {
  const needles = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    const bytes = new TextEncoder().encode(value);
    const seen = /* @__PURE__ */ new Set();
    const add = (form, text) => {
      if (text.length < MIN_SECRET_LENGTH || seen.has(text)) return;
      seen.add(text);
      needles.push({ name, form, text });
    };
    add("raw", value);
    for (const offset of [0, 1, 2]) add("base64", alignedBase64(bytes, offset));
    for (const offset of [0, 1, 2])
      add("base64url", alignedBase64(bytes, offset, BASE64URL));
    add("url-encoded", encodeURIComponent(value));
    add("hex", hex(bytes));
    add("hex", hex(bytes).toUpperCase());
  }
  return needles;
}
function findSecrets(text, needles) {
  const found = [];
  for (const needle of needles) {
    if (found.some((f) => f.name === needle.name)) continue;
    if (text.includes(needle.text)) found.push(needle);
  }
  return found;
}

// src/adapters/push-check.ts
var SecretLeakError = class extends Error {
  name = "SecretLeakError";
};
var PushRefusedError = class extends SecretLeakError {
  constructor(branch, findings) {
    super(describeRefusal(branch, findings));
    this.branch = branch;
    this.findings = findings;
  }
  branch;
  findings;
  name = "PushRefusedError";
};
var ZERO = /^0+$/;
async function gitOut(cwd, args, input) {
  const result = await runGit(cwd, args, input);
  if (result.code !== 0)
    throw new Error(
      `checking the commits to push: git ${args[0] ?? ""} failed: ${result.stderr.trim()}`
    );
  return result.stdout;
}
function parseChanges(out) {
  const changes = [];
  const fields = out.split("\0");
  let commit = "";
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? "";
    if (!field.startsWith(":")) {
      if (field) commit = field.trim();
      continue;
    }
    const path = fields[++i] ?? "";
    const parents = /^:+/.exec(field)?.[0].length ?? 1;
    const parts = field.slice(parents).split(" ");
    const mode = parts[parents] ?? "";
    const sha = parts[2 * parents + 1] ?? "";
    const status = parts[2 * parents + 2] ?? "";
    const readable = !ZERO.test(sha) && mode !== "160000";
    changes.push({ commit, path, status, ...readable ? { blob: sha } : {} });
  }
  return changes;
}
function readObjects(cwd, objects, onObject) {
  return new Promise((done, fail) => {
    const child = spawn2("git", ["cat-file", "--batch"], {
      cwd,
      stdio: ["pipe", "pipe", "pipe"]
    });
    let head = Buffer.alloc(0);
    let want;
    let body = [];
    let bodyLength = 0;
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c) => stderr += c);
    child.stdout.on("data", (chunk) => {
      try {
        let rest = chunk;
        while (rest.length > 0) {
          if (want) {
            const take = Math.min(rest.length, want.size + 1 - bodyLength);
            body.push(rest.subarray(0, take));
            bodyLength += take;
            rest = rest.subarray(take);
            if (bodyLength === want.size + 1) {
              onObject(want.sha, Buffer.concat(body, bodyLength).subarray(0, want.size));
              want = void 0;
              body = [];
              bodyLength = 0;
            }
            continue;
          }
          const newline = rest.indexOf(10);
          if (newline === -1) {
            head = Buffer.concat([head, rest]);
            break;
          }
          const line = Buffer.concat([head, rest.subarray(0, newline)]).toString("utf8");
          head = Buffer.alloc(0);
          rest = rest.subarray(newline + 1);
          const [sha = "", type = "", size] = line.split(" ");
          if (type !== "missing" && size !== void 0) want = { sha, size: Number(size) };
        }
      } catch (error) {
        child.kill();
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.on("error", fail);
    child.on("close", (code) => {
      if (code === 0) done();
      else fail(new Error(`checking the commits to push: git cat-file failed: ${stderr.trim()}`));
    });
    child.stdin.on("error", () => void 0);
    child.stdin.end(objects.map((o) => `${o}
`).join(""));
  });
}
async function checkPush(cwd, tip, policy, exclude = []) {
  const commits = (await gitOut(cwd, [
    "rev-list",
    "--reverse",
    "--ignore-missing",
    tip,
    "--not",
    "--remotes=origin",
    ...exclude
  ])).split("\n").filter(Boolean);
  if (commits.length === 0) return [];
  const changes = parseChanges(
    await gitOut(
      cwd,
      ["diff-tree", "--stdin", "-r", "--root", "-c", "--no-renames", "-z"],
      `${commits.join("\n")}
`
    )
  );
  const findings = [];
  if (!policy.allowWorkflowChanges) {
    for (const c of changes) {
      if (isCiDefinition(c.path))
        findings.push({ kind: "ci", commit: c.commit, path: c.path, change: changeOf(c.status) });
    }
  }
  const needles = secretNeedles(policy.secrets);
  if (needles.length > 0) {
    const firstSeen = /* @__PURE__ */ new Map();
    for (const commit of commits) firstSeen.set(commit, { commit });
    for (const c of changes) {
      if (c.blob && !firstSeen.has(c.blob))
        firstSeen.set(c.blob, { commit: c.commit, path: c.path });
    }
    await readObjects(cwd, [...firstSeen.keys()], (sha, data) => {
      const where = firstSeen.get(sha);
      if (!where) return;
      for (const hit of findSecrets(data.toString("utf8"), needles))
        findings.push({ kind: "secret", ...where, secret: hit.name, form: hit.form });
    });
  }
  const order = new Map(commits.map((c, i) => [c, i]));
  return findings.sort((a, b) => (order.get(a.commit) ?? 0) - (order.get(b.commit) ?? 0));
}

// src/adapters/workspace-restore.ts
var SAFE = ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"];
async function restoreWorkspace(snap, log) {
  const step = async (what, action) => {
    try {
      await action();
    } catch (error) {
      log.warn(`cleaning the workspace: could not ${what}: ${error.message}`);
    }
  };
  const cwd = snap.workspace;
  await step("restore the git config and hooks", () => restoreFiles(snap));
  await step("clear interrupted git operations", () => clearInProgress(snap));
  await step("remove the worktrees the run added", () => removeWorktrees(snap));
  await step(`check out ${snap.head.sha}`, async () => {
    await git(cwd, [...SAFE, "checkout", "--force", "--quiet", "--detach", snap.head.sha]);
  });
  await step("put the refs back", () => restoreRefs(snap, log));
  const { ref, sha } = snap.head;
  if (ref) {
    await step(`switch back to ${ref}`, async () => {
      await git(cwd, ["symbolic-ref", "HEAD", ref]);
      const at = (await git(cwd, ["rev-parse", "HEAD"])).trim();
      if (at !== sha) await git(cwd, [...SAFE, "reset", "--hard", "--quiet"]);
    });
  }
  const { dirty } = snap;
  if (dirty) {
    await step("reapply the uncommitted changes found before the run", async () => {
      await git(cwd, [...SAFE, "stash", "apply", "--index", "--quiet", dirty]);
    });
  }
  await step("remove the files the run left", () => removeNewFiles(snap));
}
async function restoreFiles(snap) {
  for (const [path, copy] of Object.entries(snap.files)) await restoreFile(path, copy);
  for (const [folder, names] of Object.entries(snap.folders)) {
    if (names === null) {
      await rm2(folder, { recursive: true, force: true });
      continue;
    }
    for (const name of await readdir3(folder).catch(() => [])) {
      if (!names.includes(name)) await rm2(join(folder, name), { recursive: true, force: true });
    }
  }
}
async function restoreFile(path, copy) {
  if (copy === null) {
    await rm2(path, { force: true });
    return;
  }
  const current = await copyFile2(path);
  if (current && current.data === copy.data && current.mode === copy.mode) return;
  const temp = `${path}.samocode-restore`;
  await writeFile2(temp, Buffer.from(copy.data, "base64"), { mode: copy.mode });
  await chmod2(temp, copy.mode);
  await rename2(temp, path);
}
async function clearInProgress(snap) {
  for (const name of IN_PROGRESS) {
    if (!snap.inProgress.includes(name))
      await rm2(join(snap.gitDir, name), { recursive: true, force: true });
  }
}
async function removeWorktrees(snap) {
  const names = await readdir3(join(snap.commonDir, "worktrees")).catch(() => []);
  for (const name of names.filter((n) => !snap.worktrees.includes(n))) {
    const admin = join(snap.commonDir, "worktrees", name);
    const gitdir = await readFile2(join(admin, "gitdir"), "utf8").catch(() => "");
    const path = gitdir.trim().replace(/\/\.git$/, "");
    const removed = path ? await runGit(snap.workspace, ["worktree", "remove", "--force", "--force", path]) : { code: 1 };
    if (removed.code !== 0) {
      if (path) await rm2(path, { recursive: true, force: true });
      await rm2(admin, { recursive: true, force: true });
    }
  }
  await runGit(snap.workspace, ["worktree", "prune"]);
}
async function restoreRefs(snap, log) {
  const cwd = snap.workspace;
  const fetchEnv = log.remote?.fetchEnv ?? {};
  const policy = log.policy ?? { secrets: {}, allowWorkflowChanges: false };
  const now = await listRefs(cwd);
  const known = [...new Set(Object.values(snap.refs).filter((v) => !v.startsWith("ref: ")))];
  let remote;
  const kept = /* @__PURE__ */ new Set();
  for (const [name, oid] of Object.entries(now)) {
    if (!name.startsWith("refs/heads/") || oid.startsWith("ref: ") || snap.refs[name] === oid)
      continue;
    remote ??= remoteHeads(cwd, fetchEnv);
    const heads = await remote;
    if (await isSaved(cwd, oid, name, known, heads, fetchEnv)) continue;
    const branch = name.slice("refs/heads/".length);
    if (branch.startsWith(snap.branchPrefix)) {
      const findings = await checkPush(cwd, oid, policy, [...heads.values()]);
      if (findings.length > 0) {
        kept.add(name);
        log.warn(
          `kept the local branch ${branch} at ${oid} without pushing it: ${new PushRefusedError(branch, findings).message}`
        );
        continue;
      }
      const push = ["push", "--quiet", "--no-verify", "origin", `${oid}:${name}`];
      if ((await runGit(cwd, [...SAFE, ...push], void 0, log.remote?.pushEnv)).code === 0) {
        log.info(`pushed the unpushed commits of ${branch} (${oid.slice(0, 12)}) to origin`);
        known.push(oid);
        continue;
      }
    }
    kept.add(name);
    log.warn(
      `kept the local branch ${branch} at ${oid}: it has commits that are on no branch of origin (push them by hand, or delete the branch once they are not needed)`
    );
  }
  const lines = [];
  const symrefs = [];
  for (const name of /* @__PURE__ */ new Set([...Object.keys(now), ...Object.keys(snap.refs)])) {
    const before = snap.refs[name];
    if (before === now[name] || kept.has(name)) continue;
    if (before === void 0) lines.push(`delete ${name}`);
    else if (before.startsWith("ref: ")) symrefs.push([name, before.slice("ref: ".length)]);
    else lines.push(`update ${name} ${before}`);
  }
  if (lines.length > 0)
    await git(cwd, ["update-ref", "--no-deref", "--stdin"], `${lines.join("\n")}
`);
  for (const [name, target] of symrefs) await git(cwd, ["symbolic-ref", name, target]);
}
async function remoteHeads(cwd, env) {
  const listed = await runGit(cwd, [...SAFE, "ls-remote", "--heads", "origin"], void 0, env);
  const heads = /* @__PURE__ */ new Map();
  for (const line of listed.stdout.split("\n").filter(Boolean)) {
    const [oid = "", name = ""] = line.split("	");
    heads.set(name, oid);
  }
  return heads;
}
async function isSaved(cwd, oid, name, known, remote, env) {
  const theirs = remote.get(name);
  if (theirs === oid) return true;
  if (theirs && (await runGit(cwd, ["cat-file", "-e", `${theirs}^{commit}`])).code !== 0) {
    await runGit(
      cwd,
      [...SAFE, "-c", "maintenance.auto=false", "fetch", "--no-tags", "--quiet", "origin", name],
      void 0,
      env
    );
  }
  const tips = [oid, ...[...known, ...remote.values()].map((o) => `^${o}`)];
  const counted = await runGit(
    cwd,
    ["rev-list", "--count", "--ignore-missing", "--stdin"],
    `${tips.join("\n")}
`
  );
  return counted.code === 0 && counted.stdout.trim() === "0";
}
async function removeNewFiles(snap) {
  const before = new Set(snap.untracked);
  for (const entry of await listUntracked(snap.workspace)) {
    if (before.has(entry)) continue;
    const path = resolve(snap.workspace, entry);
    if (relative(snap.workspace, path).startsWith("..")) continue;
    await rm2(path, { recursive: true, force: true });
  }
}

// src/adapters/workspace-guard.ts
var GUARD_STATE = "workspaceGuard";
var SNAPSHOT = "snapshot.json";
var tempEnv = (dir) => {
  const tmp = join2(dir, "tmp");
  return { TMPDIR: tmp, TMP: tmp, TEMP: tmp };
};
async function restoreFromState(dir, log) {
  if (!dir) return false;
  let text;
  try {
    text = await readFile3(join2(dir, SNAPSHOT), "utf8");
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
    await removeFolder(dir, log);
    return false;
  }
  const stopped = await stopProcessesWithEnv(`TMPDIR=${tempEnv(dir).TMPDIR}`);
  if (stopped > 0) log.info(`stopped ${stopped} processes the run left running`);
  const snapshot = JSON.parse(text);
  await restoreWorkspace(snapshot, log);
  await removeFolder(dir, log);
  return true;
}
async function removeFolder(dir, log) {
  await rm3(dir, { recursive: true, force: true, maxRetries: 2 }).catch(
    (error) => log.warn(`could not delete ${dir}: ${error.message}`)
  );
}

// src/adapters/git-auth.ts
function gitAuthEnv(auth, inherited = process.env) {
  const key = `http.${auth.serverUrl.replace(/\/+$/, "")}/.extraheader`;
  const basic = Buffer.from(`x-access-token:${auth.token}`).toString("base64");
  const first = Number(inherited.GIT_CONFIG_COUNT) || 0;
  return {
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_COUNT: String(first + 2),
    [`GIT_CONFIG_KEY_${first}`]: key,
    [`GIT_CONFIG_VALUE_${first}`]: "",
    [`GIT_CONFIG_KEY_${first + 1}`]: key,
    [`GIT_CONFIG_VALUE_${first + 1}`]: `AUTHORIZATION: basic ${basic}`
  };
}
function remoteAccess(serverUrl, githubToken, pushToken) {
  const fetchEnv = githubToken ? gitAuthEnv({ serverUrl, token: githubToken }) : {};
  return {
    fetchEnv,
    pushEnv: pushToken ? gitAuthEnv({ serverUrl, token: pushToken }) : fetchEnv
  };
}

// src/adapters/agent-env.ts
var AGENT_CREDENTIAL_ENV = [
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "OPENAI_API_KEY",
  "CODEX_API_KEY",
  "GEMINI_API_KEY",
  "GOOGLE_API_KEY"
];

// src/entrypoints/action-secrets.ts
var DEFAULT_SECRET_ENV = [
  ...AGENT_CREDENTIAL_ENV,
  "TELEGRAM_BOT_TOKEN",
  "SLACK_WEBHOOK_URL"
].join(",");
var RUNNER_TOKEN_ENV = [
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_URL",
  "ACTIONS_CACHE_URL",
  "ACTIONS_RESULTS_URL",
  "ACTIONS_RUNTIME_URL"
];
function secretEnvNames(input) {
  return (input("secret-env").trim() || DEFAULT_SECRET_ENV).split(/[\s,]+/).filter(Boolean);
}
function actionSecrets(input, env) {
  const secrets = {};
  const add = (name, value) => {
    if (value?.trim()) secrets[name] = value.trim();
  };
  for (const name of [
    "github-token",
    "push-token",
    "agent-github-token",
    "slack-webhook-url",
    "webhook-url",
    "signing-key"
  ])
    add(name, input(name));
  for (const name of [...RUNNER_TOKEN_ENV, ...secretEnvNames(input)]) add(name, env[name]);
  return secrets;
}
function actionGit(input, env) {
  const secrets = actionSecrets(input, env);
  return {
    secrets,
    policy: {
      secrets,
      allowWorkflowChanges: input(ALLOW_WORKFLOW_CHANGES).trim().toLowerCase() === "true"
    },
    remote: remoteAccess(
      env.GITHUB_SERVER_URL || "https://github.com",
      input("github-token").trim(),
      input("push-token").trim()
    )
  };
}

// src/post.ts
try {
  const { remote, policy } = actionGit(getInput, process.env);
  const log = {
    info: (line) => info(line),
    warn: (line) => warning(line),
    remote,
    policy
  };
  if (await restoreFromState(getState(GUARD_STATE), log))
    info("Samocode: the workspace is back as the interrupted run found it.");
} catch (error) {
  warning(`Samocode could not clean the workspace: ${error.message}`);
}
process.exitCode = 0;
