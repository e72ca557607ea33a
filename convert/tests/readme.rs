//! The README shows `p1-convert --help` verbatim; it must stay what the
//! command prints.

mod common;

#[test]
fn readme_shows_the_help_the_command_prints() {
    let output = common::p1_convert().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();

    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let marker = "$ p1-convert --help\n";
    let start = readme.find(marker).expect("the README has a `$ p1-convert --help` block") + marker.len();
    let end = start + readme[start..].find("```").expect("the block is closed");
    assert_eq!(&readme[start..end], help, "README.md's help block differs from `p1-convert --help`");
}
