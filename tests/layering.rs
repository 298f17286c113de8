//! The crate's layering, checked on the source: each module imports only the
//! modules below it (see the crate docs in `src/lib.rs`). Test files are
//! exempt (core unit tests may build packs with the loader); comments are
//! not code.

use std::path::{Path, PathBuf};

struct Case {
    /// The module's folder under `src/`.
    module: &'static str,
    /// What no non-test source line of it may name.
    forbidden: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        module: "core",
        forbidden: &[
            "crate::pack",
            "crate::config",
            "crate::store",
            "crate::bot",
            "crate::cli",
            "crate::reader",
            "crate::diagnostics",
            "std::fs",
            "candle_",
            "tokenizers",
            "serenity",
            "tokio",
        ],
    },
    Case { module: "pack", forbidden: &["crate::config", "crate::store", "crate::bot", "crate::cli", "crate::reader"] },
    Case { module: "reader", forbidden: &["crate::config", "crate::store", "crate::bot", "crate::cli"] },
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "tests") {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|x| x == "rs")
            && !path.file_stem().is_some_and(|s| s.to_string_lossy().ends_with("tests"))
        {
            out.push(path);
        }
    }
}

#[test]
fn each_module_imports_only_the_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for case in CASES {
        let mut files = Vec::new();
        sources(&src.join(case.module), &mut files);
        assert!(!files.is_empty(), "{}: no sources", case.module);
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read");
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for name in case.forbidden {
                    if code.contains(name) {
                        found.push(format!("{}:{}: {name}", file.display(), i + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "imports against the layering:\n{}", found.join("\n"));
}
