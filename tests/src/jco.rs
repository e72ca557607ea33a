//! The second host: a component run with `jco run` on Node.js (jco's
//! `preview2-shim` implements WASI 0.2 in JavaScript).
//!
//! `jco run` itself has no flags for arguments, environment or preopens
//! (1.35.0 registers none; its default is the process's arguments and
//! environment and no preopen at all). It does take `--jco-import MODULE`,
//! "a custom module to import before the run executes to support custom
//! environment setup". Each run writes such a module into the run's output
//! directory (so that it resolves the very `preview2-shim` instance the
//! transpiled component uses) and sets there, through the shim's exported
//! setters, exactly what the harness contract gives a program: argv, the
//! environment, no initial working directory, and the sandbox preopened as
//! `/sandbox` and as `.`. Stdin is the Node process's own, piped by us;
//! stdout and stderr go to files (see `Jco::run`).
//!
//! jco is installed by `ci/setup.sh` in `tests/jco/node_modules` (pinned by
//! `tests/jco/package.json` and its lock file). `JCO_BIN` may point at
//! another `jco.js`.

use crate::cases::{CaseSpec, SANDBOX_GUEST_ALIAS, SANDBOX_GUEST_PATH};
use crate::outcome::{ExitStatus, Outcome};
use crate::{paths, sandbox};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::fs::File;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Longest a single `jco run` may take (transpiling included) before it is
/// killed and reported as a host error.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// A usable Node.js and jco.
#[derive(Clone, Debug)]
pub struct Jco {
    node: PathBuf,
    script: PathBuf,
    /// `jco --version`, for reports.
    pub version: String,
}

/// Where `ci/setup.sh` installs jco.
pub fn install_dir() -> PathBuf {
    paths::workspace_root().join("tests/jco")
}

/// jco and Node, or why they cannot be used (probed once per process).
pub fn locate() -> Result<&'static Jco, &'static str> {
    static PROBE: OnceLock<Result<Jco, String>> = OnceLock::new();
    PROBE
        .get_or_init(probe)
        .as_ref()
        .map_err(String::as_str)
}

