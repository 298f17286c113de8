//! Running the `keel` binary from a test, and knowing whether the context
//! reader's files are there. Light on purpose: `tests/readme.rs` takes this
//! file alone (`mod support { pub mod binary; }`), without the fake Discord.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `keel ARGS` in the repository's root with `stdin` as its input.
pub fn keel(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("keel runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("keel finishes")
}

/// True when the context reader's files are there (the base model from
/// `tools/fetch-model.sh` and `models/keel-reader.safetensors`).
///
/// Without them the test named `test` cannot run: this panics when
/// `KEEL_REQUIRE_READER` is set (as `.ci/run` does after fetching the
/// model), and otherwise writes `SKIPPED <test>: ...` to the terminal's
/// stderr itself, since the test harness captures `eprintln!` and would show
/// nothing but a pass.
pub fn reader_present(test: &str) -> bool {
    let present = root().join("models/all-MiniLM-L6-v2/model.safetensors").is_file()
        && root().join("models/keel-reader.safetensors").is_file();
    if !present {
        assert!(
            std::env::var_os("KEEL_REQUIRE_READER").is_none(),
            "KEEL_REQUIRE_READER is set but the context reader's files are missing: bash tools/fetch-model.sh"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: needs the context reader's base model (bash tools/fetch-model.sh)"
        );
    }
    present
}
