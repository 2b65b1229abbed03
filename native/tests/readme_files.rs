//! The file table of native/README.md lists exactly the files under native/src.

use std::fs;
use std::path::Path;

/// Paths (relative to the crate, `/`-separated) of every file under `dir`, sorted.
fn files_under(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("native/src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files_under(root, &path, out);
        } else {
            let relative = path.strip_prefix(root).expect("under the crate");
            let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push(parts.join("/"));
        }
    }
}

/// The first word of each line of the README's first code block that starts with `src/`.
fn readme_table(readme: &str) -> Vec<String> {
    let block = readme.split("```").nth(1).expect("native/README.md opens with a code block: the file table");
    block.lines().filter(|l| l.starts_with("src/")).map(|l| l.split_whitespace().next().unwrap_or("").to_string()).collect()
}

#[test]
fn readme_file_table_lists_every_source_file_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(root, &root.join("src"), &mut files);
    files.sort();
    let readme = fs::read_to_string(root.join("README.md")).expect("native/README.md is readable");
    let mut listed = readme_table(&readme);
    let count = listed.len();
    listed.sort();
    listed.dedup();
    assert_eq!(listed.len(), count, "native/README.md: the file table lists a file twice");
    assert_eq!(listed, files, "native/README.md: the file table (first code block) must list every file under native/src, one line each");
}

#[test]
fn readme_table_reads_the_first_code_block_only() {
    let readme = "intro\n```\nsrc/a.rs   what a is\n  src/indented.rs no\nsrc/b/c.rs what c is\n```\n```ts\nsrc/other.rs\n```\n";
    assert_eq!(readme_table(readme), vec!["src/a.rs".to_string(), "src/b/c.rs".to_string()]);
}