fn probe() -> Result<Jco, String> {
    let node = find_on_path("node").ok_or("node is not on PATH")?;
    let script = match std::env::var_os("JCO_BIN") {
        Some(path) => PathBuf::from(path),
        None => install_dir().join("node_modules/@bytecodealliance/jco/dist/jco.js"),
    };
    if !script.is_file() {
        return Err(format!(
            "jco is not installed ({} is missing; ci/setup.sh installs it)",
            script.display()
        ));
    }
    let output = Command::new(&node)
        .arg(&script)
        .arg("--version")
        .output()
        .map_err(|e| format!("running {}: {e}", node.display()))?;
    if !output.status.success() {
        return Err(format!(
            "`jco --version` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
    Ok(Jco {
        node,
        script,
        version,
    })
}

/// Whether the jco column runs `toolchain`/`case`: every case, unless
/// `JCO_CASES` lists filters (comma-separated substrings of
/// `<toolchain id>::<case>`, e.g. `rust::,go::hello`) or is `none`.
pub fn selected(toolchain: crate::toolchain::Toolchain, case: &str) -> bool {
    match std::env::var("JCO_CASES") {
        Err(_) => true,
        Ok(filters) => {
            let name = format!("{}::{case}", toolchain.id());
            filters
                .split(',')
                .map(str::trim)
                .any(|f| !f.is_empty() && f != "none" && name.contains(f))
        }
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

impl Jco {
    /// Runs `component` with `jco run` as `spec` says, in a fresh sandbox.
    /// `name` names the component file (jco derives module names from it).
    pub fn run(&self, component: &[u8], name: &str, spec: &CaseSpec) -> Result<Outcome> {
        let dir = sandbox::create(spec)?;
        let work = tempfile::Builder::new().prefix("jco-run-").tempdir()?;
        let wasm = work.path().join(format!("{}.wasm", file_stem(name)));
        std::fs::write(&wasm, component)?;
        let out_dir = work.path().join("js");
        std::fs::create_dir(&out_dir)?;
        let setup = out_dir.join("setup.mjs");
        std::fs::write(&setup, setup_module(spec, dir.path())?)?;

        // Output goes to files, not pipes: Node writes to a pipe
        // asynchronously and jco's runner calls process.exit() without
        // waiting, which loses what is still queued (docs/hosts.md).
        let stdout_path = work.path().join("stdout");
        let stderr_path = work.path().join("stderr");
        let mut cmd = Command::new(&self.node);
        cmd.arg(&self.script)
            .arg("run")
            .arg("--jco-dir")
            .arg(&out_dir)
            .arg("--jco-import")
            .arg(&setup)
            .arg(&wasm)
            .current_dir(work.path())
            // jco runs the component in a second Node process; a group of
            // its own lets a timeout kill both.
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(File::create(&stdout_path)?)
            .stderr(File::create(&stderr_path)?);
        let mut child = cmd.spawn().context("spawning node")?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = spec.stdin.clone();
        // The program may exit without reading all of stdin: a broken pipe
        // is then expected.
        let feeder = std::thread::spawn(move || stdin.write_all(&input));
        let exit = wait(&mut child)?;
        let _ = feeder.join();
        Ok(Outcome {
            stdout: std::fs::read(&stdout_path)?,
            stderr: std::fs::read(&stderr_path)?,
            exit,
            files: sandbox::snapshot(dir.path())?,
        })
    }
}

fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect()
}

fn wait(child: &mut Child) -> Result<ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(match status.code() {
                Some(code) => ExitStatus::Code(code),
                None => ExitStatus::HostError(format!("node terminated by {status}")),
            });
        }
        if started.elapsed() > RUN_TIMEOUT {
            // The whole group: jco's Node and the one running the component.
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(format!("-{}", child.id()))
                .status();
            let _ = child.wait();
            bail!("jco run did not finish within {RUN_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The module `jco run --jco-import` loads before the component: sets
/// argv, the environment, the initial working directory (none, as
/// wasmtime's host) and the two preopens, replacing whatever the shim took
/// from the Node process.
fn setup_module(spec: &CaseSpec, sandbox: &Path) -> Result<String> {
    let host = sandbox
        .to_str()
        .context("the sandbox path is not UTF-8")?;
    let mut js = String::from(
        "// Written by adapter-tests (tests/src/jco.rs) for one run.\n\
         import { _setArgs, _setEnv, _setCwd } from '@bytecodealliance/preview2-shim/cli';\n\
         import { _setPreopens, _addPreopen } from '@bytecodealliance/preview2-shim/filesystem';\n",
    );
    let args: Vec<String> = spec.args.iter().map(|a| js_string(a)).collect();
    let _ = writeln!(js, "_setArgs([{}]);", args.join(", "));
    // _setEnv takes an object; its entries keep insertion order for names
    // that are not array indices (no case uses a numeric name).
    assert!(
        spec.env.iter().all(|(k, _)| k.parse::<u32>().is_err()),
        "numeric environment names would be reordered by the shim"
    );
    let env: Vec<String> = spec
        .env
        .iter()
        .map(|(k, v)| format!("[{}, {}]", js_string(k), js_string(v)))
        .collect();
    let _ = writeln!(js, "_setEnv(Object.fromEntries([{}]));", env.join(",\n  "));
    js.push_str("_setCwd(undefined);\n_setPreopens({});\n");
    for guest in [SANDBOX_GUEST_PATH, SANDBOX_GUEST_ALIAS] {
        let _ = writeln!(js, "_addPreopen({}, {});", js_string(guest), js_string(host));
    }
    Ok(js)
}

/// A JavaScript string literal (JSON's escaping, which JS accepts).
fn js_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_for_javascript() {
        assert_eq!(js_string("a\"b\\c\nd\u{1}ü"), "\"a\\\"b\\\\c\\nd\\u0001ü\"");
    }

    #[test]
    fn setup_sets_everything_the_contract_gives() {
        let spec = crate::cases::spec("hello");
        let js = setup_module(&spec, Path::new("/tmp/box")).unwrap();
        assert!(js.contains("_setArgs([\"hello\", \"a b\", \"ünïcode\"]);"), "{js}");
        assert!(js.contains("[\"EQ_B\", \"=leading=and=trailing=\"]"), "{js}");
        assert!(js.contains("_addPreopen(\"/sandbox\", \"/tmp/box\");"), "{js}");
        assert!(js.contains("_addPreopen(\".\", \"/tmp/box\");"), "{js}");
    }
}
