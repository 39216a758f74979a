//! The README's quickstart as a reader runs it: its shell blocks, with curl and jq, against a
//! fresh `chatcloud serve` and the demo keys it prints.

use std::process::Command;

use crate::cli::{printed_value, serve};

/// The shell block that follows the heading `heading` in the README.
fn shell_block(readme: &str, heading: &str) -> String {
    let section = readme
        .split_once(heading)
        .unwrap_or_else(|| panic!("the README has {heading:?}"))
        .1;
    let block = section
        .split_once("```sh\n")
        .expect("a shell block follows")
        .1;
    block
        .split_once("```")
        .expect("the block ends")
        .0
        .to_owned()
}

#[test]
fn the_quickstart_chat_and_ticket_blocks_run_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let script = [
        shell_block(&readme, "### Two users chat"),
        shell_block(&readme, "### A support ticket, end to end"),
    ]
    .join("\n");
    let dir = tempfile::tempdir().expect("dir");
    let server = serve(&format!(
        "sqlite://{}",
        dir.path().join("readme.db").display()
    ));
    let key = printed_value(&server.printed, "x-api-key:").expect("demo key printed");
    let secret = printed_value(&server.printed, "x-api-secret:").expect("demo secret printed");
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .env("KEY", key)
        .env("SECRET", secret)
        .env("API", format!("{}/api/v1", server.base))
        .output()
        .expect("bash runs (the quickstart needs bash, curl and jq)");
    let replies = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the quickstart failed: {}\n{replies}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Every reply is a success, and the ticket went the whole way.
    assert!(!replies.contains("\"success\":false"), "{replies}");
    assert!(replies.contains("\"success\":true"), "{replies}");
    assert!(replies.contains("\"status\":\"resolved\""), "{replies}");
}
